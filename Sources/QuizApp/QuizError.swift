import Grader
import HTTP

/// The application's errors. Each becomes one problem document here, and nowhere else.
public enum QuizError: ProblemConvertible {
    case unknownQuestion(String)
    case invalidField(String, String)
    case invalidQuery(String, String)

    public var problem: Problem {
        switch self {
        case .unknownQuestion(let id):
            Problem(title: "Not Found", status: 404, detail: "There is no question \"\(id)\".")
        case .invalidField(let field, let detail):
            Problem(title: "Bad Request", status: 400, detail: "Field \"\(field)\": \(detail)")
        case .invalidQuery(let parameter, let detail):
            Problem(title: "Bad Request", status: 400, detail: "Query parameter \"\(parameter)\": \(detail)")
        }
    }
}

extension GradingError: ProblemConvertible {
    public var problem: Problem {
        switch self {
        case .queueFull(let seconds):
            Problem(title: "Too Many Requests", status: 429, detail: "Every grader is busy; try again in \(seconds) s.")
        case .shuttingDown:
            Problem(title: "Service Unavailable", status: 503, detail: "The server is shutting down.")
        case .sandboxFailed:
            Problem(title: "Service Unavailable", status: 503, detail: "The grader is not available right now; try again.")
        }
    }

    public var problemHeaders: HTTPHeaders {
        switch self {
        case .queueFull(let seconds): HTTPHeaders([("Retry-After", String(seconds))])
        default: HTTPHeaders([("Retry-After", "1")])
        }
    }
}
