import Foundation
import HTTP
import QuizAppTesting
import QuizCore
import Testing

/// The application's routes in process, through the in-process client: routed, answered and mapped as the server
/// does, decoded as the API's own types. The bridge, signals and the sandbox are tested live elsewhere.
@Suite("Routes, in process")
struct RouteTests {
    /// `/api/v1/topics`: each topic with how many questions it has.
    struct Topics: Decodable {
        struct Entry: Decodable {
            var id: String
            var summary: String
            var count: Int
        }
        var topics: [Entry]
    }
    struct Questions: Decodable { var questions: [PublicQuestion] }

    @Test func healthAndTopics() async throws {
        let (app, _) = try TestServer.makeApp()
        try await app.test { client in
            #expect(await client.get("/healthz").text == #"{"status":"ok"}"#)
            let topics = try await client.get("/api/v1/topics").decode(Topics.self).topics
            let ids = Set(topics.map(\.id))
            for required in [
                "awaitables", "coroutines", "event-loop", "non-blocking", "single-threaded", "tasks",
                "cancellation-timeouts", "error-handling", "synchronization", "nested-async", "async-iteration",
                "async-oop", "async-libraries",
            ] {
                #expect(ids.contains(required), "topic \(required)")
            }
            let all = try await client.get("/api/v1/questions").decode(Questions.self).questions
            #expect(topics.reduce(0) { $0 + $1.count } == all.count)
            #expect(topics.allSatisfy { !$0.summary.isEmpty })
        }
    }

    @Test func filtersSelectByTopicAndKind() async throws {
        let (app, _) = try TestServer.makeApp()
        try await app.test { client in
            let questions = try await client.get("/api/v1/questions?topic=tasks&kind=single_choice")
                .decode(Questions.self).questions
            #expect(!questions.isEmpty)
            #expect(questions.allSatisfy { $0.topic == "tasks" && $0.kind == .singleChoice })
            let badKind = await client.get("/api/v1/questions?kind=essay")
            #expect(badKind.status == .badRequest)
            #expect(badKind.headers["Content-Type"] == "application/problem+json")
            #expect(badKind.problem?.detail.contains("kind") == true)
            #expect(await client.get("/api/v1/questions?topic=cooking").status == .badRequest)
            let missing = await client.get("/api/v1/questions/no-such-question")
            #expect(missing.status == .notFound)
            #expect(
                missing.problem
                    == Problem(title: "Not Found", status: 404, detail: "There is no question \"no-such-question\".")
            )
        }
    }

    @Test func anUnknownRouteAndAWrongMethodAreExactProblems() async throws {
        let (app, _) = try TestServer.makeApp()
        try await app.test { client in
            let unknown = await client.get("/api/v1/nothing")
            #expect(unknown.status == .notFound)
            let wrong = await client.execute("DELETE", "/api/v1/topics")
            #expect(wrong.status == .methodNotAllowed)
            #expect(wrong.headers["Allow"] == "GET, HEAD")
            let noJSON = await client.execute("POST", "/api/v1/students", headers: ["Content-Type": "text/plain"])
            #expect(noJSON.status == .unsupportedMediaType)
        }
    }
}
