import Foundation
import HTTP
import Store

/// `GET /api/v1/questions/{id}/hints/{n}`: the n-th hint, as `Catalog.hint` answers it; when the caller is a student
/// of a class, the hint taken is noted first (`HintStore`), so that their teacher sees it beside the score. Anyone
/// else (no token, a teacher) gets the hint and nothing is noted; an unknown token gets 401, as on attempts.
struct HintService: Sendable {
    let catalog: LiveCatalog
    let classroom: ClassroomService

    func hint(_ request: Request) async throws -> Response {
        // A teacher's question only to those who may see it (`QuestionVisibility`), else 404 before anything is noted.
        let response = try await QuestionVisibility(access: classroom.access, catalog: catalog).hint(request)
        guard let student = try await classroom.student(for: request),
            let hints = classroom.store as? any HintStore,
            let id = request.parameters["id"], let n = request.parameters["n"].flatMap(Int.init)
        else { return response }
        try await classroom.wrap { try await hints.recordHint(studentID: student.id, questionID: id, n: n, at: Date()) }
        return response
    }
}
