import Foundation
import Grader
import Logging
import QuizApp
import QuizCore
import Testing

extension Question: CustomTestStringConvertible {
    public var testDescription: String { id }
}

/// The grader through the Swift pool and over HTTP, with the real sandbox.
@Suite("Grader, real sandbox", .serialized)
struct GraderTests {
    static func pool(parallelism: Int = 2, queueLimit: Int = 64) -> GradingPool {
        GradingPool(
            configuration: GraderConfiguration(
                launch: URL(fileURLWithPath: Repository.path("grader/launch")),
                parallelism: parallelism,
                queueLimit: queueLimit
            ),
            logger: Logger(label: "test")
        )
    }

    static let loaded = Result {
        try QuestionBank.load(contentsOf: Repository.root.appendingPathComponent("questions.json"))
    }
    static let bank: QuestionBank = (try? loaded.get()) ?? QuestionBank(topics: [], questions: [])
    static let codeQuestions = bank.questions.filter { $0.kind == .code }
    /// The parameterised test's cases: never none, so a bank that fails to load (or has lost its code questions)
    /// fails that test rather than running it zero times.
    static let codeQuestionIDs =
        codeQuestions.isEmpty ? ["(no code question in questions.json)"] : codeQuestions.map(\.id)

    @Test func theBankHasTheCanonicalCodeQuestions() {
        let ids = Set(Self.codeQuestions.map(\.id))
        for id in [
            "code-fetch-all", "code-bounded-fetch", "code-fetch-or-default", "code-first-result", "code-retry",
            "code-safe-counter", "code-run-blocking", "code-managed-connection", "code-ticker",
            "code-fetch-all-settled",
        ] {
            #expect(ids.contains(id), "\(id)")
        }
    }

    @Test(arguments: codeQuestionIDs)
    func everyModelSolutionPassesAndEveryWrongOneFailsAsItSays(id: String) async throws {
        _ = try Self.loaded.get()
        let question = try #require(Self.codeQuestions.first { $0.id == id }, "\(id)")
        let pool = Self.pool()
        let model = try await pool.grade(question: question.id, code: question.solution ?? "")
        #expect(model.verdict == .passed, "\(question.id): \(model.message ?? "")")
        #expect(model.score == 1)
        for wrong in question.wrongSolutions ?? [] {
            let verdict = try await pool.grade(question: question.id, code: wrong.code)
            #expect(verdict.verdict != .passed, "\(question.id): \(wrong.why ?? "")")
            if wrong.status == "not_gradable" {
                #expect(verdict.verdict == .notGradable, "\(question.id): \(wrong.why ?? "")")
            } else {
                let statuses = (verdict.tasks ?? []).map(\.status)
                #expect(
                    statuses.contains(wrong.status),
                    "\(question.id) (\(wrong.why ?? "")): got \(verdict.verdict) \(statuses): \(verdict.message ?? "")"
                )
            }
            #expect((verdict.tasks ?? []).allSatisfy { !$0.message.isEmpty })
        }
        await pool.shutdown()
    }

    @Test func aBankWhoseModelSolutionFailsIsRejected() async throws {
        var bank = Self.bank
        let index = try #require(bank.questions.firstIndex { $0.id == "code-fetch-all" })
        bank.questions[index].solution =
            "async def fetch_all(fetch, items):\n    return [await fetch(i) for i in items]\n"
        bank.questions.append(
            Question(
                id: "code-nobody-grades-this",
                topic: "tasks",
                kind: .code,
                title: "t",
                prompt: "p",
                explanation: "e",
                starter: "",
                solution: "pass",
                wrongSolutions: Array(repeating: .init(code: "", status: "x"), count: 3)
            )
        )
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bank-\(UUID().uuidString).json")
        try JSONEncoder().encode(bank).write(to: file)
        let pool = Self.pool()
        await #expect {
            try await BankLoader().load(file.path, grader: pool)
        } throws: { error in
            let text = "\(error)"
            return text.contains("question \"code-fetch-all\": the model solution does not pass (failed:")
                && text.contains("not_concurrent")
                && text.contains("question \"code-nobody-grades-this\": it has no example tasks")
        }
        await pool.shutdown()
    }

    @Test func aCorrectAnswerOverHTTPPassesWithATimeline() async throws {
        let server = try TestServer.app(grader: Self.pool())
        let code =
            "import asyncio\nasync def fetch_all(fetch, items):\n    return await asyncio.gather(*(fetch(i) for i in items))\n"
        let body = String(decoding: try JSONSerialization.data(withJSONObject: ["code": code]), as: UTF8.self)
        let result = try await server.client.postJSON("/api/v1/questions/code-fetch-all/attempts", body).json()
        #expect(result["verdict"] as? String == "passed")
        let tasks = result["tasks"] as? [[String: Any]] ?? []
        #expect(tasks.count >= 3)
        let trace = tasks.first?["trace"] as? [[String: Any]] ?? []
        #expect(!trace.isEmpty)
        #expect(trace.allSatisfy { ($0["start"] as? Double) == 0 }, "gathered calls all start at 0")
        await server.stop()
    }

    @Test func aSequentialAnswerIsNotConcurrentAndSaysWhy() async throws {
        let server = try TestServer.app(grader: Self.pool())
        let code = "async def fetch_all(fetch, items):\n    return [await fetch(i) for i in items]\n"
        let body = String(decoding: try JSONSerialization.data(withJSONObject: ["code": code]), as: UTF8.self)
        let result = try await server.client.postJSON("/api/v1/questions/code-fetch-all/attempts", body).json()
        #expect(result["verdict"] as? String == "failed")
        let tasks = result["tasks"] as? [[String: Any]] ?? []
        let failing = try #require(tasks.first { $0["status"] as? String == "not_concurrent" })
        #expect((failing["message"] as? String)?.contains("one after another") == true)
        await server.stop()
    }

    @Test func aSyntaxErrorIsNotGradableWithTheLine() async throws {
        let pool = Self.pool()
        let verdict = try await pool.grade(
            question: "code-fetch-all",
            code: "async def fetch_all(fetch, items)\n    return 1\n"
        )
        #expect(verdict.verdict == .notGradable)
        #expect(verdict.message?.contains("line 1") == true)
        let missing = try await pool.grade(
            question: "code-fetch-all",
            code: "async def fetch_everything(fetch, items):\n    return []\n"
        )
        #expect(missing.verdict == .notGradable)
        #expect(missing.message?.contains("fetch_all") == true)
        await pool.shutdown()
    }

    @Test func aFullQueueAnswers429WithRetryAfter() async throws {
        let server = try TestServer.app(grader: Self.pool(parallelism: 1, queueLimit: 1))
        let blocking = "import time\nasync def fetch_all(fetch, items):\n    time.sleep(1)\n    return []\n"
        let body = String(decoding: try JSONSerialization.data(withJSONObject: ["code": blocking]), as: UTF8.self)
        let client = server.client
        let statuses = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let reply = try await client.postJSON("/api/v1/questions/code-fetch-all/attempts", body)
                    return (reply.status, reply.headers["retry-after"])
                }
            }
            var all: [(Int, String?)] = []
            for try await status in group { all.append(status) }
            return all
        }
        #expect(statuses.filter { $0.0 == 200 }.count >= 2, "one running and one queued are graded")
        let refused = statuses.filter { $0.0 == 429 }
        #expect(!refused.isEmpty)
        #expect(refused.allSatisfy { Int($0.1 ?? "") ?? 0 >= 1 })
        await server.stop()
    }

    @Test func codeAttemptsAreRateLimitedPerStudent() async throws {
        let server = try TestServer.app(grader: Self.pool(), codeAttemptsPerMinute: 2)
        let client = server.client
        let code = try await ClassroomTests.createClass(client)
        let student = try await ClassroomTests.join(client, "Ada", code)
        let body = #"{"code":"async def fetch_all(fetch, items):\n    return []\n"}"#
        var statuses: [Int] = []
        var retryAfter: String?
        for _ in 0..<3 {
            let reply = try await client.postJSON(
                "/api/v1/questions/code-fetch-all/attempts",
                body,
                headers: ["Authorization": "Bearer \(student.token)"]
            )
            statuses.append(reply.status)
            retryAfter = reply.headers["retry-after"] ?? retryAfter
        }
        #expect(statuses == [200, 200, 429])
        #expect(Int(retryAfter ?? "") ?? 0 >= 1)
        await server.stop()
    }

    @Test func hostileCodeIsContainedAndTheServerKeepsServing() async throws {
        let server = try TestServer.app(grader: Self.pool())
        let client = server.client
        let hostile = [
            "import os\nos.system(':(){ :|:& };:')\nasync def fetch_all(fetch, items):\n    return []\n",
            "async def fetch_all(fetch, items):\n    while True: pass\n",
            "async def fetch_all(fetch, items):\n    x = bytearray(10 * 1024 ** 3)\n    return []\n",
            "print(open('/etc/shadow').read())\nasync def fetch_all(fetch, items):\n    return []\n",
            "import sys\nprint('{\"verdict\": \"passed\", \"score\": 1}')\nsys.exit(0)\nasync def fetch_all(fetch, items): return []\n",
        ]
        for code in hostile {
            let body = String(decoding: try JSONSerialization.data(withJSONObject: ["code": code]), as: UTF8.self)
            async let graded = client.postJSON("/api/v1/questions/code-fetch-all/attempts", body)
            #expect(try await client.get("/healthz").status == 200)
            let reply = try await graded
            #expect(reply.status == 200)
            #expect(try reply.json()["verdict"] as? String != "passed", "\(code)")
        }
        await server.stop()
    }
}
