import Foundation
import Testing

/// `Idempotency-Key` and `/readyz` on the SQLite store, through the in-process client; a malformed key's bytes
/// (non-ASCII, a tab) go over a real socket. Tests/cluster does the same on PostgreSQL.
@Suite("Idempotent submissions and readiness")
struct IdempotencyTests {
    @Test func theSameKeyFromTheSameStudentAnswersTheFirstAnswerAndRecordsNothing() async throws {
        try await TestServer.inProcess { client in
            let code = try await ClassroomTests.createClass(client)
            let ada = try await ClassroomTests.join(client, "Ada", code)
            let bob = try await ClassroomTests.join(client, "Bob", code)
            let question = try ClassroomTests.choiceQuestion()
            func send(_ token: String, _ choice: String, key: String?) async throws -> RawHTTPClient.Reply {
                var headers = ["Authorization": "Bearer \(token)"]
                headers["Idempotency-Key"] = key
                return try await client.postJSON(
                    "/api/v1/questions/\(question.id)/attempts",
                    #"{"choices":["\#(choice)"]}"#,
                    headers: headers
                )
            }
            let first = try await send(ada.token, question.right, key: "key-1")
            #expect(first.status == 200)
            #expect(first.headers["x-attempt-recorded"] == "true")
            #expect(first.headers["idempotent-replayed"] == nil)
            // A different answer under the same key: the first answer, byte for byte, and nothing recorded.
            let again = try await send(ada.token, question.wrong, key: "key-1")
            #expect(again.status == 200)
            #expect(again.headers["idempotent-replayed"] == "true")
            #expect(again.body == first.body)
            // Another student's key of the same name is theirs; without a key, every attempt is recorded.
            #expect(try await send(bob.token, question.wrong, key: "key-1").headers["idempotent-replayed"] == nil)
            #expect(try await send(ada.token, question.wrong, key: nil).status == 200)
            let mine = try await client.get("/api/v1/me/attempts", headers: ["Authorization": "Bearer \(ada.token)"])
            #expect((try mine.json()["attempts"] as? [Any])?.count == 2)
        }
    }

    @Test(arguments: ["", String(repeating: "k", count: 65), "two words", "caf\u{E9}", "tab\there"])
    func aMalformedKeyIs400(key: String) async throws {
        let server = try TestServer.app()
        let question = try ClassroomTests.choiceQuestion()
        let reply = try await server.client.postJSON(
            "/api/v1/questions/\(question.id)/attempts",
            #"{"choices":["\#(question.right)"]}"#,
            headers: ["Idempotency-Key": key]
        )
        #expect(reply.status == 400)
        #expect(reply.headers["content-type"] == "application/problem+json")
        #expect((try reply.json()["detail"] as? String)?.contains("Idempotency-Key") == true)
        await server.stop()
    }

    @Test func readinessSaysTheDatabaseAnswers() async throws {
        try await TestServer.inProcess { client in
            let reply = try await client.get("/readyz")
            #expect(reply.status == 200)
            #expect(reply.text == #"{"database":"ok","status":"ready"}"#)
        }
    }
}
