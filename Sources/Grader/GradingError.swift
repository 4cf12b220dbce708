/// Why a submission could not be graded. None of these is the student's fault.
public enum GradingError: Error, Equatable, CustomStringConvertible {
    /// Every worker is busy and the queue is full: come back in about this many seconds.
    case queueFull(retryAfter: Int)
    case shuttingDown
    /// The request was cancelled while it waited for a grader: its client hung up, or its handler's deadline passed.
    case cancelled
    /// The sandbox broke (did not start, or answered nonsense): the grader's fault, reported as verdict `error`.
    case sandboxFailed(String)

    public var description: String {
        switch self {
        case .queueFull(let seconds): "The grading queue is full; try again in \(seconds) s."
        case .shuttingDown: "The server is shutting down."
        case .cancelled: "The request was cancelled while it waited for a grader."
        case .sandboxFailed(let reason): "The sandbox failed: \(reason)"
        }
    }
}
