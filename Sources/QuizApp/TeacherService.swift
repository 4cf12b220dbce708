import Foundation
import HTTP
import Store

/// Teachers' accounts (the administrator's to manage) and co-teachers (a class owner's to add).
struct TeacherService: Sendable {
    let access: Access

    struct NewTeacher: Decodable {
        var name: String
    }

    struct CoTeacher: Decodable {
        var teacher: String
    }

    struct TeacherEntry: Encodable {
        var id, name: String
        init(_ record: TeacherRecord) {
            id = record.id
            name = record.name
        }
    }

    /// `POST /api/v1/teachers`: the token is in this answer only; the store keeps its hash.
    func create(_ request: Request) async throws -> Response {
        try await access.requireAdmin(request)
        let body = try request.decodeJSON(NewTeacher.self)
        let name = try ClassroomService.displayName(body.name, limit: 80)
        let token = Tokens.make()
        let record = try await access.wrapStore {
            try await access.classroomStore().createTeacher(name: name, tokenHash: Tokens.hash(token))
        }
        return .json(["id": record.id, "name": record.name, "token": token], status: 201)
    }

    func list(_ request: Request) async throws -> Response {
        try await access.requireAdmin(request)
        let records = try await access.wrapStore { try await access.classroomStore().teachers() }
        return .json(["teachers": records.map(TeacherEntry.init)])
    }

    func delete(_ request: Request) async throws -> Response {
        try await access.requireAdmin(request)
        let id = request.parameters["id"] ?? ""
        guard try await access.wrapStore({ try await access.classroomStore().deleteTeacher(id: id) }) else {
            throw QuizError.notFound("There is no teacher \"\(id)\".")
        }
        return Response(status: 204)
    }

    /// `POST /api/v1/classes/{code}/teachers`: the owner (or the administrator) adds a co-teacher.
    func addCoTeacher(_ request: Request) async throws -> Response {
        let (_, classRecord) = try await access.requireClass(request, ownerOnly: true)
        let body = try request.decodeJSON(CoTeacher.self)
        let store = try access.classroomStore()
        guard try await access.wrapStore({ try await store.teacher(id: body.teacher) }) != nil else {
            throw QuizError.invalidField("teacher", "there is no teacher \"\(body.teacher)\".")
        }
        // The owner, or a co-teacher already, stays as they are (the store adds no second row).
        try await access.wrapStore {
            try await store.addCoTeacher(teacherID: body.teacher, classCode: classRecord.code)
        }
        return Response(status: 204)
    }
}
