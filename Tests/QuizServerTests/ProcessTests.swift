import Foundation
import Testing

/// The real binary: start-up, signals, exit codes, and durability across `kill -9`.
@Suite("QuizServer process", .serialized)
struct ProcessTests {
    static let blockingFetchAll = """
        import asyncio, time
        async def fetch_all(fetch, items):
            time.sleep(1)
            return await asyncio.gather(*(fetch(i) for i in items))
        """

    @Test func sigtermLetsGradingsInFlightFinishAndExitsZero() async throws {
        let server = try ServerProcess.serve(dataDirectory: ServerProcess.temporaryDirectory())
        try await server.waitUntilServing()
        let client = server.client
        let body = String(
            decoding: try JSONSerialization.data(withJSONObject: ["code": Self.blockingFetchAll]),
            as: UTF8.self
        )
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask { try await client.postJSON("/api/v1/questions/code-fetch-all/attempts", body).status }
            }
            try await Task.sleep(for: .milliseconds(150))
            server.signal(SIGTERM)
            for try await status in group {
                #expect(status == 200, "a grading in flight at SIGTERM is answered")
            }
        }
        #expect(try await server.exitStatus() == 0)
        #expect(server.text.contains("shutting down"))
    }

    @Test func aSecondSignalQuitsWithoutWaitingForTheGradingsInFlight() async throws {
        let server = try ServerProcess.serve(
            dataDirectory: ServerProcess.temporaryDirectory(),
            extra: ["--shutdown-grace", "60"]
        )
        try await server.waitUntilServing()
        #expect(server.process.isRunning, "\(server.text)")
        let client = server.client
        let body = String(
            decoding: try JSONSerialization.data(withJSONObject: ["code": Self.blockingFetchAll]),
            as: UTF8.self
        )
        // Eight blocking submissions for the graders: seconds of work in flight and queued.
        let requests = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 {
                    group.addTask { _ = try? await client.postJSON("/api/v1/questions/code-fetch-all/attempts", body) }
                }
                try await group.waitForAll()
            }
        }
        defer { requests.cancel() }
        // Wait for a grading to be under way (the server's own gauge), bounded.
        var grading = false
        for _ in 0..<200 where !grading {
            let metrics = (try? await client.get("/metrics"))?.text ?? ""
            grading = metrics.contains("grading_active 1") || metrics.contains("grading_active 2")
            if !grading { try await Task.sleep(for: .milliseconds(25)) }
        }
        #expect(grading, "a grading was under way")
        server.signal(SIGTERM)
        try await BridgeTests.waitUntil { server.text.contains("shutting down") }
        let second = ContinuousClock.now
        server.signal(SIGTERM)
        #expect(try await server.exitStatus() == 1, "\(server.text)")
        #expect(ContinuousClock.now - second < .seconds(5), "quits at once, not after the 60 s grace")
        #expect(server.text.contains("a second signal"))
    }

    @Test func sigintStopsAnIdleServerWithZero() async throws {
        let server = try ServerProcess.serve(dataDirectory: ServerProcess.temporaryDirectory())
        try await server.waitUntilServing()
        #expect(try await server.client.get("/").status == 200)
        server.signal(SIGINT)
        #expect(try await server.exitStatus() == 0)
        #expect(server.text.contains("GET / 200"), "one log line per request")
    }

    @Test func aGeneratedTeacherTokenIsKeptAndPrintedAtStartUp() async throws {
        let data = ServerProcess.temporaryDirectory()
        let server = try ServerProcess.serve(dataDirectory: data)
        try await server.waitUntilServing()
        let stored = try String(contentsOfFile: data + "/teacher-token", encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines
        )
        #expect(stored.count >= 40)
        #expect(server.text.contains(stored))
        let attributes = try FileManager.default.attributesOfItem(atPath: data + "/teacher-token")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let created = try await server.client.postJSON(
            "/api/v1/classes",
            #"{"name":"x"}"#,
            headers: ["Authorization": "Bearer \(stored)"]
        )
        #expect(created.status == 201)
        server.signal(SIGTERM)
        #expect(try await server.exitStatus() == 0)
    }

    @Test func anAnsweredAttemptSurvivesKillDashNine() async throws {
        let data = ServerProcess.temporaryDirectory()
        let environment = ["QUIZ_TEACHER_TOKEN": "t0ken-for-kill-test"]
        let first = try ServerProcess.serve(dataDirectory: data, environment: environment)
        try await first.waitUntilServing()
        let code = try #require(
            try await first.client.postJSON(
                "/api/v1/classes",
                #"{"name":"x"}"#,
                headers: ["Authorization": "Bearer t0ken-for-kill-test"]
            )
            .json()["code"] as? String
        )
        let token = try #require(
            try await first.client.postJSON("/api/v1/students", #"{"name":"Ada","class":"\#(code)"}"#).json()["token"]
                as? String
        )
        let question = try ClassroomTests.choiceQuestion()
        let answered = try await first.client.postJSON(
            "/api/v1/questions/\(question.id)/attempts",
            #"{"choices":["\#(question.right)"]}"#,
            headers: ["Authorization": "Bearer \(token)"]
        )
        #expect(answered.status == 200)
        first.signal(SIGKILL)
        _ = try await first.exitStatus()

        let second = try ServerProcess.serve(dataDirectory: data, environment: environment)
        try await second.waitUntilServing()
        let mine = try await second.client.get("/api/v1/me/attempts", headers: ["Authorization": "Bearer \(token)"])
            .json()
        let attempts = mine["attempts"] as? [[String: Any]] ?? []
        #expect(attempts.count == 1)
        #expect(attempts.first?["question"] as? String == question.id)
        second.signal(SIGTERM)
        #expect(try await second.exitStatus() == 0)
    }

    @Test func aServerWithOneGraderAndNoQueueStillChecksItsBankAndStarts() async throws {
        let server = try ServerProcess.serve(
            dataDirectory: ServerProcess.temporaryDirectory(),
            extra: ["--graders", "1", "--grading-queue", "0"]
        )
        try await server.waitUntilServing()
        #expect(try await server.client.get("/healthz").status == 200, "\(server.text)")
        server.signal(SIGTERM)
        #expect(try await server.exitStatus() == 0)
    }

    @Test func serveRefusesATrustedProxyThatIsNotAnAddress() async throws {
        let server = try ServerProcess.serve(
            dataDirectory: ServerProcess.temporaryDirectory(),
            extra: ["--trusted-proxy", "127.0.0.1", "--trusted-proxy", "proxy.example"]
        )
        #expect(try await server.exitStatus() == 2)
        #expect(server.text.contains("--trusted-proxy must be an IP address: proxy.example"), "\(server.text)")
    }

    @Test func serveRefusesAnInvalidBank() async throws {
        let bad = ServerProcess.temporaryDirectory() + ".json"
        try #"{"version":1,"topics":[],"questions":[]}"#.write(toFile: bad, atomically: true, encoding: .utf8)
        let server = try ServerProcess.serve(
            dataDirectory: ServerProcess.temporaryDirectory(),
            extra: ["--questions", bad]
        )
        #expect(try await server.exitStatus() == 1)
        #expect(server.text.contains("topic \"awaitables\" is missing"))
    }

    @Test func validateExitsOneWithOneLinePerProblem() async throws {
        let bad = ServerProcess.temporaryDirectory() + "-questions.json"
        try """
        {"version":1,"topics":[],"questions":[
          {"id":"gather-order","topic":"tasks","kind":"single_choice","title":"t","difficulty":1,"prompt":"p","explanation":"e",
           "choices":[{"id":"a","text":"x","correct":true,"feedback":"f"},{"id":"c","text":"y","correct":false,"feedback":""}]}]}
        """.write(toFile: bad, atomically: true, encoding: .utf8)
        let run = ServerProcess(arguments: ["validate", bad])
        try run.process.run()
        #expect(try await run.exitStatus() == 1)
        let name = URL(fileURLWithPath: bad).lastPathComponent
        #expect(run.text.contains("\(name): question \"gather-order\": choice \"c\" has no feedback"))
        #expect(run.text.contains("\(name): question \"gather-order\": unknown topic \"tasks\""))

        let good = ServerProcess(arguments: ["validate", "questions.json"])
        try good.process.run()
        #expect(try await good.exitStatus(timeout: .seconds(120)) == 0, "\(good.text)")
    }

    @Test func aPortInUseStopsTheServerPromptlyWithNoGraderLeft() async throws {
        // Hold the port: bound and listening, as another server would.
        let holder = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(holder) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(holder, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        #expect(bound == 0)
        #expect(listen(holder, 1) == 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(holder, $0, &length) }
        }
        let port = UInt16(bigEndian: address.sin_port)
        // A launcher that notes each sandbox's pid (bwrap's, after the exec) and starts the real one.
        let pids = ServerProcess.temporaryDirectory() + "-pids"
        let launcher = ServerProcess.temporaryDirectory() + "-launch"
        try """
        #!/bin/sh
        echo $$ >> \(pids)
        exec \(Repository.path("grader/launch")) "$@"
        """.write(toFile: launcher, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: launcher)

        let started = ContinuousClock.now
        let server = ServerProcess(
            arguments: [
                "serve", "--port", String(port), "--data-dir", ServerProcess.temporaryDirectory(),
                "--grader-launch", launcher,
            ],
            port: port
        )
        try server.process.run()
        #expect(try await server.exitStatus() == 1)
        #expect(ContinuousClock.now - started < .seconds(20), "exits promptly")
        #expect(server.text.contains("cannot listen on 127.0.0.1:\(port)"), "\(server.text)")
        let sandboxes = ((try? String(contentsOfFile: pids, encoding: .utf8)) ?? "").split(separator: "\n")
            .compactMap { Int32($0) }
        #expect(!sandboxes.isEmpty, "the grader was started before the bind failed")
        // Gone, or a zombie waiting for init: none still running.
        func running(_ pid: Int32) -> Bool {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
            return !stat.contains(") Z ")
        }
        try await BridgeTests.waitUntil { sandboxes.allSatisfy { !running($0) } }
    }
}
