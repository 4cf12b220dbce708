import Foundation
import Grader
import HTTP
import Logging
import QuizApp
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Waits until `condition` holds, checking every millisecond, for at most `seconds`; false if it never did.
func eventually(within seconds: Double = 10, _ condition: () async -> Bool) async -> Bool {
    let end = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
    while ContinuousClock.now < end {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(1))
    }
    return await condition()
}

/// Records who was granted a slot, in order, and the most slots each client held at once.
final class GrantLog: Sendable {
    private struct State {
        var order: [String] = []
        var holding: [String: Int] = [:]
        var most: [String: Int] = [:]
    }
    private let state = Mutex(State())

    func granted(_ label: String, client: String) {
        state.withLock {
            $0.order.append(label)
            $0.holding[client, default: 0] += 1
            $0.most[client] = max($0.most[client, default: 0], $0.holding[client]!)
        }
    }

    func released(client: String) { state.withLock { $0.holding[client, default: 0] -= 1 } }
    var order: [String] { state.withLock { $0.order } }
    func most(_ client: String) -> Int { state.withLock { $0.most[client, default: 0] } }
}

/// The fair grading queue in process, with fake work: who is served when.
@Suite("Fair queue")
struct FairQueueTests {
    /// Acquires for `client`, logs the grant, waits for `release` to say so, and gives the slot back.
    static func job(
        _ queue: FairQueue,
        _ log: GrantLog,
        client: String,
        label: String,
        hold: @escaping @Sendable () async -> Void = {}
    ) -> Task<Void, any Error> {
        Task {
            let ticket = try await queue.acquire(client: client)
            log.granted(label, client: client)
            await hold()
            log.released(client: client)
            queue.release(ticket)
        }
    }

    @Test func aClientWithOneSubmissionIsServedBeforeTheLaterOnesOfAClientWithMany() async throws {
        let queue = FairQueue(capacity: 1, waitingLimit: 100)
        let log = GrantLog()
        let first = try await queue.acquire(client: "A")
        var jobs: [Task<Void, any Error>] = []
        for index in 1...5 {
            jobs.append(Self.job(queue, log, client: "A", label: "A\(index)"))
            // Each waits in turn, so A's own order is the order they came in.
            #expect(await eventually { queue.snapshot.waitingByClient["A"] == index })
        }
        jobs.append(Self.job(queue, log, client: "B", label: "B1"))
        #expect(await eventually { queue.waiting == 6 })
        queue.release(first)
        for job in jobs { try await job.value }
        #expect(log.order == ["B1", "A1", "A2", "A3", "A4", "A5"])
        let after = queue.snapshot
        #expect(after.busy == 0 && after.waiting == 0 && after.holding.isEmpty && after.waitingByClient.isEmpty)
    }

    @Test func aClientNeverHoldsMoreThanOneGraderAndOthersTakeTurns() async throws {
        let queue = FairQueue(capacity: 2, waitingLimit: 100)
        let log = GrantLog()
        let gate = Gate()
        var jobs: [Task<Void, any Error>] = []
        // One at a time, each in the queue before the next is sent, so the labels follow the order of arrival.
        func send(_ client: String, _ index: Int) async {
            let before = queue.busy + queue.waiting
            jobs.append(Self.job(queue, log, client: client, label: "\(client)\(index)", hold: { await gate.wait() }))
            #expect(await eventually { queue.busy + queue.waiting == before + 1 })
        }
        for index in 1...6 { await send("A", index) }
        // A holds one grader; the other stays free for anyone else, and A's other five wait.
        #expect(await eventually { queue.snapshot.holding == ["A": 1] && queue.waiting == 5 })
        #expect(queue.busy == 1)
        for index in 1...3 {
            await send("B", index)
            await send("C", index)
        }
        #expect(queue.waiting == 5 + 5)
        #expect(queue.snapshot.holding == ["A": 1, "B": 1])
        gate.open()
        for job in jobs { try await job.value }
        #expect(log.most("A") == 1)
        #expect(log.most("B") == 1)
        #expect(log.most("C") == 1)
        // C's first is served before A's second: every client gets a turn before anyone gets a second.
        let order = log.order
        let position = { (label: String) in order.firstIndex(of: label) ?? -1 }
        #expect(position("C1") < position("A2"), "\(order)")
        #expect(position("B2") < position("A3"), "\(order)")
        #expect(order.count == 12)
    }

    @Test func aCancelledWaiterLeavesTheQueueAtOnce() async throws {
        let queue = FairQueue(capacity: 1, waitingLimit: 10)
        let held = try await queue.acquire(client: "A")
        let waiter = Task { try await queue.acquire(client: "B") }
        #expect(await eventually { queue.waiting == 1 })
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(queue.waiting == 0)
        #expect(queue.snapshot.waitingByClient.isEmpty)
        // The slot goes to the next one who asks, not to the cancelled one.
        queue.release(held)
        let next = try await queue.acquire(client: "C")
        #expect(queue.snapshot.holding == ["C": 1])
        queue.release(next)
        #expect(queue.busy == 0)
    }

    @Test func pastTheWaitingCapNewRequestsAreRefusedWithARetryAfter() async throws {
        let queue = FairQueue(capacity: 1, waitingLimit: 2)
        let held = try await queue.acquire(client: "A")
        let waiters = [Task { try await queue.acquire(client: "B") }, Task { try await queue.acquire(client: "C") }]
        #expect(await eventually { queue.waiting == 2 })
        do {
            _ = try await queue.acquire(client: "D")
            Issue.record("a third waiter was queued past the cap of 2")
        } catch let error as GradingError {
            guard case .queueFull(let seconds) = error else {
                Issue.record("expected queueFull, got \(error)")
                return
            }
            #expect(seconds >= 1)
        }
        queue.release(held)
        for waiter in waiters { queue.release(try await waiter.value) }
        #expect(queue.busy == 0 && queue.waiting == 0)
    }

    @Test func aRequestExpectedToWaitPastMaxWaitIsRefusedAtOnce() async throws {
        // Each grading takes 0.4 s (the first estimate); one grader; at most 1 s of waiting.
        let queue = FairQueue(capacity: 1, waitingLimit: 100, maxWait: 1, expectedHold: 0.4)
        let held = try await queue.acquire(client: "A")
        let waiters = [Task { try await queue.acquire(client: "B") }, Task { try await queue.acquire(client: "C") }]
        #expect(await eventually { queue.waiting == 2 })
        #expect(abs(queue.expectedWait - 1.2) < 1e-9)
        await #expect(throws: GradingError.queueFull(retryAfter: 1)) { try await queue.acquire(client: "D") }
        #expect(queue.waiting == 2)
        queue.release(held)
        for waiter in waiters { queue.release(try await waiter.value) }
    }

    @Test func closingFailsTheWaitingWithShuttingDown() async throws {
        let queue = FairQueue(capacity: 1, waitingLimit: 10)
        let held = try await queue.acquire(client: "A")
        let waiter = Task { try await queue.acquire(client: "B") }
        #expect(await eventually { queue.waiting == 1 })
        queue.close()
        await #expect(throws: GradingError.shuttingDown) { try await waiter.value }
        await #expect(throws: GradingError.shuttingDown) { try await queue.acquire(client: "C") }
        queue.release(held)
    }
}

/// A latch: every `wait()` returns once `open()` has been called.
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// A stand-in for `grader/launch --serve`: the same line protocol, with answers chosen by a word in the code.
enum FakeGrader {
    static let script = #"""
        #!/usr/bin/env python3
        import json, sys
        sys.stdout.write('{"ready": true}\n')
        sys.stdout.flush()
        for line in sys.stdin:
            request = json.loads(line)
            code = request.get('code', '')
            if request.get('mode') == 'list':
                out = json.dumps({'questions': ['code-fetch-all']})
            elif 'HUGE' in code:
                out = json.dumps({'verdict': 'passed', 'score': 1, 'message': 'x' * (3 << 20), 'tasks': []})
            elif 'NEARLY' in code:
                out = json.dumps({'verdict': 'passed', 'score': 1, 'message': 'y' * ((1 << 20) - 100), 'tasks': []})
            elif 'SLOW' in code:
                import time
                time.sleep(3)
                out = json.dumps({'verdict': 'passed', 'score': 1, 'message': 'slow', 'tasks': []})
            elif 'BROKEN' in code:
                out = '{"verdict": "passed", "sco'
            else:
                out = json.dumps({'verdict': 'passed', 'score': 1, 'message': 'fine', 'tasks': []})
            sys.stdout.write(out + '\n')
            sys.stdout.flush()
        """#

    static func launch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fake-grader-\(UUID().uuidString).py")
        try script.write(to: url, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        return url
    }

    static func pool(parallelism: Int = 2, queueLimit: Int = 64) throws -> GradingPool {
        GradingPool(
            configuration: GraderConfiguration(launch: try launch(), parallelism: parallelism, queueLimit: queueLimit),
            logger: Logger(label: "test")
        )
    }
}

/// What the sandbox answers is never cut: an answer over the limit is the submission's failure.
@Suite("Sandbox answers, bounded")
struct SandboxAnswerTests {
    @Test func anAnswerOverTheLimitIsTheSubmissionsOutputLimitNotACutAnswer() async throws {
        let pool = try FakeGrader.pool()
        let verdict = try await pool.grade(question: "code-fetch-all", code: "HUGE")
        #expect(verdict.verdict == .failed)
        #expect(verdict.score == 0)
        let task = try #require(verdict.tasks?.first)
        #expect(task.status == "output_limit")
        #expect(task.message.contains("3.0 MB"), "\(task.message)")
        #expect(task.message.contains("the 1.0 MB it accepts"), "\(task.message)")
        // The pool goes on grading: the next answer is read whole.
        #expect(try await pool.grade(question: "code-fetch-all", code: "ok").message == "fine")
        await pool.shutdown()
    }

    @Test func anAnswerJustUnderTheLimitIsReadWhole() async throws {
        let pool = try FakeGrader.pool()
        let verdict = try await pool.grade(question: "code-fetch-all", code: "NEARLY")
        #expect(verdict.verdict == .passed)
        #expect(verdict.message?.utf8.count == GradingPool.answerLimit - 100)
        await pool.shutdown()
    }

    @Test func anAnswerThatCannotBeReadTwiceIsTheSubmissionsFailure() async throws {
        let pool = try FakeGrader.pool()
        let verdict = try await pool.grade(question: "code-fetch-all", code: "BROKEN")
        #expect(verdict.verdict == .failed)
        #expect(verdict.tasks?.map(\.status) == ["killed"])
        #expect(verdict.message?.isEmpty == false)
        #expect(try await pool.grade(question: "code-fetch-all", code: "ok").verdict == .passed)
        await pool.shutdown()
    }

    @Test func overHTTPAnOverLongAnswerIsA200WithVerdictFailed() async throws {
        let server = try TestServer.app(grader: try FakeGrader.pool())
        let reply = try await server.client.postJSON(
            "/api/v1/questions/code-fetch-all/attempts",
            #"{"code":"HUGE"}"#
        )
        #expect(reply.status == 200)
        let json = try reply.json()
        #expect(json["verdict"] as? String == "failed")
        let tasks = try #require(json["tasks"] as? [[String: Any]])
        #expect(tasks.map { $0["status"] as? String } == ["output_limit"])
        await server.stop()
    }
}

/// Anonymous code attempts, per address; X-Forwarded-For only from a trusted proxy.
@Suite("Anonymous rate limit")
struct AnonymousRateLimitTests {
    static let path = "/api/v1/questions/code-fetch-all/attempts"
    static let body = #"{"code":"async def fetch_all(fetch, items): return []"}"#

    @Test func withoutATrustedProxyForwardedForIsIgnored() async throws {
        let server = try TestServer.app(grader: try FakeGrader.pool(), anonymousCodeAttemptsPerMinute: 2)
        var statuses: [Int] = []
        var retryAfter: String?
        for index in 1...3 {
            let reply = try await server.client.postJSON(
                Self.path,
                Self.body,
                headers: ["X-Forwarded-For": "198.51.100.\(index)"]
            )
            statuses.append(reply.status)
            if reply.status == 429 {
                retryAfter = reply.headers["retry-after"]
                #expect(reply.headers["content-type"] == "application/problem+json")
                #expect(try reply.json()["status"] as? Int == 429)
            }
        }
        #expect(statuses == [200, 200, 429])
        let seconds = try #require(Int(retryAfter ?? ""))
        #expect((1...60).contains(seconds))
        // A choice question is not a code attempt: not limited.
        await server.stop()
    }

    @Test func behindATrustedProxyEachForwardedAddressHasItsOwnLimit() async throws {
        let server = try TestServer.app(
            grader: try FakeGrader.pool(),
            anonymousCodeAttemptsPerMinute: 2,
            trustedProxies: ["127.0.0.1"]
        )
        func send(_ forwarded: String) async throws -> Int {
            try await server.client.postJSON(Self.path, Self.body, headers: ["X-Forwarded-For": forwarded]).status
        }
        #expect(try await send("198.51.100.1") == 200)
        #expect(try await send("198.51.100.1") == 200)
        #expect(try await send("198.51.100.1") == 429)
        // Another client behind the same proxy; a forged left-most entry does not change who the proxy saw.
        #expect(try await send("198.51.100.2") == 200)
        #expect(try await send("203.0.113.9, 198.51.100.2") == 200)
        #expect(try await send("198.51.100.2") == 429)
        await server.stop()
    }

    @Test func aSubmissionTurnedAwayByAFullQueueDoesNotCountAgainstTheLimit() async throws {
        let pool = try FakeGrader.pool(parallelism: 1, queueLimit: 0)
        let server = try TestServer.app(grader: pool, anonymousCodeAttemptsPerMinute: 2)
        let client = server.client
        async let slow = client.postJSON(Self.path, #"{"code":"SLOW"}"#)
        #expect(await eventually { pool.activeCount == 1 })
        for _ in 0..<4 {
            let reply = try await client.postJSON(Self.path, Self.body)
            #expect(reply.status == 429)
            #expect(try reply.json()["detail"] as? String ?? "" == "Every grader is busy; try again in 1 s.")
        }
        #expect(try await slow.status == 200)
        #expect(try await client.postJSON(Self.path, Self.body).status == 200)
        let limited = try await client.postJSON(Self.path, Self.body)
        #expect(limited.status == 429)
        #expect((try limited.json()["detail"] as? String ?? "").contains("code submissions in a minute"))
        await server.stop()
    }

    @Test func studentsAreLimitedByTheirOwnCountNotTheirAddress() async throws {
        let server = try TestServer.app(grader: try FakeGrader.pool(), anonymousCodeAttemptsPerMinute: 1)
        let code = try await ClassroomTests.createClass(server.client)
        for name in ["Ada", "Grace", "Linus"] {
            let student = try await ClassroomTests.join(server.client, name, code)
            let reply = try await server.client.postJSON(
                Self.path,
                Self.body,
                headers: ["Authorization": "Bearer \(student.token)"]
            )
            #expect(reply.status == 200, "\(name)")
        }
        await server.stop()
    }

    @Test func theClientAddressComesFromTheProxyOnlyWhenItIsTrusted() {
        let direct = ClientAddress()
        let proxied = ClientAddress(trustedProxies: ["10.0.0.1", "::1"])
        func request(_ peer: String?, _ forwarded: String?) -> Request {
            var headers = HTTPHeaders()
            if let forwarded { headers.add("X-Forwarded-For", forwarded) }
            return Request(method: "POST", path: "/", headers: headers, remoteAddress: peer)
        }
        #expect(direct.resolve(request("10.0.0.1", "198.51.100.7")) == "10.0.0.1")
        #expect(proxied.resolve(request("10.0.0.1", "198.51.100.7")) == "198.51.100.7")
        #expect(proxied.resolve(request("10.0.0.2", "198.51.100.7")) == "10.0.0.2")
        #expect(proxied.resolve(request("10.0.0.1", "1.2.3.4, 198.51.100.7")) == "198.51.100.7")
        #expect(proxied.resolve(request("10.0.0.1", "198.51.100.7, 10.0.0.1")) == "198.51.100.7")
        #expect(proxied.resolve(request("10.0.0.1", "not-an-address")) == "10.0.0.1")
        #expect(proxied.resolve(request("10.0.0.1", nil)) == "10.0.0.1")
        #expect(proxied.resolve(request("::1", "2001:DB8::1")) == "2001:db8::1")
        #expect(direct.resolve(request(nil, "198.51.100.7")) == "unknown")
        #expect(ClientAddress.invalid(["127.0.0.1", "proxy.local", "::1"]) == ["proxy.local"])
    }
}

/// A waiting submission whose client hangs up leaves the grading queue at once.
@Suite("Hang-ups")
struct HangUpTests {
    /// Connects, sends `bytes`, and returns the socket without reading anything.
    static func sendAndLeaveOpen(port: UInt16, _ bytes: String) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0, send(fd, bytes, bytes.utf8.count, 0) == bytes.utf8.count else {
            close(fd)
            throw RawHTTPClient.Failure.connect
        }
        return fd
    }

    @Test func aClientThatHangsUpWhileWaitingLeavesTheQueueAndTheGradingInProgressFinishes() async throws {
        let pool = try FakeGrader.pool(parallelism: 1)
        let server = try TestServer.app(grader: pool)
        let client = server.client
        let path = "/api/v1/questions/code-fetch-all/attempts"
        async let slow = client.postJSON(path, #"{"code":"SLOW"}"#)
        #expect(await eventually { pool.activeCount == 1 })
        let body = #"{"code":"ok"}"#
        let request =
            "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
        let fd = try Self.sendAndLeaveOpen(port: server.server.port, request)
        #expect(await eventually { pool.queueLength == 1 })
        close(fd)
        // Gone from the queue while the slow one (3 s) is still being graded.
        #expect(await eventually(within: 2) { pool.queueLength == 0 })
        #expect(pool.activeCount == 1)
        let reply = try await slow
        #expect(reply.status == 200)
        #expect(try reply.json()["message"] as? String == "slow")
        // The abandoned connection was resumed and closed: nothing is left suspended.
        #expect(await eventually { server.server.suspendedConnections == 0 })
        #expect(try await client.get("/healthz").status == 200)
        await server.stop()
    }
}
