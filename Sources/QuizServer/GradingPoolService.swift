import Grader
import ServiceLifecycle

/// The grading pool as a service of `serve`'s group: warms its workers up when the group runs it, and shuts them
/// down (no sandbox left behind) on graceful shutdown, on cancellation, or when another service fails to start.
/// The group shuts services down in reverse order, so the pool goes after the HTTP server has drained.
struct GradingPoolService: Service {
    let pool: GradingPool

    func run() async throws {
        await pool.warmUp()
        try? await gracefulShutdown()
        await pool.shutdown()
    }
}
