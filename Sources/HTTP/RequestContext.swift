internal import CMicroHTTPD
import Foundation
import Synchronization

/// The state of one request while libmicrohttpd owns its connection. It lives from the first call of the access
/// handler (headers) to the completion callback, kept alive by an unmanaged retain stored in `con_cls`.
///
/// `@unchecked Sendable`: the fields set while receiving are written only on the connection's libmicrohttpd thread
/// before the handler Task starts (the Task start is the happens-before edge); what the Task, its deadline and
/// shutdown share afterwards is in the `phase` mutex.
final class RequestContext: @unchecked Sendable {
    enum Phase {
        case receiving
        /// Suspended, the handler running; it or the deadline completes the request.
        case running(Task<Void, Never>?)
        /// Resumed with this response, which the libmicrohttpd thread queues on its next call.
        case ready(Response)
        case sent
    }

    let connection: OpaquePointer
    let method: String
    let path: String
    let version: String
    let headers: HTTPHeaders
    let query: [String: String]
    let started = ContinuousClock.now
    var body = Data()
    var oversized = false
    var discardedBytes = 0
    var remoteAddress: String?
    /// Whether a handler was started for this request (set on the libmicrohttpd thread before the Task starts).
    var dispatched = false
    /// Whether a response was queued at the first call, before any body (413, 400, 503).
    var answeredEarly = false
    /// Whether the response the handler left was queued (on the libmicrohttpd thread, after the resume).
    var resumedAndAnswered = false
    let phase = Mutex<Phase>(.receiving)

    /// The watch on the client's socket while the handler runs (see `watchForHangUp`).
    /// `@unchecked Sendable`: a dispatch source is safe to cancel from any thread.
    private struct Source: @unchecked Sendable {
        let source: any DispatchSourceRead
    }
    private struct Watch {
        var started = false
        var source: Source?
        /// The request has been completed; the connection is resumed once the source is gone.
        var completed = false
        /// The client hung up (before the handler's Task may have been known).
        var hungUp = false
    }
    private let watch = Mutex(Watch())
    private static let watchQueue = DispatchQueue(label: "http.hang-ups", attributes: .concurrent)

    init(
        connection: OpaquePointer,
        method: String,
        path: String,
        version: String,
        headers: HTTPHeaders,
        query: [String: String]
    ) {
        self.connection = connection
        self.method = method
        self.path = path
        self.version = version
        self.headers = headers
        self.query = query
    }

    /// The request's pattern, decided once when its head was read (see `route(with:)`).
    private(set) var route: String?
    private var destination: Router.Destination?
    private var parameters: [String: String] = [:]

    /// Routes the request once, on libmicrohttpd's thread as its head is read: the decision travels with the
    /// request to the handler, and its pattern to the log and the metrics.
    func route(with routing: (any RequestRouting)?) {
        guard let routing else { return }
        var head = Request(method: method, path: path, query: query, headers: headers)
        routing.route(&head)
        route = head.route
        destination = head.destination
        parameters = head.parameters
    }

    var request: Request {
        var request = Request(
            method: method,
            path: path,
            query: query,
            headers: headers,
            body: body,
            remoteAddress: remoteAddress
        )
        request.route = route
        request.destination = destination
        request.parameters = parameters
        return request
    }

    /// Stores the response and resumes the connection, once: the first of handler and deadline wins.
    /// - Returns: whether this call completed the request.
    @discardableResult
    func complete(with response: Response) -> Bool {
        let won = phase.withLock { phase -> Bool in
            guard case .running = phase else { return false }
            phase = .ready(response)
            return true
        }
        guard won else { return false }
        // The socket must stay open while a dispatch source watches it: with one, the connection is resumed
        // (and may then be closed by libmicrohttpd) only from the source's cancel handler.
        let watching = watch.withLock { watch -> Source? in
            watch.completed = true
            return watch.source
        }
        if let watching {
            watching.source.cancel()
        } else {
            MHD_resume_connection(connection)
        }
        return true
    }

    /// The connection's socket, read on libmicrohttpd's thread at dispatch; -1 when unknown.
    var socket: Int32 = -1

    /// Watches the connection's socket while the handler runs: libmicrohttpd does not look at a suspended
    /// connection, so a client that hangs up (end of stream, or a reset) would otherwise go unnoticed until the
    /// handler ends. Then `onHangUp` runs, once (it cancels the handler's Task: a submission waiting for a grader
    /// leaves the queue). Bytes from the client (a pipelined request) end the watch without a call: they cannot
    /// tell. Started at most once, and never once the request is complete (checked under the same lock as
    /// `complete`), so the socket is open for as long as it is watched; the watch always ends before the resume.
    func watchForHangUp(onHangUp: @escaping @Sendable () -> Void) {
        let socket = self.socket
        guard socket >= 0 else { return }
        watch.withLock { watch in
            guard !watch.started, !watch.completed else { return }
            watch.started = true
            let source = DispatchSource.makeReadSource(fileDescriptor: socket, queue: Self.watchQueue)
            source.setEventHandler { [weak self] in
                var byte: UInt8 = 0
                let read = recv(socket, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
                if read < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return }
                if read <= 0 {
                    self?.watch.withLock { $0.hungUp = true }
                    onHangUp()
                }
                self?.stopWatching()
            }
            source.setCancelHandler { [weak self] in
                guard let self else { return }
                let resume = self.watch.withLock { watch -> Bool in
                    watch.source = nil
                    return watch.completed
                }
                if resume { MHD_resume_connection(self.connection) }
            }
            watch.source = Source(source: source)
            source.resume()
        }
    }

    /// Whether the client hung up while its handler ran.
    var hungUp: Bool { watch.withLock { $0.hungUp } }

    private func stopWatching() {
        watch.withLock { $0.source }?.source.cancel()
    }

    /// The handler Task, to cancel when the deadline wins.
    var task: Task<Void, Never>? {
        phase.withLock { phase in
            if case .running(let task) = phase { return task }
            return nil
        }
    }
}
