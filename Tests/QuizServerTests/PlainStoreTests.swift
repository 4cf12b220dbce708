import Foundation
import Grader
import Logging
import QuizApp
import QuizCore
import Store
import Testing

/// A store that keeps only what `AttemptStore` asks (as a new database's store may at first): the server works as
/// before for the administrator and students, and the classroom's new routes say plainly that they are not there.
@Suite("A store without the classroom, live")
struct PlainStoreTests {
    /// Forwards `AttemptStore` to SQLite and is nothing more.
    struct PlainStore: AttemptStore {
        let inner: SQLiteStore
        func createClass(name: String) async throws -> ClassRecord { try await inner.createClass(name: name) }
        func classRecord(code: String) async throws -> ClassRecord? { try await inner.classRecord(code: code) }
        func classes() async throws -> [ClassRecord] { try await inner.classes() }
        func createStudent(name: String, classCode: String, tokenHash: String) async throws -> StudentRecord {
            try await inner.createStudent(name: name, classCode: classCode, tokenHash: tokenHash)
        }
        func student(tokenHash: String) async throws -> StudentRecord? { try await inner.student(tokenHash: tokenHash) }
        func record(_ attempt: AttemptRecord) async throws -> AttemptRecord { try await inner.record(attempt) }
        func attempts(studentID: String, limit: Int) async throws -> [AttemptRecord] {
            try await inner.attempts(studentID: studentID, limit: limit)
        }
        func results(classCode: String) async throws -> ClassResults? { try await inner.results(classCode: classCode) }
        func ping() async throws { try await inner.ping() }
        func idempotentResponse(studentID: String, key: String, since: Date) async throws -> String? {
            try await inner.idempotentResponse(studentID: studentID, key: key, since: since)
        }
        func record(
            _ attempt: AttemptRecord,
            idempotencyKey: String,
            response: String,
            since: Date
        ) async throws -> IdempotentRecord {
            try await inner.record(attempt, idempotencyKey: idempotencyKey, response: response, since: since)
        }
    }

    @Test func theAdministratorAndStudentsWorkAndTheNewRoutesAnswer501() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("plain-\(UUID().uuidString)").path
        let pool = GradingPool(
            configuration: GraderConfiguration(launch: URL(fileURLWithPath: Repository.path("grader/launch"))),
            logger: Logger(label: "test")
        )
        let app = QuizApplication(
            bank: try QuestionBank.load(contentsOf: Repository.root.appendingPathComponent("questions.json")),
            grader: pool,
            store: PlainStore(inner: try SQLiteStore(directory: data)),
            teacher: TeacherToken(value: TestServer.teacherToken, source: "test"),
            paths: .init(publicDirectory: Repository.path("Public")),
            logger: Logger(label: "test")
        )
        var server = try TestServer.start(app.responder())
        server.grader = pool
        let client = server.client
        let code = try await ClassroomTests.createClass(client)
        let ada = try await ClassroomTests.join(client, "Ada", code)
        let question = try ClassroomTests.choiceQuestion()
        let graded = try await client.postJSON(
            "/api/v1/questions/\(question.id)/attempts",
            #"{"choices":["\#(question.right)"]}"#,
            headers: ["Authorization": "Bearer \(ada.token)"]
        )
        #expect(graded.status == 200)
        #expect(graded.headers["x-attempt-recorded"] == "true")
        #expect(try await client.get("/api/v1/classes/\(code)/results", headers: ClassroomTests.teacher).status == 200)
        let teachers = try await client.postJSON("/api/v1/teachers", #"{"name":"T"}"#, headers: ClassroomTests.teacher)
        #expect(teachers.status == 501)
        #expect(teachers.headers["content-type"] == "application/problem+json")
        let roster = try await client.get("/api/v1/classes/\(code)/students", headers: ClassroomTests.teacher)
        #expect(roster.status == 501)
        // Teachers' banks: not kept here, so not taken; the class's list is the built-in one.
        let bank = try await client.postJSON("/api/v1/banks", #"{"questions":[]}"#, headers: ClassroomTests.teacher)
        #expect(bank.status == 501)
        #expect(try await client.get("/api/v1/banks", headers: ClassroomTests.teacher).status == 501)
        let listed = try await client.get(
            "/api/v1/questions?class=\(code)",
            headers: ["Authorization": "Bearer \(ada.token)"]
        )
        #expect(listed.status == 200)
        let regrade = try await client.postJSON(
            "/api/v1/classes/\(code)/regrades",
            #"{"question":"\#(question.id)"}"#,
            headers: ClassroomTests.teacher
        )
        #expect(regrade.status == 501)
        // Item analysis and the end of a term are the classroom's too: 501, and the class is still there.
        for path in ["/api/v1/classes/\(code)/analysis", "/api/v1/classes/\(code)/export"] {
            #expect(try await client.get(path, headers: ClassroomTests.teacher).status == 501, "\(path)")
        }
        #expect(
            try await client.request("DELETE", "/api/v1/classes/\(code)", headers: ClassroomTests.teacher).status == 501
        )
        #expect(try await client.get("/api/v1/classes/\(code)/results", headers: ClassroomTests.teacher).status == 200)
        #expect(try await client.get("/api/v1/classes", headers: ["Authorization": "Bearer other"]).status == 401)
        await server.stop()
    }
}
