import Grader
import HTTP

/// The application's errors. Each becomes one problem document here, and nowhere else.
public enum QuizError: ProblemConvertible {
    case unknownQuestion(String)
    case unknownHint(question: String, count: Int)
    case invalidField(String, String)
    case invalidQuery(String, String)
    case unauthorized(String)
    case unknownClass(String)
    case nameTaken(String)
    case rateLimited(seconds: Int)
    case storeUnavailable

    public var problem: Problem {
        switch self {
        case .unknownQuestion(let id):
            Problem(title: "Not Found", status: 404, detail: "There is no question \"\(id)\".")
        case .unknownHint(let question, let count):
            Problem(
                title: "Not Found",
                status: 404,
                detail: count == 0
                    ? "Question \"\(question)\" has no hints."
                    : "Question \"\(question)\" has hints 1 to \(count)."
            )
        case .invalidField(let field, let detail):
            Problem(title: "Bad Request", status: 400, detail: "Field \"\(field)\": \(detail)")
        case .invalidQuery(let parameter, let detail):
            Problem(title: "Bad Request", status: 400, detail: "Query parameter \"\(parameter)\": \(detail)")
        case .unauthorized(let detail):
            Problem(title: "Unauthorized", status: 401, detail: detail)
        case .unknownClass(let code):
            Problem(title: "Not Found", status: 404, detail: "There is no class with the code \"\(code)\".")
        case .nameTaken(let name):
            Problem(
                title: "Conflict",
                status: 409,
                detail: "Someone in this class is already called \"\(name)\"; pick another name."
            )
        case .rateLimited(let seconds):
            Problem(
                title: "Too Many Requests",
                status: 429,
                detail: "That is a lot of code submissions in a minute; try again in \(seconds) s."
            )
        case .storeUnavailable:
            Problem(title: "Service Unavailable", status: 503, detail: "The database is busy; try again.")
        }
    }

    public var problemHeaders: HTTPHeaders {
        switch self {
        case .rateLimited(let seconds): HTTPHeaders([("Retry-After", String(seconds))])
        case .unauthorized: HTTPHeaders([("WWW-Authenticate", "Bearer")])
        case .storeUnavailable: HTTPHeaders([("Retry-After", "1")])
        default: HTTPHeaders()
        }
    }
}

extension GradingError: ProblemConvertible {
    public var problem: Problem {
        switch self {
        case .queueFull(let seconds):
            Problem(title: "Too Many Requests", status: 429, detail: "Every grader is busy; try again in \(seconds) s.")
        case .cancelled:
            // Seen only in the log: the client is gone, or the deadline's 503 has already been sent.
            Problem(title: "Service Unavailable", status: 503, detail: "The request was cancelled; try again.")
        case .shuttingDown:
            Problem(title: "Service Unavailable", status: 503, detail: "The server is shutting down.")
        case .sandboxFailed:
            Problem(
                title: "Service Unavailable",
                status: 503,
                detail: "The grader is not available right now; try again."
            )
        }
    }

    public var problemHeaders: HTTPHeaders {
        switch self {
        case .queueFull(let seconds): HTTPHeaders([("Retry-After", String(seconds))])
        default: HTTPHeaders([("Retry-After", "1")])
        }
    }
}
