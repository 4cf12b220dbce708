import Foundation
import HTTP
import Store

/// A class's roster: who is in it, removing a student, readmitting one with a one-time code, and every attempt a
/// student made, as they sent it.
struct RosterService: Sendable {
    let access: Access

    /// How long a readmission code works.
    static let readmitLifetime: TimeInterval = 24 * 60 * 60

    struct RedeemBody: Decodable {
        var code: String
    }

    struct StudentEntry: Encodable {
        var id, name: String
        var removed: Bool
        /// Waiting for the teacher's approval (classes that take students on approval).
        var pending: Bool
    }

    struct NewStudent: Decodable {
        var name: String
    }

    func students(_ request: Request) async throws -> Response {
        let (_, classRecord) = try await access.requireClass(request)
        let roster = try await access.wrapStore {
            try await access.classroomStore().roster(classCode: classRecord.code)
        }
        return .json([
            "students": roster.map {
                StudentEntry(id: $0.student.id, name: $0.student.name, removed: $0.removed, pending: $0.pending)
            }
        ])
    }

    func remove(_ request: Request) async throws -> Response {
        try await change(request) { [access] in try await access.classroomStore().removeStudent(id: $0, classCode: $1) }
    }

    /// A change to one student of the request's class (`{code}`, `{id}`), once the caller is known to teach it:
    /// 204 when `apply(id, classCode)` found them, 404 when the class has no such student.
    private func change(
        _ request: Request,
        _ apply: @Sendable (String, String) async throws -> Bool
    ) async throws -> Response {
        let (_, classRecord) = try await access.requireClass(request)
        let id = request.parameters["id"] ?? ""
        guard try await access.wrapStore({ try await apply(id, classRecord.code) }) else {
            throw Self.unknownStudent(id, classRecord.code)
        }
        return Response(status: .noContent)
    }

    /// `POST /api/v1/classes/{code}/students {"name"}`: the teacher adds a student (any join policy; the only way
    /// into a `roster` class), who gets their token by redeeming the one-time code in the answer.
    func add(_ request: Request) async throws -> Response {
        let (_, classRecord) = try await access.requireClass(request)
        let body = try request.decodeJSON(NewStudent.self)
        let name = try ClassroomService.displayName(body.name, limit: 60)
        let student = try await access.wrapStore {
            try await access.enrolmentStore().createUnclaimedStudent(name: name, classCode: classRecord.code)
        }
        let (code, expiresAt) = try await readmitCode(for: student.id)
        return .json(["id": student.id, "name": student.name, "code": code, "expires_at": expiresAt], status: 201)
    }

    /// `PATCH /api/v1/classes/{code}/students/{id} {"name"}`: renames a student (a name taken by the wrong person,
    /// a typo); their token and attempts stay theirs. 409 when another student of the class has the name.
    func rename(_ request: Request) async throws -> Response {
        let (_, classRecord) = try await access.requireClass(request)
        let id = request.parameters["id"] ?? ""
        let body = try request.decodeJSON(NewStudent.self)
        let name = try ClassroomService.displayName(body.name, limit: 60)
        let store = try access.classroomStore()
        guard
            let student = try await access.wrapStore({
                try await store.renameStudent(id: id, classCode: classRecord.code, name: name)
            })
        else { throw Self.unknownStudent(id, classRecord.code) }
        let entry =
            try await access.wrapStore { try await store.rosterEntry(studentID: id, classCode: classRecord.code) }
            ?? RosterEntry(student: student, removed: false)
        return .json(StudentEntry(id: id, name: student.name, removed: entry.removed, pending: entry.pending))
    }

    /// `POST .../students/{id}/approve`: a student waiting for approval may use their token from now on.
    func approve(_ request: Request) async throws -> Response {
        try await change(request) { [access] in try await access.enrolmentStore().approve(studentID: $0, classCode: $1)
        }
    }

    /// `POST .../students/{id}/readmit`: a one-time code for a student of the class.
    func createReadmitCode(_ request: Request) async throws -> Response {
        let (_, classRecord) = try await access.requireClass(request)
        let id = request.parameters["id"] ?? ""
        let store = try access.classroomStore()
        guard
            try await access.wrapStore({ try await store.rosterEntry(studentID: id, classCode: classRecord.code) })
                != nil
        else { throw Self.unknownStudent(id, classRecord.code) }
        let (code, expiresAt) = try await readmitCode(for: id)
        return .json(["code": code, "expires_at": expiresAt], status: 201)
    }

    /// A code the teacher gives the student (read out, or written on the board): ten characters that are not
    /// confused on a projector, shown once, kept only as a hash.
    private func readmitCode(for id: String) async throws -> (code: String, expiresAt: String) {
        let store = try access.classroomStore()
        var generator = SystemRandomNumberGenerator()
        let letters = (0..<10).map { _ in CodeAlphabet.letters.randomElement(using: &generator)! }
        let code = String(letters[0..<5]) + "-" + String(letters[5...])
        let expiresAt = Date().addingTimeInterval(Self.readmitLifetime)
        try await access.wrapStore {
            try await store.createReadmitCode(
                studentID: id,
                codeHash: Tokens.hash(Self.normalize(code)),
                expiresAt: expiresAt
            )
        }
        return (code, RFC3339.string(expiresAt))
    }

    /// `POST /api/v1/students/readmit`: a student trades the code for a new token; the old one stops working.
    func redeem(_ request: Request) async throws -> Response {
        let body = try request.decodeJSON(RedeemBody.self)
        let code = Self.normalize(body.code)
        guard code.count == 10 else {
            throw QuizError.invalidField("code", "a readmission code has ten letters and digits, like ABCDE-FGHJK.")
        }
        let token = Tokens.make()
        let outcome = try await access.wrapStore {
            try await access.classroomStore().redeemReadmitCode(
                codeHash: Tokens.hash(code),
                newTokenHash: Tokens.hash(token),
                now: Date()
            )
        }
        switch outcome {
        case .readmitted(let student):
            return .json(["id": student.id, "name": student.name, "class": student.classCode, "token": token])
        case .unknown: throw QuizError.notFound("There is no such readmission code; check it with your teacher.")
        case .used: throw QuizError.readmitCodeUsed
        case .expired: throw QuizError.readmitCodeExpired
        }
    }

    /// `GET .../students/{id}/attempts?question=ID`: newest first, each with the answer the student sent and, for
    /// code, each task's status, message, time and trace (attempts recorded before these were kept: name and status).
    func attempts(_ request: Request) async throws -> Response {
        let (_, classRecord) = try await access.requireClass(request)
        let id = request.parameters["id"] ?? ""
        let store = try access.classroomStore()
        guard
            try await access.wrapStore({ try await store.rosterEntry(studentID: id, classCode: classRecord.code) })
                != nil
        else { throw Self.unknownStudent(id, classRecord.code) }
        let question = request.query["question"].flatMap { $0.isEmpty ? nil : $0 }
        let attempts = try await access.wrapStore {
            try await store.studentAttempts(studentID: id, questionID: question, limit: 1000)
        }
        return Response(
            status: 200,
            headers: HTTPHeaders([("Content-Type", "application/json; charset=utf-8")]),
            body: Self.attemptsJSON(attempts)
        )
    }

    /// The stored JSON (answer, tasks) goes out as JSON, not as strings inside it: spliced in as stored (the
    /// server's own encoder wrote it), with the other fields written around it in sorted key order. Parsing and
    /// writing each attempt again through `JSONSerialization` cost about 0.4 ms per attempt, 85 ms for a student's
    /// 200 (Benchmarks/analysis.py). A stored value that does not look like JSON goes out as `{}` (an answer) or is
    /// left out (tasks).
    static func attemptsJSON(_ attempts: [StoredAttempt]) -> Data {
        var out = "{\"attempts\":["
        for (index, stored) in attempts.enumerated() {
            let record = stored.record
            if index > 0 { out += "," }
            out += "{\"answer\":" + (rawJSON(record.answer, opening: "{") ?? "{}")
            out += ",\"created_at\":" + JSONText.string(RFC3339.string(record.createdAt))
            out += ",\"id\":\(record.id ?? 0),\"kind\":" + JSONText.string(record.kind)
            if let late = stored.late { out += ",\"late\":\(late)" }
            out += ",\"question\":" + JSONText.string(record.questionID)
            out += ",\"score\":" + JSONText.number(record.score)
            if let tasks = record.tasks.flatMap({ rawJSON($0, opening: "[") }) { out += ",\"tasks\":" + tasks }
            out += ",\"verdict\":" + JSONText.string(record.verdict) + "}"
        }
        out += "]}"
        return Data(out.utf8)
    }

    /// The stored text when it is an object (`{`) or an array (`[`) as its first and last characters say.
    private static func rawJSON(_ text: String, opening: Character) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let closing: Character = opening == "{" ? "}" : "]"
        guard trimmed.first == opening, trimmed.last == closing else { return nil }
        return trimmed
    }

    static func normalize(_ code: String) -> String {
        code.uppercased().filter { $0.isLetter || $0.isNumber }
    }

    static func unknownStudent(_ id: String, _ code: String) -> QuizError {
        .notFound("The class \(code) has no student \"\(id)\".")
    }
}

/// The letters of class codes and readmission codes: no 0/O or 1/I to confuse.
enum CodeAlphabet {
    static let letters = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
}
