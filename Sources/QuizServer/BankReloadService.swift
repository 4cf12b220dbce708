import Logging
import QuizApp
import QuizCore
import ServiceLifecycle

/// SIGHUP reloads the banks: a service of `serve`'s group that ends on graceful shutdown. A bank with problems
/// leaves the served ones in place.
struct BankReloadService: Service {
    let paths: [String]
    let app: QuizApplication
    /// Reads the banks at `paths` (checking their solutions with the grader).
    let load: @Sendable ([String]) async throws -> QuestionBank
    let logger: Logger

    func run() async throws {
        for await _ in ReloadSignal.signals().cancelOnGracefulShutdown() {
            do {
                let fresh = try await load(paths)
                app.reload(bank: fresh)
                logger.info("banks reloaded", metadata: ["questions": "\(fresh.questions.count)"])
            } catch {
                logger.error(
                    "banks not reloaded; the previous ones are still served",
                    metadata: ["problems": "\(error)"]
                )
            }
        }
    }
}
