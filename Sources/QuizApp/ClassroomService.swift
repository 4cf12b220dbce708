import Foundation
import HTTP
import QuizCore
import Store

/// Classes, students and their recorded attempts: who may see what, and the shapes the API sends.
struct ClassroomService: Sendable {
    let store: any AttemptStore
    let catalog: LiveCatalog
    let teacher: TeacherToken
    let access: Access

    struct NewStudent: Decodable {
        var name: String
        var `class`: String
    }

    struct NewClass: Decodable {
        var name: String
        /// `open` (the default), `approval` or `roster`.
        var joining: String?
    }

    // MARK: - Who is asking

    /// The administrator or a teacher with an account (every request reads the store; nothing is cached).
    @discardableResult
    func requireTeacher(_ request: Request) async throws -> Caller {
        try await access.caller(request)
    }

    /// The student whose token the request carries; nil when it carries none. A token that matches no one is an
    /// error rather than an anonymous attempt, so a student never believes attempts are recorded when they are not.
    func student(for request: Request) async throws -> StudentRecord? {
        guard let token = request.bearerToken else { return nil }
        if teacher.accepts(token) { return nil }
        guard let student = try await wrap({ try await store.student(tokenHash: Tokens.hash(token)) }) else {
            // A teacher trying a question is not a student: answered, not recorded, as for the administrator.
            if let classroom = access.classroom,
                try await wrap({ try await classroom.teacher(tokenHash: Tokens.hash(token)) }) != nil
            {
                return nil
            }
            if let enrolment = access.enrolment,
                let waiting = try await wrap({ try await enrolment.pendingStudent(tokenHash: Tokens.hash(token)) })
            {
                throw QuizError.forbidden(
                    "Your teacher has not approved your joining \(waiting.classCode) yet; try again once they have."
                )
            }
            throw QuizError.unauthorized("This token belongs to no student; join a class again.")
        }
        return student
    }

    // MARK: - Routes

    func join(_ request: Request) async throws -> Response {
        let body = try request.decodeJSON(NewStudent.self)
        let name = try Self.displayName(body.name, limit: 60)
        let code = body.class.trimmingCharacters(in: .whitespaces).uppercased()
        guard !code.isEmpty else { throw QuizError.invalidField("class", "the class code is empty.") }
        let token = Tokens.make()
        var policy: JoinPolicy?
        if let enrolment = access.enrolment {
            policy = try await wrap { try await enrolment.joinPolicy(classCode: code) }
        }
        let student: StudentRecord
        switch policy {
        case .roster:
            throw QuizError.forbidden(
                "The class \(code) takes no one by its code: your teacher adds you and gives you a code of your own."
            )
        case .approval:
            student = try await wrap {
                try await access.enrolmentStore().createPendingStudent(
                    name: name,
                    classCode: code,
                    tokenHash: Tokens.hash(token)
                )
            }
        default:
            student = try await wrap {
                try await store.createStudent(name: name, classCode: code, tokenHash: Tokens.hash(token))
            }
        }
        var answer = ["id": student.id, "name": student.name, "class": student.classCode, "token": token]
        if policy == .approval { answer["status"] = "pending" }
        return .json(answer, status: 201)
    }

    func myAttempts(_ request: Request) async throws -> Response {
        guard let student = try await student(for: request) else {
            throw QuizError.unauthorized("This needs a student's token: join a class first.")
        }
        let records = try await wrap { try await store.attempts(studentID: student.id, limit: 500) }
        return .json(MyAttempts(student: .init(student), attempts: records.map(MyAttempts.Attempt.init)))
    }

    func createClass(_ request: Request) async throws -> Response {
        let caller = try await requireTeacher(request)
        let body = try request.decodeJSON(NewClass.self)
        let name = try Self.displayName(body.name, limit: 80)
        let joining = try ClassSettingsService.policy(body.joining ?? "open")
        if joining != .open { _ = try access.enrolmentStore() }
        let record: ClassRecord
        if let owner = caller.teacherID {
            record = try await wrap { try await access.classroomStore().createClass(name: name, owner: owner) }
        } else {
            record = try await wrap { try await store.createClass(name: name) }
        }
        if joining != .open {
            try await wrap { try await access.enrolmentStore().setJoinPolicy(classCode: record.code, joining) }
        }
        return .json(ClassSettingsService.Entry(record, joining: joining), status: 201)
    }

    func listClasses(_ request: Request) async throws -> Response {
        let caller = try await requireTeacher(request)
        let records: [ClassRecord]
        if let teacherID = caller.teacherID {
            records = try await wrap { try await access.classroomStore().classes(teacherID: teacherID) }
        } else {
            records = try await wrap { try await store.classes() }
        }
        return .json(["classes": records.map(ClassEntry.init)])
    }

    func results(_ request: Request) async throws -> Response {
        let results = try await loadResults(request)
        var hints: [String: [String: Int]] = [:]
        if let store = store as? any HintStore {
            let code = results.classRecord.code
            hints = try await wrap { try await store.hintsTaken(classCode: code) }
        }
        let report = ClassReport(results, bank: catalog.current.bank, hints: hints)
        return Response(
            status: 200,
            headers: HTTPHeaders([("Content-Type", "application/json; charset=utf-8")]),
            body: report.json()
        )
    }

    func resultsCSV(_ request: Request) async throws -> Response {
        let report = ClassReport(try await loadResults(request), bank: catalog.current.bank)
        var response = Response.text(report.csv(), contentType: "text/csv; charset=utf-8")
        response.headers.add("Content-Disposition", "attachment; filename=\"results-\(report.class.code).csv\"")
        return response
    }

    /// The class's results without the students removed from it (their attempts stay in the store) or waiting for
    /// approval.
    private func loadResults(_ request: Request) async throws -> ClassResults {
        let (_, classRecord) = try await access.requireClass(request)
        let code = classRecord.code
        guard var results = try await wrap({ try await store.results(classCode: code) }) else {
            throw QuizError.unknownClass(code)
        }
        if let classroom = access.classroom {
            let left = try await wrap { try await classroom.uncountedStudents(classCode: code) }
            if !left.isEmpty { results.rows.removeAll { left.contains($0.student.id) } }
        }
        return results
    }

    /// A name shown to people (a student, a class): one line of 1 to `limit` characters, no control characters,
    /// which would be cut short or garble a table, a CSV or a terminal.
    static func displayName(_ raw: String, limit: Int, field: String = "name") throws -> String {
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...limit).contains(name.count) else {
            throw QuizError.invalidField(field, "must be 1 to \(limit) characters.")
        }
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw QuizError.invalidField(field, "must be one line of text without control characters.")
        }
        return name
    }

    /// Store errors become the application's errors here, once (in `Access.wrapStore`).
    func wrap<T>(_ body: () async throws -> T) async throws -> T {
        try await access.wrapStore(body)
    }
}
