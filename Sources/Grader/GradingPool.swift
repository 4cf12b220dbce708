import Foundation
import Logging
import QuizCore

/// Runs submissions in sandboxes with bounded parallelism behind a fair queue (`FairQueue`: clients in turn, one
/// grader per client at a time, a bounded number waiting), and keeps sandboxes started ahead of time so a student
/// never waits for an interpreter to start.
///
/// The sandbox's answer is one line of at most `SandboxProcess.answerLimit` bytes. What the submission makes of it
/// is the submission's result, never the grader's fault and never cut short: an answer over the limit is verdict
/// `failed` with a task `output_limit`; an answer that cannot be read, twice in a row in fresh sandboxes, is
/// `failed` with a task `killed`. Verdict `error` is kept for the grader's own faults (no answer in time).
public actor GradingPool {
    public nonisolated let configuration: GraderConfiguration
    /// The queue in front of the graders; its snapshot is what the metrics show.
    public nonisolated let queue: FairQueue
    let logger: Logger
    private var warm: [SandboxProcess] = []
    private var active = 0
    private var closed = false

    public init(configuration: GraderConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.queue = FairQueue(
            capacity: configuration.parallelism,
            perClient: configuration.perClient,
            waitingLimit: configuration.queueLimit,
            maxWait: configuration.maxWait.map {
                Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18
            }
        )
    }

    deinit {
        for sandbox in warm { sandbox.kill() }
    }

    /// The most bytes a sandbox's answer line may have (1 MiB; see `SandboxProcess.answerLimit`).
    public static let answerLimit = SandboxProcess.answerLimit

    /// Submissions waiting for a grader.
    public nonisolated var queueLength: Int { queue.waiting }
    /// Submissions being graded now.
    public nonisolated var activeCount: Int { queue.busy }

    /// Starts the warm sandboxes.
    public func warmUp() {
        while warm.count < configuration.parallelism, !closed {
            guard let sandbox = spawn() else { return }
            warm.append(sandbox)
        }
    }

    /// Grades one submission.
    /// - Parameters:
    ///   - spec: the question's grading data (`Question.grading`); nil: the grader's built-in data for that id.
    ///   - seed: the example tasks' seed (to grade again the same way); nil: the grader draws one.
    ///   - client: who sent it (`student:ID`, `address:IP`); the queue serves clients in turn, one grader each.
    ///     nil: a client of its own (the start-up check, the command line).
    ///   - background: a regrade's: it gets a grader only when no one else waits for one (`FairQueue`).
    /// - Throws: `queueFull` (429), `shuttingDown` (503), `sandboxFailed` when no sandbox can be started.
    public func grade(
        question: String,
        code: String,
        spec: JSONValue? = nil,
        seed: Int64? = nil,
        client: String? = nil,
        background: Bool = false
    ) async throws(GradingError)
        -> HarnessVerdict
    {
        let request = HarnessRequest.grade(question: question, code: code, spec: spec, seed: seed)
        let outcome = try await perform(request, client: client, background: background) {
            try? JSONDecoder().decode(HarnessVerdict.self, from: $0)
        }
        switch outcome {
        case .answer(let verdict):
            return verdict
        case .tooLong(let bytes):
            let message =
                "The grader's report on this program was \(Self.kilobytes(bytes)), more than the "
                + "\(Self.kilobytes(SandboxProcess.answerLimit)) it accepts, so none of it was kept. A program makes "
                + "it that long by making a great many calls or raising very long errors; make fewer calls."
            return Self.failure(status: "output_limit", message: message)
        case .unreadable:
            let message =
                "The grader could not read its report on this program, twice, each time in a fresh sandbox: the "
                + "program stopped it from answering (by using too much memory, say)."
            return Self.failure(status: "killed", message: message)
        case .noAnswer:
            return HarnessVerdict(
                verdict: .error,
                score: 0,
                message: "The grader did not answer in time. This is our fault, not yours: try again.",
                tasks: nil
            )
        }
    }

    /// Runs a plain program (the proofs of predict-output answers).
    public func run(code: String, timeout: Double = 5) async throws(GradingError) -> RunOutput {
        let outcome = try await perform(.run(code: code, timeout: timeout), client: nil) {
            try? JSONDecoder().decode(RunOutput.self, from: $0)
        }
        switch outcome {
        case .answer(let output):
            return output
        case .tooLong(let bytes):
            return RunOutput(
                status: "output_limit",
                exitCode: nil,
                stdout: "",
                stderr: "The answer was \(Self.kilobytes(bytes)), over \(Self.kilobytes(SandboxProcess.answerLimit))."
            )
        case .unreadable, .noAnswer:
            return RunOutput(status: "killed", exitCode: nil, stdout: "", stderr: "")
        }
    }

    /// The question ids the harness has example tasks for.
    public func questionIDs() async throws(GradingError) -> [String] {
        let outcome = try await perform(.list, client: nil) { try? JSONDecoder().decode(QuestionList.self, from: $0) }
        guard case .answer(let list) = outcome else { throw .sandboxFailed("the harness did not list its questions") }
        return list.questions
    }

    /// Refuses new work, fails the queued, kills the warm sandboxes. Gradings in progress finish.
    public func shutdown() {
        closed = true
        queue.close()
        for sandbox in warm { sandbox.kill() }
        warm.removeAll()
    }

    static func failure(status: String, message: String) -> HarnessVerdict {
        HarnessVerdict(
            verdict: .failed,
            score: 0,
            message: message,
            tasks: [AttemptResult.TaskResult(name: "the grader's report", status: status, message: message)]
        )
    }

    static func kilobytes(_ bytes: Int) -> String {
        bytes >= 1 << 20
            ? String(format: "%.1f MB", Double(bytes) / Double(1 << 20)) : "\((bytes + 1023) / 1024) KB"
    }

    // MARK: - Slots

    /// What became of one request.
    enum Outcome<Value> {
        /// A whole line that decodes.
        case answer(Value)
        /// A line over `SandboxProcess.answerLimit` (its length in bytes): dropped, never cut.
        case tooLong(Int)
        /// A line that does not decode, in a fresh sandbox as well.
        case unreadable
        /// Nothing in time, or no sandbox that answered at all.
        case noAnswer
    }

    /// What one sandbox said to one request.
    enum Exchange {
        case line(Data)
        case tooLong(Int)
        /// It ended without a line (`timedOut`: stopped by the deadline).
        case silent(timedOut: Bool)
    }

    private func perform<Value>(
        _ request: HarnessRequest,
        client: String?,
        background: Bool = false,
        decode: (Data) -> Value?
    ) async throws(GradingError) -> Outcome<Value> {
        let ticket: FairQueue.Ticket
        do {
            ticket = try await queue.acquire(client: client ?? "internal:\(UUID().uuidString)", background: background)
        } catch let error as GradingError {
            throw error
        } catch {
            // Cancelled while waiting: the client is gone or the handler's deadline passed.
            throw .cancelled
        }
        active += 1
        defer {
            active -= 1
            queue.release(ticket)
        }
        guard let sandbox = takeWarm() else { throw .sandboxFailed("cannot start \(configuration.launch.path)") }
        let body: Data
        do {
            body = try JSONEncoder().encode(request)
        } catch {
            throw .sandboxFailed("cannot encode the request")
        }
        let started = ContinuousClock.now
        let first = await Self.uncancelled(
            with: sandbox,
            body,
            deadline: configuration.deadline,
            keepAlive: configuration.serve
        )
        if case .line(let line) = first, let value = decode(line) {
            // A serving sandbox goes back to the pool only after a whole answer, and only so many times.
            if configuration.serve, sandbox.isRunning, sandbox.served < configuration.requestsPerSandbox, !closed {
                warm.append(sandbox)
            } else {
                sandbox.kill()
            }
            return .answer(value)
        }
        sandbox.kill()
        switch first {
        case .tooLong(let bytes):
            return .tooLong(bytes)
        case .silent(timedOut: true):
            return .noAnswer
        case .line, .silent(timedOut: false):
            break
        }
        // A sandbox that died before answering, or answered a line that does not read, may have been broken by
        // something else than this request (killed mid-answer, say); grading is a pure function of the request, so
        // a fresh sandbox tries once more. A second unreadable line is the submission's doing.
        guard ContinuousClock.now - started < configuration.deadline, !closed,
            let fresh = spawn()
        else {
            // Not confirmed in a fresh sandbox: not blamed on the submission.
            return .noAnswer
        }
        let second = await Self.uncancelled(
            with: fresh,
            body,
            deadline: configuration.deadline,
            keepAlive: configuration.serve
        )
        if case .line(let line) = second, let value = decode(line) {
            if configuration.serve, fresh.isRunning, !closed { warm.append(fresh) } else { fresh.kill() }
            return .answer(value)
        }
        fresh.kill()
        switch second {
        case .tooLong(let bytes): return .tooLong(bytes)
        case .line: return .unreadable
        case .silent: return .noAnswer
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

    /// `exchange` in a Task of its own, which the caller's cancellation does not reach: a grading that has started
    /// finishes (within the deadline), so a client that hangs up never costs a serving sandbox its life.
    private static func uncancelled(
        with sandbox: SandboxProcess,
        _ request: Data,
        deadline: Duration,
        keepAlive: Bool
    ) async -> Exchange {
        await Task { await exchange(with: sandbox, request, deadline: deadline, keepAlive: keepAlive) }.value
    }

    /// Waits for the sandbox to be ready, sends the request, and waits for the answer, all within the deadline;
    /// at the deadline the sandbox is killed and the answer is `.silent(timedOut: true)`.
    private static func exchange(
        with sandbox: SandboxProcess,
        _ request: Data,
        deadline: Duration,
        keepAlive: Bool
    ) async -> Exchange {
        await withTaskGroup(of: Exchange.self) { group in
            group.addTask {
                guard await sandbox.awaitReady() else { return .silent(timedOut: false) }
                sandbox.send(request, close: !keepAlive)
                switch await sandbox.nextLine() {
                case .line(let line): return .line(line)
                case .tooLong(let bytes): return .tooLong(bytes)
                case .end: return .silent(timedOut: false)
                }
            }
            group.addTask {
                // Cancelled once the answer is in: then the sandbox must live on (a serving one is reused).
                guard (try? await Task.sleep(for: deadline)) != nil else { return .silent(timedOut: false) }
                sandbox.kill()
                return .silent(timedOut: true)
            }
            let answer = await group.next() ?? .silent(timedOut: false)
            group.cancelAll()
            // Without a whole line the reader may still be waiting: killing the sandbox ends it, and the group.
            var whole = false
            if case .line = answer { whole = true }
            if !keepAlive || !whole { sandbox.kill() }
            return answer
        }
    }
}
