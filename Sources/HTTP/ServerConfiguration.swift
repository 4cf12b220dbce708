import Foundation

/// How the HTTP server listens and what it tolerates.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: UInt16
    /// libmicrohttpd's own threads, which only do I/O and parsing: handlers run on Swift's pool. Default: the
    /// number of cores.
    public var threads: Int
    /// Seconds an idle or dribbling connection may live.
    public var connectionTimeout: Int
    public var connectionLimit: Int
    public var perAddressConnectionLimit: Int
    /// The largest request body accepted, in bytes; a larger one gets 413.
    public var maxBodySize: Int
    /// Larger limits for some routes, by exact path or by a prefix ending in `/` (a teacher's bank of code questions
    /// is bigger than any other body); every other path has `maxBodySize`.
    public var bodyLimits: [String: Int]
    /// A suspended connection never times out by itself, so the Swift side answers 503 when a handler overruns this.
    public var handlerDeadline: Duration
    /// How long shutdown waits for requests in flight before failing them with 503.
    public var shutdownGrace: Duration
    /// Whether routes that answer from memory run on libmicrohttpd's thread (see `ImmediateResponder`); false runs
    /// every handler as a Task (for measuring the bridge).
    public var immediateAnswers: Bool

    public init(
        host: String = "127.0.0.1",
        port: UInt16 = 8080,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount,
        connectionTimeout: Int = 30,
        connectionLimit: Int = 4096,
        perAddressConnectionLimit: Int = 0,
        maxBodySize: Int = 64 * 1024,
        handlerDeadline: Duration = .seconds(30),
        shutdownGrace: Duration = .seconds(10),
        bodyLimits: [String: Int] = [:],
        immediateAnswers: Bool = true
    ) {
        self.host = host
        self.port = port
        self.threads = threads
        self.connectionTimeout = connectionTimeout
        self.connectionLimit = connectionLimit
        self.perAddressConnectionLimit = perAddressConnectionLimit
        self.maxBodySize = maxBodySize
        self.bodyLimits = bodyLimits
        self.handlerDeadline = handlerDeadline
        self.shutdownGrace = shutdownGrace
        self.immediateAnswers = immediateAnswers
    }

    /// The most bytes a request's body to this path may have.
    public func maxBodySize(for path: String) -> Int {
        if let limit = bodyLimits[path] { return limit }
        for (prefix, limit) in bodyLimits where prefix.hasSuffix("/") && path.hasPrefix(prefix) { return limit }
        return maxBodySize
    }
}
