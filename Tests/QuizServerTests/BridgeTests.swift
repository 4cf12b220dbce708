import Foundation
import HTTP
import Testing

/// The libmicrohttpd bridge, live: a real server on a loopback port, real HTTP.
@Suite("libmicrohttpd bridge, live", .serialized)
struct BridgeTests {
    static func echoRouter() -> Router {
        var router = Router()
        router.get("/healthz") { _ in .json(["status": "ok"]) }
        router.getImmediate("/broken-now") { _ in
            brokenCalls.increment()
            throw BrokenHandler()
        }
        router.get("/slow") { request in
            let seconds = Double(request.query["s"] ?? "2") ?? 2
            try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            return .text("slept")
        }
        router.get("/stubborn") { _ in
            // Ignores cancellation, as a handler stuck in a library call might.
            let end = ContinuousClock.now + .seconds(3)
            while ContinuousClock.now < end { try? await Task.sleep(for: .milliseconds(50)) }
            return .text("finally")
        }
        router.get("/echo") { request in
            .json(["path": request.path, "q": request.query["q"] ?? "", "x": request.headers["X-Thing"] ?? ""])
        }
        router.post("/echo") { request in
            struct Body: Decodable { var name: String }
            let body = try request.decodeJSON(Body.self)
            return .json(["name": body.name, "bytes": "\(request.body.count)"])
        }
        return router
    }

    struct BrokenHandler: Error {}
    static let brokenCalls = Counter()

    static func start(_ configure: (inout ServerConfiguration) -> Void = { _ in }) throws -> TestServer {
        try TestServer.start(
            MiddlewareChain([ErrorMiddleware(logger: .init(label: "test"))], responder: echoRouter()),
            configure: configure
        )
    }

    /// Polls a condition (bounded), so tests wait for a state rather than for a guessed time.
    static func waitUntil(_ condition: () -> Bool) async throws {
        for _ in 0..<500 where !condition() { try await Task.sleep(for: .milliseconds(10)) }
        #expect(condition())
    }

    @Test func answersOverRealHTTP() async throws {
        try await Self.start().run { server in
            let reply = try await server.client.get("/echo?q=a%20b&z=1", headers: ["X-Thing": "yes"])
            #expect(reply.status == 200)
            let json = try reply.json()
            #expect(json["q"] as? String == "a b")
            #expect(json["x"] as? String == "yes")
        }
    }

    @Test func twoHundredSlowHandlersHoldNoServerThread() async throws {
        let server = try Self.start { $0.threads = 2 }
        let client = server.client
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<200 {
                group.addTask { try await client.get("/slow?s=2").status }
            }
            // While the slow ones are suspended in their handlers, a quick request is answered before any of them:
            // wait until most of them are in (a state, not a guessed time; their clients connect one thread each).
            try await Self.waitUntil { server.server.runningRequests > 100 }
            let health = try await client.get("/healthz")
            #expect(health.status == 200)
            #expect(server.server.runningRequests > 100, "the slow handlers should still be running")
            var ok = 0
            for try await status in group where status == 200 { ok += 1 }
            #expect(ok == 200)
        }
        // With a thread held per request, two threads would need 200 s; generous bound against a loaded machine.
        #expect(ContinuousClock.now - started < .seconds(15))
        await server.stop()
    }

    @Test func aHandlerOverrunningTheDeadlineGets504() async throws {
        try await Self.start { $0.handlerDeadline = .milliseconds(300) }.run { server in
            let reply = try await server.client.get("/stubborn")
            #expect(reply.status == 504)
            #expect(reply.headers["retry-after"] == "1")
            #expect(reply.headers["content-type"] == "application/problem+json")
            let problem = try reply.json()
            #expect(problem["status"] as? Int == 504)
            #expect(problem["title"] as? String == "Gateway Timeout")
        }
    }

    @Test func anImmediateHandlerThatThrowsIsAnsweredOnceWithAProblem() async throws {
        try await Self.start().run { server in
            let before = Self.brokenCalls.value
            let reply = try await server.client.get("/broken-now")
            #expect(reply.status == 500)
            #expect(reply.headers["content-type"] == "application/problem+json")
            #expect(Self.brokenCalls.value == before + 1, "run once, not again on the async path")
        }
    }

    @Test func aDeclaredOversizedBodyIs413BeforeItIsRead() async throws {
        let server = try Self.start()
        let head =
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\nConnection: close\r\n\r\n"
        // Only the head is sent: the answer must come without the body.
        let reply = try await server.client.send(Data(head.utf8), readTimeout: 5)
        #expect(reply.status == 413)
        #expect(reply.headers["content-type"] == "application/problem+json")
        await server.stop()
    }

    @Test func aChunkedOversizedBodyIs413() async throws {
        let server = try Self.start()
        let head =
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        var chunks: [Data] = []
        let piece = Data(repeating: UInt8(ascii: "a"), count: 16 * 1024)
        for _ in 0..<8 { chunks.append(Data("4000\r\n".utf8) + piece + Data("\r\n".utf8)) }
        chunks.append(Data("0\r\n\r\n".utf8))
        let reply = try await server.client.send(Data(head.utf8), chunks: chunks)
        #expect(reply.status == 413)
        await server.stop()
    }

    @Test func aBodyAtTheLimitIsAccepted() async throws {
        let server = try Self.start()
        let padding = String(repeating: "x", count: 64 * 1024 - 12)
        let json = #"{"name":"\#(padding)"}"#
        #expect(json.utf8.count == 64 * 1024 - 1)
        let reply = try await server.client.postJSON("/echo", json)
        #expect(reply.status == 200)
        await server.stop()
    }

    @Test func badJSONAndWrongTypesAreClear4xx() async throws {
        let server = try Self.start()
        let malformed = try await server.client.postJSON("/echo", "{\"name\":")
        #expect(malformed.status == 400)
        let wrongType = try await server.client.postJSON("/echo", #"{"name": 5}"#)
        #expect(wrongType.status == 400)
        #expect(try wrongType.json()["detail"] as? String == "Field \"name\" must be a string.")
        let notJSON = try await server.client.request(
            "POST",
            "/echo",
            headers: ["Content-Type": "text/plain"],
            body: Data("name=x".utf8)
        )
        #expect(notJSON.status == 415)
        let unknown = try await server.client.get("/no/such/thing")
        #expect(unknown.status == 404)
        #expect(unknown.headers["content-type"] == "application/problem+json")
        let wrongMethod = try await server.client.request("DELETE", "/healthz")
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.headers["allow"] == "GET, HEAD")
        await server.stop()
    }

    @Test func invalidUTF8AndNULInThePathAreHarmless() async throws {
        let server = try Self.start()
        var raw = Data("GET /echo?q=".utf8)
        raw += Data([0xFF, 0xFE, 0x25, 0x30, 0x30])
        raw += Data(" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8)
        let reply = try await server.client.send(raw)
        #expect(reply.status < 500)
        let after = try await server.client.get("/healthz")
        #expect(after.status == 200)
        await server.stop()
    }

    @Test func anEncodedNULInTheURLIs400NotATruncatedPath() async throws {
        let server = try Self.start()
        for path in ["/healthz%00junk", "/echo?q=a%00b", "/%00"] {
            let reply = try await server.client.get(path)
            #expect(reply.status == 400, "\(path)")
            #expect(reply.headers["content-type"] == "application/problem+json")
        }
        #expect(try await server.client.get("/healthz").status == 200)
        await server.stop()
    }

    @Test func aSlowClientDoesNotStallOthers() async throws {
        let server = try Self.start { $0.connectionTimeout = 2 }
        // Ten connections that send half a request head and then nothing.
        let stalled = try (0..<10).map { _ in try RawHTTPClient.connect(port: server.server.port) }
        for fd in stalled { RawHTTPClient.writeAll(fd, Data("GET /healthz HTTP/1.1\r\nHost: x\r\n".utf8)) }
        for _ in 0..<20 {
            let reply = try await server.client.get("/healthz")
            #expect(reply.status == 200)
        }
        for fd in stalled { close(fd) }
        await server.stop()
    }

    @Test func shutdownLetsRequestsInFlightFinish() async throws {
        let server = try Self.start()
        let client = server.client
        async let first = client.get("/slow?s=1")
        async let second = client.get("/slow?s=1")
        try await Self.waitUntil { server.server.runningRequests == 2 }
        await server.stop()
        #expect(try await first.status == 200)
        #expect(try await second.status == 200)
        await #expect(throws: (any Error).self) { try await client.get("/healthz") }
    }

    @Test func aClientThatHangsUpDuringItsHandlerLeavesNothingSuspended() async throws {
        let server = try Self.start()
        for _ in 0..<5 {
            let fd = try RawHTTPClient.connect(port: server.server.port)
            RawHTTPClient.writeAll(fd, Data("GET /slow?s=0.3 HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
            try await Self.waitUntil { server.server.runningRequests > 0 }
            close(fd)
        }
        try await Self.waitUntil { server.server.runningRequests == 0 && server.server.suspendedConnections == 0 }
        await server.stop()
    }

    @Test func shutdownFailsOverrunningRequestsWith503AfterTheGrace() async throws {
        let server = try Self.start { $0.shutdownGrace = .milliseconds(200) }
        let client = server.client
        async let stuck = client.get("/stubborn")
        try await Self.waitUntil { server.server.runningRequests == 1 }
        await server.stop()
        let reply = try await stuck
        #expect(reply.status == 503)
        #expect(reply.headers["retry-after"] == "1")
    }
}
