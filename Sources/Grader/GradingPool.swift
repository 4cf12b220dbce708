import Foundation
import Logging
import QuizCore

/// Runs submissions in sandboxes with bounded parallelism and a bounded FIFO queue, and keeps sandboxes started
/// ahead of time so a student never waits for an interpreter to start. Each sandbox serves exactly one submission.
public actor GradingPool {
    public nonisolated let configuration: GraderConfiguration
    let logger: Logger
    private var warm: [SandboxProcess] = []
    private var active = 0
    private var waiting: [(id: Int, continuation: CheckedContinuation<Void, any Error>)] = []
    private var nextWaiterID = 0
    private var closed = false

    public init(configuration: GraderConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    deinit {
        for sandbox in warm { sandbox.kill() }
    }

    /// Submissions waiting for a worker.
    public var queueLength: Int { waiting.count }
    public var activeCount: Int { active }

    /// Starts the warm sandboxes.
    public func warmUp() {
        while warm.count < configuration.parallelism, !closed {
            guard let sandbox = spawn() else { return }
            warm.append(sandbox)
        }
    }

    public func grade(question: String, code: String) async throws(GradingError) -> HarnessVerdict {
        let line = try await perform(.grade(question: question, code: code))
        guard let line else {
            return HarnessVerdict(
                verdict: .error,
                score: 0,
                message: "The grader did not answer in time. This is our fault, not yours: try again.",
                tasks: nil
            )
        }
        do {
            return try JSONDecoder().decode(HarnessVerdict.self, from: line)
        } catch {
            throw .sandboxFailed("unreadable verdict: \(String(decoding: line.prefix(200), as: UTF8.self))")
        }
    }

    public func run(code: String, timeout: Double = 5) async throws(GradingError) -> RunOutput {
        guard let line = try await perform(.run(code: code, timeout: timeout)) else {
            return RunOutput(status: "killed", exitCode: nil, stdout: "", stderr: "")
        }
        do {
            return try JSONDecoder().decode(RunOutput.self, from: line)
        } catch {
            throw .sandboxFailed("unreadable run output")
        }
    }

    /// The question ids the harness has example tasks for.
    public func questionIDs() async throws(GradingError) -> [String] {
        guard let line = try await perform(.list),
            let list = try? JSONDecoder().decode(QuestionList.self, from: line)
        else { throw .sandboxFailed("the harness did not list its questions") }
        return list.questions
    }

    /// Refuses new work, fails the queued, kills the warm sandboxes. Gradings in progress finish.
    public func shutdown() {
        closed = true
        for waiter in waiting { waiter.continuation.resume(throwing: GradingError.shuttingDown) }
        waiting.removeAll()
        for sandbox in warm { sandbox.kill() }
        warm.removeAll()
    }

    // MARK: - Slots

    private func perform(_ request: HarnessRequest) async throws(GradingError) -> Data? {
        do {
            try await acquire()
        } catch let error as GradingError {
            throw error
        } catch {
            throw .shuttingDown
        }
        defer { release() }
        let sandbox = takeWarm()
        guard let sandbox else { throw .sandboxFailed("cannot start \(configuration.launch.path)") }
        let body: Data
        do {
            body = try JSONEncoder().encode(request)
        } catch {
            throw .sandboxFailed("cannot encode the request")
        }
        let started = ContinuousClock.now
        var answer = await Self.exchange(
            with: sandbox,
            body,
            deadline: configuration.deadline,
            keepAlive: configuration.serve
        )
        if configuration.serve {
            // A serving sandbox goes back to the pool only after a whole answer, and only so many times.
            let whole = answer.map { $0.first == UInt8(ascii: "{") && $0.last == UInt8(ascii: "}") } ?? false
            if whole, sandbox.isRunning, sandbox.served < configuration.requestsPerSandbox, !closed {
                warm.append(sandbox)
            } else {
                sandbox.kill()
                if !whole { answer = nil }
            }
            // A serving sandbox that died before answering (not one stopped by the deadline) may never have read
            // the request; grading is a pure function of it, so a fresh sandbox tries once more.
            if answer == nil, ContinuousClock.now - started < configuration.deadline, !closed, let fresh = spawn() {
                answer = await Self.exchange(with: fresh, body, deadline: configuration.deadline, keepAlive: true)
                if answer != nil, fresh.isRunning, !closed { warm.append(fresh) } else { fresh.kill() }
            }
        }
        return answer
    }

    private func acquire() async throws {
        if closed { throw GradingError.shuttingDown }
        if active < configuration.parallelism {
            active += 1
            return
        }
        guard waiting.count < configuration.queueLimit else {
            // About how long the queue takes to drain at a few hundred milliseconds a grading per worker.
            let seconds = max(1, waiting.count / max(1, configuration.parallelism * 10))
            throw GradingError.queueFull(retryAfter: seconds)
        }
        let id = nextWaiterID
        nextWaiterID += 1
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                waiting.append((id, continuation))
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    private func cancelWaiter(_ id: Int) {
        guard let index = waiting.firstIndex(where: { $0.id == id }) else { return }
        waiting.remove(at: index).continuation.resume(throwing: CancellationError())
    }

    /// Hands the slot straight to the first waiter, so `active` never dips and a newcomer cannot jump the queue.
    private func release() {
        if !waiting.isEmpty {
            waiting.removeFirst().continuation.resume()
        } else {
            active -= 1
        }
    }

    // MARK: - Sandboxes

    private func spawn() -> SandboxProcess? {
        let sandbox = SandboxProcess(launch: configuration.launch, arguments: configuration.serve ? ["--serve"] : [])
        do {
            try sandbox.start()
            return sandbox
        } catch {
            logger.error("cannot start a sandbox", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// A started sandbox. One-shot: a fresh one, and another is started to take its place. Serving: an idle one,
    /// which comes back after its answer, so there are never more than `parallelism`.
    private func takeWarm() -> SandboxProcess? {
        while !warm.isEmpty {
            let sandbox = warm.removeFirst()
            if sandbox.isRunning {
                refill()
                return sandbox
            }
        }
        let fresh = spawn()
        refill()
        return fresh
    }

    private func refill() {
        let total = warm.count + (configuration.serve ? active : 0)
        guard !closed, total < configuration.parallelism, let sandbox = spawn() else { return }
        warm.append(sandbox)
    }

    /// Waits for the sandbox to be ready, sends the request, and waits for the answer, all within the deadline;
    /// at the deadline the sandbox is killed and the answer is nil.
    private static func exchange(
        with sandbox: SandboxProcess,
        _ request: Data,
        deadline: Duration,
        keepAlive: Bool
    ) async -> Data? {
        await withTaskGroup(of: Data?.self) { group in
            group.addTask {
                guard await sandbox.awaitReady() else { return nil }
                sandbox.send(request, close: !keepAlive)
                return await sandbox.nextLine()
            }
            group.addTask {
                // Cancelled once the answer is in: then the sandbox must live on (a serving one is reused).
                guard (try? await Task.sleep(for: deadline)) != nil else { return nil }
                sandbox.kill()
                return nil
            }
            let answer = await group.next() ?? nil
            group.cancelAll()
            if !keepAlive || answer == nil { sandbox.kill() }
            return answer
        }
    }
}
