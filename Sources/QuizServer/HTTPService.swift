import HTTP
import ServiceLifecycle

/// The HTTP server as a service of `serve`'s group: it listens when the group runs it, and on graceful shutdown
/// stops accepting, lets the requests in flight finish (up to the grace period) and stops. Cancelled (a second
/// signal, or another service failing), it fails the requests in flight at once. A failure to listen is thrown,
/// which stops the whole group.
struct HTTPService: Service {
    let server: HTTPServer
    /// Called once the server listens, with the port it listens on (the kernel's pick for port 0).
    let onListening: @Sendable (UInt16) -> Void

    func run() async throws {
        try server.start()
        onListening(server.port)
        try? await gracefulShutdown()
        await server.shutdown()
    }
}
