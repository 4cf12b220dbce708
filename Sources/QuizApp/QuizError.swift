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
    /// A teacher's token on a class (or a route) that is not theirs.
    case forbidden(String)
    /// Something other than a question or a class that does not exist (a teacher, a student, an assignment).
    case notFound(String)
    /// The student has used all the attempts an assignment allows on the question.
    case attemptLimit(Int)
    case readmitCodeUsed
    case readmitCodeExpired
    case notImplemented(String)
    case loginTaken(String)
    case tooManyRequests(String, seconds: Int)
    /// The request clashes with the state of what it names (done once already, say).
    case conflict(String)

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
        case .forbidden(let detail):
            Problem(title: "Forbidden", status: 403, detail: detail)
        case .notFound(let detail):
            Problem(title: "Not Found", status: 404, detail: detail)
        case .attemptLimit(let maximum):
            Problem(
                title: "Conflict",
                status: 409,
                detail: "The assignment allows \(maximum) attempt\(maximum == 1 ? "" : "s") on this question, all made."
            )
        case .readmitCodeUsed:
            Problem(title: "Conflict", status: 409, detail: "That code has been used already; ask for a new one.")
        case .readmitCodeExpired:
            Problem(title: "Gone", status: 410, detail: "That code has expired; ask for a new one.")
        case .conflict(let detail):
            Problem(title: "Conflict", status: 409, detail: detail)
        case .notImplemented(let detail):
            Problem(title: "Not Implemented", status: 501, detail: detail)
        case .loginTaken(let login):
            Problem(
                title: "Conflict",
                status: 409,
                detail: "Another teacher signs in as \"\(login)\"; pick another name."
            )
        case .tooManyRequests(let detail, _):
            Problem(title: "Too Many Requests", status: 429, detail: detail)
        }
    }

    public var problemHeaders: HTTPHeaders {
        switch self {
        case .rateLimited(let seconds), .tooManyRequests(_, let seconds):
            HTTPHeaders([("Retry-After", String(seconds))])
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
