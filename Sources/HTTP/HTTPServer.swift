internal import CMicroHTTPD
import Foundation
import Logging
import Synchronization

/// An HTTP/1.1 server on libmicrohttpd whose handlers are Swift `async` code.
///
/// libmicrohttpd's few threads only parse and write. When a request is complete, the bridge suspends its connection,
/// runs the responder in a Task on Swift's pool, and resumes the connection when the response is ready; the response
/// is then queued on libmicrohttpd's own thread. So a handler that awaits for seconds holds no libmicrohttpd thread.
///
/// `@unchecked Sendable`: the daemon pointer and counters live in `state`, a mutex; the rest is immutable.
public final class HTTPServer: @unchecked Sendable {
    /// `@unchecked Sendable`: libmicrohttpd's daemon calls are thread-safe; the pointer is only a handle.
    struct Daemon: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    struct State {
        var daemon: Daemon?
        var draining = false
        /// Requests whose handler is running (their connections suspended), for the deadline reaper and shutdown.
        var running: [ObjectIdentifier: RequestContext] = [:]
        /// Connections suspended and not yet answered: `MHD_stop_daemon` aborts while any exist.
        var suspended = 0
        /// Requests handed to a handler whose response has not been fully sent yet: shutdown waits for these, or
        /// stopping the daemon would cut off a response it has just queued.
        var unfinished = 0
        var port: UInt16 = 0
        /// Shutdown waiting for `running` or `unfinished` to reach zero, by waiter id.
        var waiters: [Int: (Quiet, CheckedContinuation<Void, Never>)] = [:]
        var nextWaiter = 0

        func holds(_ quiet: Quiet) -> Bool {
            switch quiet {
            case .noHandlerRunning: running.isEmpty
            case .everyResponseSent: unfinished == 0
            }
        }
    }

    /// What shutdown waits for.
    enum Quiet {
        case noHandlerRunning
        case everyResponseSent
    }

    public let configuration: ServerConfiguration
    let responder: any Responder
    /// The responder's router, when it has one: each request is routed once, as its head is read.
    let routing: (any RequestRouting)?
    /// The responder's on-the-spot answers, when it has them and the configuration allows.
    let immediate: (any ImmediateResponder)?
    let observer: (any RequestObserver)?
    let logger: Logger
    let state = Mutex(State())
    /// How long a handler runs before its client's socket is watched for a hang-up: a handler that answers
    /// within it, as nearly all do, never costs a watch.
    static let hangUpWatchDelay: Duration = .milliseconds(200)
    /// Connections whose raw request line holds `%00`. libmicrohttpd decodes the path in place, and a decoded NUL
    /// would end it early (`/a%00junk` read as `/a`); the raw URI is seen only here, before decoding.
    let encodedNUL = Mutex<Set<UInt>>([])

    /// - Parameters:
    ///   - responder: answers every request, in a Task; when it is a `RequestRouting` (a `Router`, or middleware
    ///     around one), requests are routed once as their head is read; when it is an `ImmediateResponder`, what
    ///     it can answer from memory is answered on libmicrohttpd's thread.
    ///   - observer: told of every answer, errors, deadline and shutdown answers included.
    public init(
        configuration: ServerConfiguration,
        responder: any Responder,
        observer: (any RequestObserver)? = nil,
        logger: Logger
    ) {
        self.configuration = configuration
        self.responder = responder
        self.routing = responder as? any RequestRouting
        self.immediate = configuration.immediateAnswers ? responder as? any ImmediateResponder : nil
        self.observer = observer
        self.logger = logger
    }

    /// The port the server listens on: the configured one, or the one the kernel chose for port 0.
    public var port: UInt16 { state.withLock { $0.port } }

    public var runningRequests: Int { state.withLock { $0.running.count } }

    /// Connections suspended and not yet answered or gone: shutdown may stop the daemon only at zero.
    public var suspendedConnections: Int { state.withLock { $0.suspended } }

    public func start() throws {
        var options = cmhd_options()
        options.flags =
            UInt32(MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_EPOLL.rawValue)
            | UInt32(MHD_ALLOW_SUSPEND_RESUME.rawValue) | UInt32(MHD_USE_ERROR_LOG.rawValue)
        options.port = configuration.port
        options.thread_pool_size = UInt32(max(1, configuration.threads))
        options.connection_timeout = UInt32(configuration.connectionTimeout)
        options.connection_limit = UInt32(configuration.connectionLimit)
        options.per_ip_connection_limit = UInt32(configuration.perAddressConnectionLimit)
        options.connection_memory_limit = 64 * 1024
        let me = Unmanaged.passUnretained(self).toOpaque()
        let daemon = configuration.host.withCString { host -> OpaquePointer? in
            options.host = host
            return cmhd_start(&options, accessHandler, me, requestCompleted, me, rawURIObserver, me)
        }
        guard let daemon else { throw ServerError.cannotListen(host: configuration.host, port: configuration.port) }
        let bound = cmhd_bound_port(daemon)
        state.withLock {
            $0.daemon = Daemon(pointer: daemon)
            $0.port = bound
        }
        logger.info("listening", metadata: ["http.host": "\(configuration.host)", "http.port": "\(bound)"])
    }

    /// Stops accepting, lets requests in flight finish (up to the grace period, then answers them 503), and stops.
    /// When the calling task is cancelled (a second signal), the grace period ends at once.
    /// Never calls `MHD_stop_daemon` while a connection is suspended: libmicrohttpd would abort the process.
    public func shutdown() async {
        let handle = state.withLock { state -> Daemon? in
            state.draining = true
            return state.daemon
        }
        guard let daemon = handle?.pointer else { return }
        let listener = MHD_quiesce_daemon(daemon)
        if listener >= 0 { close(listener) }
        let clock = ContinuousClock()
        await wait(until: .noHandlerRunning, orUntil: clock.now + configuration.shutdownGrace)
        let overdue = state.withLock { Array($0.running.values) }
        for context in overdue {
            if context.complete(with: HTTPError.serviceUnavailable("The server is shutting down.").response) {
                context.task?.cancel()
            }
        }
        // Bounded even when cancelled: stopping the daemon would cut off responses just queued.
        await Task.detached { [self] in
            await wait(until: .everyResponseSent, orUntil: clock.now + .seconds(5))
        }.value
        let stillSuspended = state.withLock { state -> Int in
            if state.suspended == 0 { state.daemon = nil }
            return state.suspended
        }
        if stillSuspended == 0 {
            MHD_stop_daemon(daemon)
            logger.info("stopped")
        } else {
            logger.error(
                "connections still suspended; leaving the daemon to the process exit",
                metadata: ["count": "\(stillSuspended)"]
            )
        }
    }

    /// Returns when `quiet` holds or at `deadline`, whichever is first: a task-group timeout, no polling.
    func wait(until quiet: Quiet, orUntil deadline: ContinuousClock.Instant) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.wait(until: quiet) }
            group.addTask { try? await Task.sleep(until: deadline, clock: .continuous) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Returns when `quiet` holds, or when the task is cancelled.
    private func wait(until quiet: Quiet) async {
        let id = state.withLock { state -> Int in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state -> Bool in
                    if state.holds(quiet) || Task.isCancelled { return true }
                    state.waiters[id] = (quiet, continuation)
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.1.resume()
        }
    }

    /// Changes the counters, then wakes whoever waits for a state that now holds.
    private func update(_ change: (inout State) -> Void) {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            change(&state)
            let ids = state.waiters.filter { state.holds($0.value.0) }.map(\.key)
            return ids.compactMap { state.waiters.removeValue(forKey: $0)?.1 }
        }
        for continuation in ready { continuation.resume() }
    }

    // MARK: - Called on libmicrohttpd's threads

    /// The answer on the spot, when the responder has one; an error thrown is mapped like any other.
    func respondImmediately(_ request: Request) -> Response? {
        guard let immediate else { return nil }
        do {
            return try immediate.respondImmediately(to: request)
        } catch {
            return ErrorMiddleware.response(for: error, request: request, logger: logger)
        }
    }

    var isDraining: Bool { state.withLock { $0.draining } }

    /// Suspends the connection, then starts the handler: suspension must come first, or a fast handler could
    /// try to resume a connection not yet suspended.
    func dispatch(_ context: RequestContext) {
        MHD_suspend_connection(context.connection)
        let deadline = ContinuousClock.now + configuration.handlerDeadline
        let request = context.request
        let responder = self.responder
        let logger = self.logger
        context.dispatched = true
        update {
            $0.suspended += 1
            $0.unfinished += 1
            $0.running[ObjectIdentifier(context)] = context
        }
        context.phase.withLock { $0 = .running(nil) }
        // Read here, on libmicrohttpd's thread, while the connection is surely alive: the watch reads it later.
        context.socket = cmhd_connection_fd(context.connection)
        let task = Task { [weak self] in
            // The handler races the deadline: whichever finishes first completes the request, the other is
            // cancelled. libmicrohttpd never times out a suspended connection, so the deadline must be kept here.
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    let response: Response
                    do {
                        response = try await responder.respond(to: request)
                    } catch {
                        response = ErrorMiddleware.response(for: error, request: request, logger: logger)
                    }
                    context.complete(with: response)
                }
                group.addTask {
                    do {
                        try await Task.sleep(for: Self.hangUpWatchDelay)
                        // Still running: watch the client's socket, and cancel the handler if it hangs up.
                        context.watchForHangUp { [weak context] in context?.task?.cancel() }
                        try await Task.sleep(until: deadline, clock: .continuous)
                    } catch {
                        return
                    }
                    let timeout = HTTPError.gatewayTimeout("The server took too long to answer; try again.")
                    if context.complete(with: timeout.response) {
                        logger.warning("handler overran its deadline", metadata: ["http.path": "\(context.path)"])
                    }
                }
                await group.next()
                group.cancelAll()
            }
            self?.update { _ = $0.running.removeValue(forKey: ObjectIdentifier(context)) }
        }
        context.phase.withLock { phase in
            if case .running = phase { phase = .running(task) }
        }
        // A client gone before the Task was stored: cancelled here.
        if context.hungUp { task.cancel() }
    }

    /// Called when a resumed connection's response has been queued.
    func didAnswerSuspended(_ context: RequestContext) {
        context.resumedAndAnswered = true
        update {
            $0.suspended -= 1
            $0.running.removeValue(forKey: ObjectIdentifier(context))
        }
    }

    /// Called by libmicrohttpd when a request is over: its response sent, or its connection gone. A client that
    /// hung up while its handler ran never gets the call that queues the answer, so its connection stops counting
    /// as suspended here: libmicrohttpd only ends a connection it has resumed.
    func didFinish(_ context: RequestContext) {
        guard context.dispatched else { return }
        let unanswered = !context.resumedAndAnswered
        update {
            $0.unfinished -= 1
            if unanswered { $0.suspended -= 1 }
        }
    }

    func log(_ context: RequestContext, status: HTTPStatus) {
        let elapsed = ContinuousClock.now - context.started
        let ms = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        observer?.didAnswer(
            method: context.method,
            path: context.path,
            route: context.route,
            status: status,
            seconds: ms / 1000
        )
        logger.info(
            "\(context.method) \(context.path) \(status) \(String(format: "%.1f", ms))ms",
            metadata: [
                "http.method": "\(context.method)", "http.path": "\(context.path)",
                "http.route": "\(context.route ?? "-")", "http.status": "\(status)",
            ]
        )
    }
}

public enum ServerError: Error, CustomStringConvertible {
    case cannotListen(host: String, port: UInt16)

    public var description: String {
        switch self {
        case .cannotListen(let host, let port):
            "cannot listen on \(host):\(port) (address in use, not an IPv4 address, or not allowed)"
        }
    }
}
