import Synchronization

/// Hands out a fixed number of slots (graders) fairly among clients.
///
/// - Clients are served in turn (round-robin); each client's own requests in the order they came (FIFO).
/// - No client holds more than `perClient` slots at once, even when others are free: a client that sends many
///   submissions waits behind its own, and never keeps another client from the next free grader.
/// - A client that has just been served goes to the back of the turn: a client with one submission waiting is
///   served before the later submissions of a client that has many.
/// - At most `waitingLimit` requests wait, in all; past it `acquire` throws `GradingError.queueFull` at once.
/// - With a `maxWait`, a request that would wait longer than that (estimated from the typical time a slot is held)
///   is refused at once as well, with the same `queueFull`: better a 429 with `Retry-After` now than a handler
///   deadline's 503 after half a minute.
/// - A `background` request (a regrade's) gets a slot only when no other request can use it: it waits in a line of
///   its own, in arrival order, behind every client's turn, and neither counts against `waitingLimit` nor adds to
///   the wait a student is told to expect. Its holder keeps the slot for one grading, so a student who comes while
///   a regrade runs waits at most that long.
///
/// Waiting is a continuation, never a poll. A waiting request whose task is cancelled (its client hung up, or the
/// handler's deadline passed) leaves the queue at once and throws `CancellationError`. All state is behind one
/// mutex, so cancellation is handled synchronously, without hopping to an actor.
public final class FairQueue: Sendable {
    /// A held slot; give it back with `release(_:)` exactly once.
    public struct Ticket: Sendable, Hashable {
        let id: UInt64
        /// Who holds the slot.
        public let client: String
        let granted: ContinuousClock.Instant

        public static func == (lhs: Ticket, rhs: Ticket) -> Bool { lhs.id == rhs.id }
        public func hash(into hasher: inout Hasher) { hasher.combine(id) }
    }

    /// What the queue holds at one moment.
    public struct Snapshot: Sendable, Equatable {
        /// Slots held now.
        public var busy: Int
        /// Requests waiting for a slot, in all.
        public var waiting: Int
        /// Slots held now, per client (only clients that hold one).
        public var holding: [String: Int]
        /// Requests waiting, per client (only clients that have one waiting).
        public var waitingByClient: [String: Int]
    }

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<ContinuousClock.Instant, any Error>
    }

    private struct State {
        var busy = 0
        var holding: [String: Int] = [:]
        /// Each client's waiting requests, oldest first; a client with none has no entry.
        var queues: [String: FIFO<Waiter>] = [:]
        /// Clients whose turn it may be, in turn order. An entry counts only while its generation is the client's
        /// current one in `turnGeneration`: moving a client to the back is a new entry, the old one goes stale.
        var turns = FIFO<(client: String, generation: UInt64)>()
        var turnGeneration: [String: UInt64] = [:]
        var waiting = 0
        /// Background requests waiting, oldest first (served only when no client's turn can use a free slot).
        var background = FIFO<(client: String, waiter: Waiter)>()
        var nextID: UInt64 = 0
        var closed = false
        /// Seconds a slot is held, typically: the median of the last `holdSamples` holds (robust to the odd slow
        /// one, a sandbox restart say), or the first estimate until there are 5. For `Retry-After` and `maxWait`.
        var typicalHold = 0.02
        var holds: [Double] = []
        var nextHold = 0
    }

    /// Slots to hand out: graders.
    public let capacity: Int
    /// The most slots one client holds at once.
    public let perClient: Int
    /// The most requests that may wait, in all.
    public let waitingLimit: Int
    /// Seconds a new request may be expected to wait at most; nil: no such limit.
    public let maxWait: Double?
    private let state = Mutex(State())

    /// - Parameters:
    ///   - capacity: slots (graders), at least 1.
    ///   - perClient: the most slots one client holds at once, at least 1.
    ///   - waitingLimit: the most requests waiting in all, 0 or more; past it, `queueFull`.
    ///   - maxWait: seconds; a request expected to wait longer gets `queueFull` at once. nil: no such limit.
    ///   - expectedHold: seconds a slot is held, the first estimate (then learnt from every release).
    public init(
        capacity: Int,
        perClient: Int = 1,
        waitingLimit: Int,
        maxWait: Double? = nil,
        expectedHold: Double = 0.02
    ) {
        self.capacity = max(1, capacity)
        self.perClient = max(1, perClient)
        self.waitingLimit = max(0, waitingLimit)
        self.maxWait = maxWait
        state.withLock { $0.typicalHold = max(0, expectedHold) }
    }

    /// Waits for a slot for `client` (a student id, or an address; any string naming who sends the work).
    /// - Returns: the ticket to release once the work is done.
    /// - Throws: `GradingError.queueFull(retryAfter:)` at once when `waitingLimit` requests already wait,
    ///   `GradingError.shuttingDown` when closed, `CancellationError` when the waiting task is cancelled.
    /// - Parameter background: served only when no other request waits that could use the slot (see the type).
    public func acquire(client: String, background: Bool = false) async throws -> Ticket {
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        let granted = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation {
                (continuation: CheckedContinuation<ContinuousClock.Instant, any Error>) in
                enqueue(Waiter(id: id, continuation: continuation), client: client, background: background)
            }
        } onCancel: {
            let removed = state.withLock { state -> Waiter? in
                if background { return state.background.remove(where: { $0.waiter.id == id })?.waiter }
                guard let waiter = state.queues[client]?.remove(where: { $0.id == id }) else { return nil }
                state.waiting -= 1
                if state.queues[client]?.isEmpty == true { state.queues[client] = nil }
                return waiter
            }
            removed?.continuation.resume(throwing: CancellationError())
        }
        return Ticket(id: id, client: client, granted: granted)
    }

    private enum Admission {
        case granted(ContinuousClock.Instant)
        case refused(any Error)
        case waiting
    }

    private func enqueue(_ waiter: Waiter, client: String, background: Bool = false) {
        let admission = state.withLock { state -> Admission in
            if state.closed { return .refused(GradingError.shuttingDown) }
            // Checked under the lock: a cancellation that came before this point found nothing to remove.
            if Task.isCancelled { return .refused(CancellationError()) }
            let held = state.holding[client, default: 0]
            // Free slots mean no one eligible is waiting (every release hands its slot on), so no one is passed.
            if state.busy < capacity, held < perClient {
                state.busy += 1
                state.holding[client] = held + 1
                return .granted(.now)
            }
            if background {
                state.background.append((client, waiter))
                return .waiting
            }
            guard state.waiting < waitingLimit else {
                return .refused(GradingError.queueFull(retryAfter: Self.retryAfter(state, capacity: capacity)))
            }
            let expected = Self.expectedWait(state, capacity: capacity)
            if let maxWait, expected > maxWait {
                let seconds = max(1, min(300, Int((expected - maxWait).rounded(.up))))
                return .refused(GradingError.queueFull(retryAfter: seconds))
            }
            state.queues[client, default: FIFO()].append(waiter)
            state.waiting += 1
            if held < perClient, state.turnGeneration[client] == nil { Self.takeTurn(&state, client) }
            return .waiting
        }
        switch admission {
        case .granted(let now): waiter.continuation.resume(returning: now)
        case .refused(let error): waiter.continuation.resume(throwing: error)
        case .waiting: break
        }
    }

    /// Gives the slot back; the next client in turn gets it.
    public func release(_ ticket: Ticket) {
        let handed = state.withLock { state -> [(Waiter, ContinuousClock.Instant)] in
            state.busy -= 1
            let held = state.holding[ticket.client, default: 1] - 1
            state.holding[ticket.client] = held > 0 ? held : nil
            let hold = ContinuousClock.now - ticket.granted
            let seconds = Double(hold.components.seconds) + Double(hold.components.attoseconds) / 1e18
            Self.record(hold: seconds, in: &state)
            // The client just served goes behind everyone waiting now.
            if state.queues[ticket.client] != nil, held < perClient { Self.takeTurn(&state, ticket.client) }
            return Self.handOut(&state, capacity: capacity, perClient: perClient)
        }
        for (waiter, now) in handed { waiter.continuation.resume(returning: now) }
    }

    /// Refuses new requests and fails every waiting one with `shuttingDown`. Held slots stay held until released.
    public func close() {
        let waiters = state.withLock { state -> [Waiter] in
            state.closed = true
            var all: [Waiter] = []
            for (_, var queue) in state.queues {
                while let waiter = queue.popFirst() { all.append(waiter) }
            }
            state.queues.removeAll()
            state.turns = FIFO()
            state.turnGeneration.removeAll()
            state.waiting = 0
            while let entry = state.background.popFirst() { all.append(entry.waiter) }
            return all
        }
        for waiter in waiters { waiter.continuation.resume(throwing: GradingError.shuttingDown) }
    }

    public var snapshot: Snapshot {
        state.withLock { state in
            Snapshot(
                busy: state.busy,
                waiting: state.waiting,
                holding: state.holding,
                waitingByClient: state.queues.mapValues(\.count)
            )
        }
    }

    /// Requests waiting, in all.
    public var waiting: Int { state.withLock { $0.waiting } }
    /// Background requests waiting (not counted in `waiting`).
    public var waitingInBackground: Int { state.withLock { $0.background.count } }
    /// Slots held now.
    public var busy: Int { state.withLock { $0.busy } }

    // MARK: - Under the lock

    /// Puts the client at the back of the turn order (a former place goes stale).
    private static func takeTurn(_ state: inout State, _ client: String) {
        state.nextID += 1
        state.turnGeneration[client] = state.nextID
        state.turns.append((client, state.nextID))
    }

    /// Hands free slots to the clients in turn.
    private static func handOut(
        _ state: inout State,
        capacity: Int,
        perClient: Int
    ) -> [(Waiter, ContinuousClock.Instant)] {
        var handed: [(Waiter, ContinuousClock.Instant)] = []
        while state.busy < capacity, let turn = state.turns.popFirst() {
            guard state.turnGeneration[turn.client] == turn.generation else { continue }
            state.turnGeneration[turn.client] = nil
            let held = state.holding[turn.client, default: 0]
            // A client that holds its share comes back into the turn order when it releases one.
            guard held < perClient, let waiter = state.queues[turn.client]?.popFirst() else { continue }
            if state.queues[turn.client]?.isEmpty == true { state.queues[turn.client] = nil }
            state.waiting -= 1
            state.busy += 1
            state.holding[turn.client] = held + 1
            if held + 1 < perClient, state.queues[turn.client] != nil { takeTurn(&state, turn.client) }
            handed.append((waiter, .now))
        }
        // Slots no client's turn could use go to the background line.
        while state.busy < capacity, let entry = state.background.popFirst() {
            state.busy += 1
            state.holding[entry.client, default: 0] += 1
            handed.append((entry.waiter, .now))
        }
        return handed
    }

    /// How many recent holds the typical hold is the median of.
    static let holdSamples = 31

    private static func record(hold seconds: Double, in state: inout State) {
        if state.holds.count < holdSamples {
            state.holds.append(seconds)
        } else {
            state.holds[state.nextHold] = seconds
        }
        state.nextHold = (state.nextHold + 1) % holdSamples
        if state.holds.count >= 5 { state.typicalHold = state.holds.sorted()[state.holds.count / 2] }
    }

    /// Seconds a request joining now may expect to wait: everyone ahead, at the typical time a slot is held.
    private static func expectedWait(_ state: State, capacity: Int) -> Double {
        Double(state.waiting + 1) * state.typicalHold / Double(capacity)
    }

    /// About how long the waiting requests take to drain, in whole seconds, at least 1.
    private static func retryAfter(_ state: State, capacity: Int) -> Int {
        max(1, min(300, Int(expectedWait(state, capacity: capacity).rounded(.up))))
    }

    /// Seconds a request joining now may expect to wait, from the typical time a slot is held.
    public var expectedWait: Double { state.withLock { Self.expectedWait($0, capacity: capacity) } }
}

/// A first-in, first-out queue with O(1) append and pop (amortized), and removal by predicate.
struct FIFO<Element> {
    private var items: [Element] = []
    private var head = 0

    var isEmpty: Bool { head == items.count }
    var count: Int { items.count - head }

    mutating func append(_ element: Element) { items.append(element) }

    mutating func popFirst() -> Element? {
        guard head < items.count else { return nil }
        let element = items[head]
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 64, head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        return element
    }

    /// Removes and returns the first element that matches.
    mutating func remove(where matches: (Element) -> Bool) -> Element? {
        guard let index = items[head...].firstIndex(where: matches) else { return nil }
        return items.remove(at: index)
    }
}
