import Foundation
import Testing

/// The application's answers through the in-process client, on the repository's own bank.
@Suite("API, in process")
struct AppTests {
    static let secretKeys: Set<String> = [
        "answer", "solution", "wrong_solutions", "feedback", "correct", "proof", "tasks",
    ]

    /// Every key anywhere in a JSON value.
    static func keys(_ value: Any) -> Set<String> {
        if let object = value as? [String: Any] {
            return Set(object.keys).union(object.values.flatMap { keys($0) })
        }
        if let array = value as? [Any] { return array.reduce(into: Set<String>()) { $0.formUnion(keys($1)) } }
        return []
    }

    @Test func questionsNeverCarryAnswers() async throws {
        try await TestServer.inProcess { client in
            let list = try await client.get("/api/v1/questions")
            let json = try JSONSerialization.jsonObject(with: list.body)
            #expect(Self.keys(json).isDisjoint(with: Self.secretKeys))
            let questions = (json as? [String: Any])?["questions"] as? [[String: Any]] ?? []
            #expect(!questions.isEmpty)
            for question in questions.prefix(200) {
                let id = try #require(question["id"] as? String)
                let one = try await client.get("/api/v1/questions/\(id)")
                #expect(one.status == 200)
                #expect(Self.keys(try JSONSerialization.jsonObject(with: one.body)).isDisjoint(with: Self.secretKeys))
            }
        }
    }

    @Test func aChoiceAnswerIsGradedWithFeedback() async throws {
        try await TestServer.inProcess { client in
            let questions = try Repository.bankQuestions()
            let single = try #require(questions.first { $0["kind"] as? String == "single_choice" })
            let id = try #require(single["id"] as? String)
            let choices = single["choices"] as? [[String: Any]] ?? []
            let right = try #require(choices.first { $0["correct"] as? Bool == true }?["id"] as? String)
            let wrong = try #require(choices.first { $0["correct"] as? Bool == false }?["id"] as? String)

            let good = try await client.postJSON("/api/v1/questions/\(id)/attempts", #"{"choices":["\#(right)"]}"#)
                .json()
            #expect(good["verdict"] as? String == "passed")
            #expect(good["score"] as? Double == 1)
            #expect(good["correct"] as? Bool == true)
            #expect(!(good["explanation"] as? String ?? "").isEmpty)
            #expect((good["feedback"] as? [[String: Any]])?.count == choices.count)

            let bad = try await client.postJSON("/api/v1/questions/\(id)/attempts", #"{"choices":["\#(wrong)"]}"#)
                .json()
            #expect(bad["verdict"] as? String == "failed")
            #expect(bad["score"] as? Double == 0)

            let unknownChoice = try await client.postJSON("/api/v1/questions/\(id)/attempts", #"{"choices":["zz"]}"#)
            #expect(unknownChoice.status == 400)
            #expect((try unknownChoice.json()["detail"] as? String)?.contains("choices[0]") == true)
            let wrongField = try await client.postJSON("/api/v1/questions/\(id)/attempts", #"{"output":"x"}"#)
            #expect(wrongField.status == 400)
            #expect((try wrongField.json()["detail"] as? String)?.contains("choices") == true)
            let wrongType = try await client.postJSON("/api/v1/questions/\(id)/attempts", #"{"choices":"a"}"#)
            #expect(wrongType.status == 400)
            #expect(
                try await client.postJSON("/api/v1/questions/nope/attempts", #"{"choices":["a"]}"#).status == 404
            )
        }
    }

    @Test func aPredictedOutputIsComparedLineByLine() async throws {
        try await TestServer.inProcess { client in
            let questions = try Repository.bankQuestions()
            let predict = try #require(questions.first { $0["kind"] as? String == "predict_output" })
            let id = try #require(predict["id"] as? String)
            let answer = try #require(predict["answer"] as? String)
            let body = String(
                decoding: try JSONSerialization.data(withJSONObject: ["output": answer + "  \n\n"]),
                as: UTF8.self
            )
            let result = try await client.postJSON("/api/v1/questions/\(id)/attempts", body).json()
            #expect(result["verdict"] as? String == "passed")
            let wrong = try await client.postJSON(
                "/api/v1/questions/\(id)/attempts",
                #"{"output":"something else"}"#
            ).json()
            #expect(wrong["verdict"] as? String == "failed")
            #expect(wrong["expected"] as? String == answer)
        }
    }
}

/// What only the real server shows: content codings on the wire and metrics by route pattern.
@Suite("API, live")
struct MetricsTests {
    @Test func questionListsAreGzippedAndRevalidatedWithETags() async throws {
        let server = try TestServer.app()
        let plain = try await server.client.get("/api/v1/questions")
        let zipped = try await server.client.get("/api/v1/questions", headers: ["Accept-Encoding": "gzip"])
        #expect(zipped.headers["content-encoding"] == "gzip")
        #expect(zipped.body.prefix(2) == Data([0x1f, 0x8b]))
        #expect(zipped.body.count < plain.body.count / 3)
        #expect(plain.headers["content-encoding"] == nil)
        let tag = try #require(plain.headers["etag"])
        let again = try await server.client.get("/api/v1/questions", headers: ["If-None-Match": tag])
        #expect(again.status == 304)
        #expect(again.body.isEmpty)
        await server.stop()
    }

    @Test func metricsCountRequestsByRoutePatternInPrometheusText() async throws {
        let server = try TestServer.app()
        _ = try await server.client.get("/api/v1/questions/no-such-id")
        _ = try await server.client.get("/healthz")
        let reply = try await server.client.get("/metrics")
        #expect(reply.status == 200)
        #expect(reply.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        let text = reply.text
        #expect(text.contains("# TYPE http_requests_total counter"))
        #expect(text.contains(#"http_requests_total{method="GET",route="/api/v1/questions/{id}",status="404"} 1"#))
        #expect(text.contains(#"http_requests_total{method="GET",route="/healthz",status="200"} 1"#))
        #expect(text.contains("# TYPE grading_queue_length gauge"))
        #expect(text.contains("http_request_duration_seconds_bucket{route=\"/healthz\",le=\"+Inf\"} 1"))
        #expect(text.contains("# HELP http_requests_total Requests answered, by route pattern, method and status."))
        // Valid text format: every sample line is `name{labels} value`, of a family whose TYPE came before it.
        let label = #"[a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?"#
        let sample = try NSRegularExpression(
            pattern: #"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{("# + label + #")*\})? (-?[0-9.eE+-]+|NaN|[+-]Inf)$"#
        )
        var typed: Set<String> = []
        for line in text.split(separator: "\n").map(String.init) {
            if line.hasPrefix("# TYPE ") { typed.insert(String(line.split(separator: " ")[2])) }
            if line.hasPrefix("#") { continue }
            let range = NSRange(line.startIndex..., in: line)
            let match = sample.firstMatch(in: line, range: range)
            #expect(match != nil, "not a sample line: \(line)")
            guard let match, let nameRange = Range(match.range(at: 1), in: line) else { continue }
            let name = String(line[nameRange])
            let family = ["_bucket", "_sum", "_count"].reduce(name) { name, suffix in
                name.hasSuffix(suffix) && typed.contains(String(name.dropLast(suffix.count)))
                    ? String(name.dropLast(suffix.count)) : name
            }
            #expect(typed.contains(family), "no TYPE before \(line)")
        }
        await server.stop()
    }
}
