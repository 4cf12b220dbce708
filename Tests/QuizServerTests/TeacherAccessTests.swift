import Foundation
import Testing

/// Teachers' accounts in the whole application through the in-process client (a real SQLite file): a class is its
/// teacher's, and a deleted teacher or a removed student is refused from the next request on.
@Suite("Teachers and the roster, in process")
struct TeacherAccessTests {
    static let admin = ["Authorization": "Bearer \(TestServer.teacherToken)"]

    static func bearer(_ token: String) -> [String: String] { ["Authorization": "Bearer \(token)"] }

    static func newTeacher(_ client: some RouteClient, _ name: String) async throws -> (id: String, token: String) {
        let reply = try await client.postJSON("/api/v1/teachers", #"{"name":"\#(name)"}"#, headers: admin)
        #expect(reply.status == 201)
        let json = try reply.json()
        return (try #require(json["id"] as? String), try #require(json["token"] as? String))
    }

    @Test func aClassIsItsTeachersAndADeletedTeacherIsRefusedAtOnce() async throws {
        try await TestServer.inProcess { client in
            let ada = try await Self.newTeacher(client, "Ada")
            let bob = try await Self.newTeacher(client, "Bob")
            let created = try await client.postJSON(
                "/api/v1/classes",
                #"{"name":"Ada's"}"#,
                headers: Self.bearer(ada.token)
            )
            #expect(created.status == 201)
            let code = try #require(try created.json()["code"] as? String)

            #expect(
                try await client.get("/api/v1/classes/\(code)/results", headers: Self.bearer(ada.token)).status == 200
            )
            let refused = try await client.get("/api/v1/classes/\(code)/results", headers: Self.bearer(bob.token))
            #expect(refused.status == 403)
            #expect(refused.headers["content-type"] == "application/problem+json")
            #expect(try await client.get("/api/v1/classes/\(code)/results", headers: Self.admin).status == 200)
            let bobs = try await client.get("/api/v1/classes", headers: Self.bearer(bob.token)).json()
            #expect((bobs["classes"] as? [Any])?.isEmpty == true)

            let deleted = try await client.request("DELETE", "/api/v1/teachers/\(ada.id)", headers: Self.admin)
            #expect(deleted.status == 204)
            let after = try await client.get("/api/v1/classes/\(code)/results", headers: Self.bearer(ada.token))
            #expect(after.status == 401)
            #expect(after.headers["www-authenticate"] == "Bearer")
        }
    }

    @Test func aRemovedStudentsTokenIsRefusedAndTheirAttemptsStay() async throws {
        try await TestServer.inProcess { client in
            let question = try ClassroomTests.choiceQuestion()
            let code = try await ClassroomTests.createClass(client)
            let ada = try await ClassroomTests.join(client, "Ada", code)
            let path = "/api/v1/questions/\(question.id)/attempts"
            let graded = try await client.postJSON(
                path,
                #"{"choices":["\#(question.right)"]}"#,
                headers: Self.bearer(ada.token)
            )
            #expect(graded.status == 200)
            let removed = try await client.request(
                "DELETE",
                "/api/v1/classes/\(code)/students/\(ada.id)",
                headers: Self.admin
            )
            #expect(removed.status == 204)
            let refused = try await client.postJSON(
                path,
                #"{"choices":["\#(question.right)"]}"#,
                headers: Self.bearer(ada.token)
            )
            #expect(refused.status == 401)
            let kept = try await client.get("/api/v1/classes/\(code)/students/\(ada.id)/attempts", headers: Self.admin)
            #expect(kept.status == 200)
            let attempts = try kept.json()["attempts"] as? [[String: Any]] ?? []
            #expect(attempts.count == 1)
            #expect((attempts.first?["answer"] as? [String: Any])?["choices"] as? [String] == [question.right])
            let results = try await client.get("/api/v1/classes/\(code)/results", headers: Self.admin).json()
            #expect((results["students"] as? [Any])?.isEmpty == true)
        }
    }
}
