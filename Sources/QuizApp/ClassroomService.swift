import Foundation
import HTTP
import QuizCore
import Store

/// Classes, students and their recorded attempts: who may see what, and the shapes the API sends.
struct ClassroomService: Sendable {
    let store: any AttemptStore
    let catalog: LiveCatalog
    let teacher: TeacherToken

    struct NewStudent: Decodable {
        var name: String
        var `class`: String
    }

    struct NewClass: Decodable {
        var name: String
    }

    // MARK: - Who is asking

    func requireTeacher(_ request: Request) throws {
        guard request.bearerToken != nil else {
            throw QuizError.unauthorized("This needs the teacher's token: Authorization: Bearer TOKEN.")
        }
        guard teacher.accepts(request.bearerToken) else {
            throw QuizError.unauthorized("That is not the teacher's token.")
        }
    }

    /// The student whose token the request carries; nil when it carries none. A token that matches no one is an
    /// error rather than an anonymous attempt, so a student never believes attempts are recorded when they are not.
    func student(for request: Request) async throws -> StudentRecord? {
        guard let token = request.bearerToken else { return nil }
        if teacher.accepts(token) { return nil }
        guard let student = try await wrap({ try await store.student(tokenHash: Tokens.hash(token)) }) else {
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
        let student = try await wrap {
            try await store.createStudent(name: name, classCode: code, tokenHash: Tokens.hash(token))
        }
        return .json(["id": student.id, "name": student.name, "class": student.classCode, "token": token], status: 201)
    }

    func myAttempts(_ request: Request) async throws -> Response {
        guard let student = try await student(for: request) else {
            throw QuizError.unauthorized("This needs a student's token: join a class first.")
        }
        let records = try await wrap { try await store.attempts(studentID: student.id, limit: 500) }
        return .json(MyAttempts(student: .init(student), attempts: records.map(MyAttempts.Attempt.init)))
    }

    func createClass(_ request: Request) async throws -> Response {
        try requireTeacher(request)
        let body = try request.decodeJSON(NewClass.self)
        let name = try Self.displayName(body.name, limit: 80)
        let record = try await wrap { try await store.createClass(name: name) }
        return .json(ClassEntry(record), status: 201)
    }

    func listClasses(_ request: Request) async throws -> Response {
        try requireTeacher(request)
        let records = try await wrap { try await store.classes() }
        return .json(["classes": records.map(ClassEntry.init)])
    }

    func results(_ request: Request) async throws -> Response {
        try requireTeacher(request)
        let report = ClassReport(try await loadResults(request), bank: catalog.current.bank)
        return Response(
            status: 200,
            headers: HTTPHeaders([("Content-Type", "application/json; charset=utf-8")]),
            body: report.json()
        )
    }

    func resultsCSV(_ request: Request) async throws -> Response {
        try requireTeacher(request)
        let report = ClassReport(try await loadResults(request), bank: catalog.current.bank)
        var response = Response.text(report.csv(), contentType: "text/csv; charset=utf-8")
        response.headers.add("Content-Disposition", "attachment; filename=\"results-\(report.class.code).csv\"")
        return response
    }

    private func loadResults(_ request: Request) async throws -> ClassResults {
        let code = (request.parameters["code"] ?? "").uppercased()
        guard let results = try await wrap({ try await store.results(classCode: code) }) else {
            throw QuizError.unknownClass(code)
        }
        return results
    }

    /// A name shown to people (a student, a class): one line of 1 to `limit` characters, no control characters,
    /// which would be cut short or garble a table, a CSV or a terminal.
    static func displayName(_ raw: String, limit: Int) throws -> String {
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...limit).contains(name.count) else {
            throw QuizError.invalidField("name", "must be 1 to \(limit) characters.")
        }
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw QuizError.invalidField("name", "must be one line of text without control characters.")
        }
        return name
    }

    /// Store errors become the application's errors here, once.
    func wrap<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StoreError {
            switch error {
            case .unknownClass(let code): throw QuizError.unknownClass(code)
            case .nameTaken(let name): throw QuizError.nameTaken(name)
            case .unavailable: throw QuizError.storeUnavailable
            }
        } catch let error as any ProblemConvertible {
            throw error
        } catch {
            throw QuizError.storeUnavailable
        }
    }
}
