import Foundation

/// How the grading pool runs: how many graders, how many submissions may wait, the sandbox mode and its limits.
public struct GraderConfiguration: Sendable {
    /// `grader/launch`: starts one sandbox (bubblewrap around the trusted harness).
    public var launch: URL
    /// Gradings at once; more would only make each slower on a machine with this many cores.
    public var parallelism: Int
    /// Submissions that may wait for a worker, in all; past this, `queueFull` (429 with `Retry-After`).
    public var queueLimit: Int
    /// Graders one client (a student, or an address) holds at once; its other submissions wait their turn.
    public var perClient: Int
    /// A submission expected to wait longer than this (from the median time of the last 31 gradings) gets `queueFull` at once
    /// rather than a handler deadline's 503 later; nil: only `queueLimit` counts. `serve` sets it a few seconds
    /// under `--handler-timeout`.
    public var maxWait: Duration?
    /// Wall-clock limit for one sandbox from request to answer; the harness has its own, shorter limits inside.
    public var deadline: Duration
    /// Long-lived sandboxes (`launch --serve`) that fork a fresh, isolated worker for each submission, instead of
    /// one whole sandbox per submission: the interpreter start-up is paid once, not per grading.
    public var serve: Bool
    /// A serving sandbox is replaced after this many submissions, so nothing can accumulate in it.
    public var requestsPerSandbox: Int

    public init(
        launch: URL,
        parallelism: Int = ProcessInfo.processInfo.activeProcessorCount,
        queueLimit: Int = 2000,
        perClient: Int = 1,
        maxWait: Duration? = nil,
        deadline: Duration = .seconds(20),
        serve: Bool = true,
        requestsPerSandbox: Int = 500
    ) {
        self.launch = launch
        self.parallelism = max(1, parallelism)
        self.queueLimit = max(0, queueLimit)
        self.perClient = max(1, perClient)
        self.maxWait = maxWait
        self.deadline = deadline
        self.serve = serve
        self.requestsPerSandbox = max(1, requestsPerSandbox)
    }
}
