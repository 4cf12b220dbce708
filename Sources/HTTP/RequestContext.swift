import CMicroHTTPD
import Foundation
import Synchronization

/// The state of one request while libmicrohttpd owns its connection. It lives from the first call of the access
/// handler (headers) to the completion callback, kept alive by an unmanaged retain stored in `con_cls`.
///
/// `@unchecked Sendable`: the fields set while receiving are written only on the connection's libmicrohttpd thread
/// before the handler Task starts (the Task start is the happens-before edge); what the Task and the deadline reaper
/// share afterwards is in the `phase` mutex.
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
    var deadline: ContinuousClock.Instant = .now

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

    var request: Request {
        Request(method: method, path: path, query: query, headers: headers, body: body, remoteAddress: remoteAddress)
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
        if won { MHD_resume_connection(connection) }
        return won
    }

    /// The handler Task, to cancel when the deadline wins.
    var task: Task<Void, Never>? {
        phase.withLock { phase in
            if case .running(let task) = phase { return task }
            return nil
        }
    }
}
