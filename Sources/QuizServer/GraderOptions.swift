import ArgumentParser
import Foundation
import Grader

/// Options every subcommand that grades shares.
struct GraderOptions: ParsableArguments {
    @Option(help: "The sandbox launcher: starts one bubblewrap sandbox around the grading harness.")
    var graderLaunch: String = "grader/launch"

    @Option(help: "Gradings at once (default: the number of cores).")
    var graders: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Submissions that may wait for a grader before new ones get 429.")
    var gradingQueue: Int = 256

    func configuration() -> GraderConfiguration {
        GraderConfiguration(
            launch: URL(fileURLWithPath: graderLaunch), parallelism: graders, queueLimit: gradingQueue)
    }
}
