import Foundation
import Testing

/// Classes, students, recorded attempts and who may read what, through the in-process client with a real SQLite
/// file; that recorded attempts survive a restart is tested live.
@Suite("Classroom, in process")
struct ClassroomTests {
    static let teacher = ["Authorization": "Bearer \(TestServer.teacherToken)"]

    static func choiceQuestion() throws -> (id: String, right: String, wrong: String) {
        let questions = try Repository.bankQuestions()
        let single = try #require(questions.first { $0["kind"] as? String == "single_choice" })
        let choices = single["choices"] as? [[String: Any]] ?? []
        return (
            try #require(single["id"] as? String),
            try #require(choices.first { $0["correct"] as? Bool == true }?["id"] as? String),
            try #require(choices.first { $0["correct"] as? Bool == false }?["id"] as? String)
        )
    }

    static func createClass(_ client: some RouteClient, _ name: String = "Async 101") async throws -> String {
        let reply = try await client.postJSON("/api/v1/classes", #"{"name":"\#(name)"}"#, headers: teacher)
        #expect(reply.status == 201)
        return try #require(try reply.json()["code"] as? String)
    }

    static func join(
        _ client: some RouteClient,
        _ name: String,
        _ code: String
    ) async throws -> (id: String, token: String) {
        let body = try JSONSerialization.data(withJSONObject: ["name": name, "class": code])
        let reply = try await client.postJSON("/api/v1/students", String(decoding: body, as: UTF8.self))
        #expect(reply.status == 201)
        let json = try reply.json()
        #expect(json["name"] as? String == name)
        #expect(json["class"] as? String == code)
        return (try #require(json["id"] as? String), try #require(json["token"] as? String))
    }

    @Test func teacherRoutesNeedTheTeachersToken() async throws {
        try await TestServer.inProcess { client in
            let code = try await Self.createClass(client)
            let student = try await Self.join(client, "Ada", code)
            let routes: [(String, String, String?)] = [
                ("POST", "/api/v1/classes", #"{"name":"x"}"#),
                ("GET", "/api/v1/classes", nil),
                ("GET", "/api/v1/classes/\(code)/results", nil),
                ("GET", "/api/v1/classes/\(code)/results.csv", nil),
            ]
            for (method, path, body) in routes {
                for headers in [[:], ["Authorization": "Bearer wrong"], ["Authorization": "Bearer \(student.token)"]] {
                    var all = headers
                    if body != nil { all["Content-Type"] = "application/json" }
                    let reply = try await client.request(method, path, headers: all, body: body.map { Data($0.utf8) })
                    #expect(reply.status == 401, "\(method) \(path) with \(headers)")
                    #expect(reply.headers["content-type"] == "application/problem+json")
                }
            }
        }
    }

    @Test func joiningNeedsAKnownClassAndAFreeName() async throws {
        try await TestServer.inProcess { client in
            let code = try await Self.createClass(client)
            _ = try await Self.join(client, "Ada", code)
            let taken = try await client.postJSON("/api/v1/students", #"{"name":"ada","class":"\#(code)"}"#)
            #expect(taken.status == 409)
            let unknown = try await client.postJSON("/api/v1/students", #"{"name":"Bob","class":"NOPE99"}"#)
            #expect(unknown.status == 404)
            let missing = try await client.postJSON("/api/v1/students", #"{"name":"Bob"}"#)
            #expect(missing.status == 400)
            #expect((try missing.json()["detail"] as? String)?.contains("class") == true)
            let empty = try await client.postJSON("/api/v1/students", #"{"name":"  ","class":"\#(code)"}"#)
            #expect(empty.status == 400)
        }
    }

    @Test func attemptsAreRecordedAndPrivateToTheirStudent() async throws {
        try await TestServer.inProcess { client in
            let question = try Self.choiceQuestion()
            let code = try await Self.createClass(client)
            let ada = try await Self.join(client, "Ada", code)
            let bob = try await Self.join(client, "Bob, \"the\" builder", code)
            let path = "/api/v1/questions/\(question.id)/attempts"

            let first = try await client.postJSON(
                path,
                #"{"choices":["\#(question.wrong)"]}"#,
                headers: ["Authorization": "Bearer \(ada.token)"]
            )
            #expect(first.status == 200)
            #expect(first.headers["x-attempt-recorded"] == "true")
            _ = try await client.postJSON(
                path,
                #"{"choices":["\#(question.right)"]}"#,
                headers: ["Authorization": "Bearer \(ada.token)"]
            )
            let anonymous = try await client.postJSON(path, #"{"choices":["\#(question.right)"]}"#)
            #expect(anonymous.headers["x-attempt-recorded"] == "false")
            let forged = try await client.postJSON(
                path,
                #"{"choices":["\#(question.right)"]}"#,
                headers: ["Authorization": "Bearer forged"]
            )
            #expect(forged.status == 401)

            let mine = try await client.get("/api/v1/me/attempts", headers: ["Authorization": "Bearer \(ada.token)"])
                .json()
            let attempts = mine["attempts"] as? [[String: Any]] ?? []
            #expect(attempts.count == 2)
            #expect(attempts.first?["verdict"] as? String == "passed", "newest first")
            #expect(attempts.last?["verdict"] as? String == "failed")
            let bobs = try await client.get("/api/v1/me/attempts", headers: ["Authorization": "Bearer \(bob.token)"])
                .json()
            #expect((bobs["attempts"] as? [Any])?.isEmpty == true)
            #expect(try await client.get("/api/v1/me/attempts").status == 401)
            #expect(
                try await client.get("/api/v1/me/attempts", headers: ["Authorization": "Bearer forged"]).status == 401
            )

            let results = try await client.get("/api/v1/classes/\(code)/results", headers: Self.teacher).json()
            let students = results["students"] as? [[String: Any]] ?? []
            #expect(students.count == 2)
            let adaRow = try #require(students.first { $0["name"] as? String == "Ada" })
            let cell = (adaRow["results"] as? [String: Any])?[question.id] as? [String: Any]
            #expect(cell?["best"] as? Double == 1)
            #expect(cell?["attempts"] as? Int == 2)
            #expect(cell?["last_verdict"] as? String == "passed")
            #expect(results["questions"] as? [String] == [question.id])

            let csv = try await client.get("/api/v1/classes/\(code)/results.csv", headers: Self.teacher)
            #expect(csv.headers["content-type"] == "text/csv; charset=utf-8")
            let lines = csv.text.components(separatedBy: "\r\n")
            #expect(lines[0] == "student,\(question.id),total")
            #expect(lines.contains("Ada,1,1"))
            #expect(lines.contains("\"Bob, \"\"the\"\" builder\",,0"))
            #expect(try await client.get("/api/v1/classes/NOPE99/results", headers: Self.teacher).status == 404)
        }
    }

    @Test func recordedAttemptsSurviveARestart() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("quiz-\(UUID().uuidString)").path
        let question = try Self.choiceQuestion()
        let first = try TestServer.app(dataDirectory: data)
        let code = try await Self.createClass(first.client)
        let ada = try await Self.join(first.client, "Ada", code)
        _ = try await first.client.postJSON(
            "/api/v1/questions/\(question.id)/attempts",
            #"{"choices":["\#(question.right)"]}"#,
            headers: ["Authorization": "Bearer \(ada.token)"]
        )
        await first.stop()
        let second = try TestServer.app(dataDirectory: data)
        let mine = try await second.client.get("/api/v1/me/attempts", headers: ["Authorization": "Bearer \(ada.token)"])
            .json()
        #expect((mine["attempts"] as? [Any])?.count == 1)
        await second.stop()
    }
}
