import Foundation
import Grader
import HTTP
import Logging
import QuizApp
import QuizCore
import Store

/// Where the repository is, whatever the test runner's working directory.
enum Repository {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// The bank's questions as plain JSON, secrets included: what a test needs to know the right answers.
    static func bankQuestions() throws -> [[String: Any]] {
        let bank = try JSONSerialization.jsonObject(
            with: Data(contentsOf: root.appendingPathComponent("questions.json"))
        )
        return (bank as? [String: Any])?["questions"] as? [[String: Any]] ?? []
    }
}

/// A real server on a loopback port the kernel picks, for live tests.
struct TestServer {
    let server: HTTPServer
    var grader: GradingPool?
    var client: RawHTTPClient { RawHTTPClient(port: server.port) }

    static func start(
        _ responder: any Responder,
        observer: (any RequestObserver)? = nil,
        configure: (inout ServerConfiguration) -> Void = { _ in }
    ) throws -> TestServer {
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0, threads: 2)
        configure(&configuration)
        let server = HTTPServer(
            configuration: configuration,
            responder: responder,
            observer: observer,
            logger: Logger(label: "test")
        )
        try server.start()
        return TestServer(server: server)
    }

    /// The whole application on the repository's bank and `Public/`.
    static let teacherToken = "teacher-secret-for-tests"

    static func app(
        publicDirectory: String = Repository.path("Public"),
        grader: GradingPool? = nil,
        dataDirectory: String? = nil,
        codeAttemptsPerMinute: Int = 20,
        anonymousCodeAttemptsPerMinute: Int = 120,
        trustedProxies: [String] = []
    ) throws -> TestServer {
        let (app, pool) = try makeApp(
            publicDirectory: publicDirectory,
            grader: grader,
            dataDirectory: dataDirectory,
            codeAttemptsPerMinute: codeAttemptsPerMinute,
            anonymousCodeAttemptsPerMinute: anonymousCodeAttemptsPerMinute,
            trustedProxies: trustedProxies
        )
        var server = try start(app.responder(), observer: app.metrics())
        server.grader = pool
        return server
    }

    /// The application alone, for in-process tests (`app.test { client in … }`), with its grading pool (which
    /// starts no sandbox until it grades).
    static func makeApp(
        publicDirectory: String = Repository.path("Public"),
        grader: GradingPool? = nil,
        dataDirectory: String? = nil,
        codeAttemptsPerMinute: Int = 20,
        anonymousCodeAttemptsPerMinute: Int = 120,
        trustedProxies: [String] = []
    ) throws -> (QuizApplication, GradingPool) {
        let data =
            dataDirectory
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("quiz-\(UUID().uuidString)").path
        let store = try SQLiteStore(directory: data)
        let bank = try QuestionBank.load(contentsOf: Repository.root.appendingPathComponent("questions.json"))
        let pool =
            grader
            ?? GradingPool(
                configuration: GraderConfiguration(launch: URL(fileURLWithPath: Repository.path("grader/launch"))),
                logger: Logger(label: "test")
            )
        let app = QuizApplication(
            bank: bank,
            grader: pool,
            store: store,
            teacher: TeacherToken(value: teacherToken, source: "test"),
            paths: .init(publicDirectory: publicDirectory),
            logger: Logger(label: "test"),
            codeAttemptsPerMinute: codeAttemptsPerMinute,
            anonymousCodeAttemptsPerMinute: anonymousCodeAttemptsPerMinute,
            clientAddress: ClientAddress(trustedProxies: trustedProxies)
        )
        return (app, pool)
    }

    /// Runs `body` with this server and stops it however `body` ends, so a failing test leaks no server.
    func run<T>(_ body: (TestServer) async throws -> T) async throws -> T {
        let result: T
        do {
            result = try await body(self)
        } catch {
            await stop()
            throw error
        }
        await stop()
        return result
    }

    /// Stops the server, then the grading pool, so no sandbox outlives its test.
    func stop() async {
        await server.shutdown()
        await grader?.shutdown()
    }
}
