import Foundation
import HTTP
import Logging
import Metrics
import Synchronization
import Testing

@testable import QuizApp
@testable import Store

@Suite("One error type, one mapping, in process")
struct HTTPErrorTests {
    @Test func statusesHaveTheirRFC9110Names() {
        #expect(HTTPStatus.gatewayTimeout.reasonPhrase == "Gateway Timeout")
        #expect(HTTPStatus.contentTooLarge.reasonPhrase == "Content Too Large")
        #expect(HTTPStatus(code: 418).reasonPhrase == "Client Error")
        let literal: HTTPStatus = 404
        #expect(literal == .notFound)
        #expect(literal.description == "404")
        #expect(HTTPStatus.ok < .badRequest)
    }

    @Test func anErrorBecomesAProblemDocumentWithItsHeaders() throws {
        let response = HTTPError.tooManyRequests(retryAfter: 7, "slow down").response
        #expect(response.status == .tooManyRequests)
        #expect(response.headers["Content-Type"] == "application/problem+json")
        #expect(response.headers["Retry-After"] == "7")
        let problem = try JSONDecoder().decode(Problem.self, from: response.body)
        #expect(problem == Problem(title: "Too Many Requests", status: 429, detail: "slow down"))
    }

    @Test func theDeadlineIs504AndShutdownIs503() {
        let deadline = HTTPError.gatewayTimeout("late").response
        #expect(deadline.status == 504)
        #expect(deadline.headers["Retry-After"] == "1")
        #expect(HTTPError.serviceUnavailable("stopping").response.status == 503)
    }

    @Test func storeErrorsMapLikeEveryOtherErrorAndUnexpectedOnesAreLogged() throws {
        let log = LogRecorder()
        let logger = Logger(label: "test") { _ in log }
        let request = Request(method: "POST", path: "/api/v1/students")
        #expect(
            ErrorMiddleware.mapping(StoreError.unknownClass("NOPE22"), request: request, logger: logger)
                == QuizError.unknownClass("NOPE22").httpError
        )
        #expect(
            ErrorMiddleware.mapping(StoreError.nameTaken("ada"), request: request, logger: logger).status == .conflict
        )
        #expect(
            ErrorMiddleware.mapping(ClassroomStoreError.attemptLimit(maximum: 2), request: request, logger: logger)
                .status == .conflict
        )
        #expect(log.messages.isEmpty, "a client's mistake is not logged as a failure")
        struct DiskFull: Error {}
        let failure = ErrorMiddleware.mapping(StoreFailure(underlying: DiskFull()), request: request, logger: logger)
        #expect(failure.status == .serviceUnavailable)
        #expect(failure.headers["Retry-After"] == "1")
        #expect(log.messages.contains { $0.contains("DiskFull") }, "\(log.messages)")
    }

    @Test func anUnknownErrorIsA500ThatLeaksNothingAndIsLogged() throws {
        struct Secret: Error { let password = "hunter2" }
        let log = LogRecorder()
        let response = ErrorMiddleware.response(
            for: Secret(),
            request: Request(method: "GET", path: "/x"),
            logger: Logger(label: "test") { _ in log }
        )
        #expect(response.status == 500)
        #expect(!String(decoding: response.body, as: UTF8.self).contains("hunter2"))
        #expect(log.messages.contains { $0.contains("hunter2") })
    }

    @Test func wrapStoreWrapsAnUnnamedStoreErrorAndPassesNamedOnes() async throws {
        struct DriverError: Error {}
        let access = Access(
            teacher: TeacherToken(value: "t", source: "test"),
            store: try SQLiteStore(directory: NSTemporaryDirectory() + "quiz-\(UUID().uuidString)"),
            classroom: nil,
            sessions: nil,
            enrolment: nil
        )
        await #expect(throws: StoreError.nameTaken("ada")) {
            try await access.wrapStore { () async throws -> Int in throw StoreError.nameTaken("ada") }
        }
        do {
            _ = try await access.wrapStore { () async throws -> Int in throw DriverError() }
            Issue.record("no error")
        } catch let error as StoreFailure {
            #expect(error.httpError.status == .serviceUnavailable)
        }
    }
}

@Suite("Metrics registry, in process")
struct MetricsRegistryTests {
    @Test func aDescriptionAfterTheFirstUseIsIgnoredNotFatal() async {
        let registry = MetricsRegistry()
        registry.describe("early_total", type: "counter", help: "Described first.")
        registry.increment("early_total", labels: ["kind": "a"])
        registry.increment("late_total")
        registry.describe("late_total", type: "counter", help: "Described too late.")
        registry.increment("late_total")
        let text = await registry.render()
        #expect(text.contains("# HELP early_total Described first."))
        #expect(text.contains(#"early_total{kind="a"} 1"#))
        #expect(text.contains("late_total 2"))
        #expect(!text.contains("Described too late."))
    }
}

/// A log handler that keeps each message with its metadata, for tests that check what was logged.
final class LogRecorder: LogHandler, Sendable {
    private let lines = Mutex<[String]>([])
    var messages: [String] { lines.withLock { $0 } }

    var logLevel: Logger.Level {
        get { .trace }
        set {}
    }
    var metadata: Logger.Metadata {
        get { [:] }
        set {}
    }
    subscript(metadataKey _: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}
    }

    func log(
        level: Logger.Level,
        message: Logger.Message,
        metadata: Logger.Metadata?,
        source: String,
        file: String,
        function: String,
        line: UInt
    ) {
        lines.withLock { $0.append("\(level) \(message) \(metadata ?? [:])") }
    }
}
