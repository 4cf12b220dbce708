import Foundation
import HTTP
import Testing

/// Static files from a temporary `Public/`, live over HTTP, including every way out that must not work.
@Suite("Static files, live", .serialized)
struct StaticFileTests {
    static func makeSite() throws -> (root: URL, server: TestServer) {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("site-\(UUID().uuidString)")
        let root = base.appendingPathComponent("Public")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("js"),
            withIntermediateDirectories: true
        )
        try "<!doctype html><title>home</title>".write(
            to: root.appendingPathComponent("index.html"),
            atomically: true,
            encoding: .utf8
        )
        try String(repeating: "export const x = 1;\n", count: 200)
            .write(to: root.appendingPathComponent("js/app.js"), atomically: true, encoding: .utf8)
        try "body{}".write(to: root.appendingPathComponent("style.css"), atomically: true, encoding: .utf8)
        try "TOP-SECRET-CONTENT".write(to: base.appendingPathComponent("secret.txt"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(
            atPath: root.appendingPathComponent("escape.txt").path,
            withDestinationPath: base.appendingPathComponent("secret.txt").path
        )
        try FileManager.default.createSymbolicLink(
            atPath: root.appendingPathComponent("etc").path,
            withDestinationPath: "/etc"
        )
        let server = try TestServer.start(
            MiddlewareChain([ErrorMiddleware(logger: .init(label: "t"))], responder: FileServer(root: root.path))
        )
        return (base, server)
    }

    @Test func indexIsServedAtTheRootWithItsType() async throws {
        let (base, server) = try Self.makeSite()
        let reply = try await server.client.get("/")
        #expect(reply.status == 200)
        #expect(reply.headers["content-type"] == "text/html; charset=utf-8")
        #expect(reply.text.contains("<title>home</title>"))
        #expect(try await server.client.get("/style.css").headers["content-type"] == "text/css; charset=utf-8")
        #expect(try await server.client.get("/js/app.js").headers["content-type"] == "text/javascript; charset=utf-8")
        await server.stop()
        try? FileManager.default.removeItem(at: base)
    }

    @Test func anUnchangedFileIs304WithItsETag() async throws {
        let (base, server) = try Self.makeSite()
        let first = try await server.client.get("/js/app.js")
        let tag = try #require(first.headers["etag"])
        let second = try await server.client.get("/js/app.js", headers: ["If-None-Match": tag])
        #expect(second.status == 304)
        #expect(second.body.isEmpty)
        let other = try await server.client.get("/js/app.js", headers: ["If-None-Match": "\"nope\""])
        #expect(other.status == 200)
        await server.stop()
        try? FileManager.default.removeItem(at: base)
    }

    @Test func textIsGzippedWhenTheClientAcceptsIt() async throws {
        let (base, server) = try Self.makeSite()
        let plain = try await server.client.get("/js/app.js")
        let zipped = try await server.client.get("/js/app.js", headers: ["Accept-Encoding": "gzip, br"])
        #expect(zipped.headers["content-encoding"] == "gzip")
        #expect(zipped.body.count < plain.body.count / 4)
        #expect(zipped.body.prefix(2) == Data([0x1f, 0x8b]))
        #expect(zipped.headers["etag"] != plain.headers["etag"])
        #expect(plain.headers["content-encoding"] == nil)
        await server.stop()
        try? FileManager.default.removeItem(at: base)
    }

    @Test(arguments: [
        "/../secret.txt", "/%2e%2e/secret.txt", "/js/%2e%2e/%2e%2e/secret.txt", "/..%2fsecret.txt",
        "/js%2f..%2f..%2fsecret.txt",
        "/escape.txt", "/etc/passwd", "/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/....//secret.txt",
        "/.%2e/secret.txt",
    ])
    func thereIsNoWayOutOfPublic(path: String) async throws {
        let (base, server) = try Self.makeSite()
        let reply = try await server.client.get(path)
        #expect(reply.status == 404)
        #expect(!reply.text.contains("TOP-SECRET-CONTENT"))
        #expect(!reply.text.contains("root:"))
        await server.stop()
        try? FileManager.default.removeItem(at: base)
    }
}
