import ArgumentParser
import Foundation
import Grader

/// Options every subcommand that grades shares.
struct GraderOptions: ParsableArguments {
    /// The grader's defaults, stated once in `GraderConfiguration`.
    static let defaults = GraderConfiguration(launch: URL(fileURLWithPath: "grader/launch"))

    @Option(help: "The sandbox launcher: starts one bubblewrap sandbox around the grading harness.")
    var graderLaunch: String = defaults.launch.relativePath

    @Option(help: "Gradings at once (default: the number of cores).")
    var graders: Int = defaults.parallelism

    @Option(
        help: """
            Code submissions that may wait for a grader, in all, before new ones get 429 with Retry-After. \
            Clients (students, or anonymous addresses) are served in turn, one grader each at a time.
            """
    )
    var gradingQueue: Int = defaults.queueLimit

    enum SandboxMode: String, ExpressibleByArgument, CaseIterable {
        /// A whole new sandbox (bubblewrap, interpreter) per submission.
        case oneShot = "one-shot"
        /// Long-lived sandboxes that fork a fresh, isolated worker per submission.
        case serve
    }

    @Option(help: "serve: long-lived sandboxes fork an isolated worker per submission; one-shot: a new sandbox each.")
    var sandboxMode: SandboxMode = .serve

    /// - Parameter handlerTimeout: `serve`'s handler deadline in seconds: a submission expected to wait for a
    ///   grader past it, less 5 s for the grading itself, gets 429 at once. nil: no such limit (`grade`).
    func configuration(handlerTimeout: Double? = nil) -> GraderConfiguration {
        GraderConfiguration(
            launch: URL(fileURLWithPath: graderLaunch),
            parallelism: graders,
            queueLimit: gradingQueue,
            maxWait: handlerTimeout.map { .milliseconds(Int64(max($0 / 2, $0 - 5) * 1000)) },
            serve: sandboxMode == .serve
        )
    }
}
