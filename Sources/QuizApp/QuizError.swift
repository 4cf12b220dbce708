import Grader
import HTTP
import Store

/// The application's errors. Each becomes one problem document here, and nowhere else.
public enum QuizError: HTTPResponseError {
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
    /// A student's answer to a predict-output question names another variant than the one served for this attempt
    /// (or none): `sent` is what the body said, `assigned` what the server serves.
    case wrongVariant(question: String, sent: Int?, assigned: Int)

    public var httpError: HTTPError {
        switch self {
        case .unknownQuestion(let id):
            HTTPError(.notFound, detail: "There is no question \"\(id)\".")
        case .unknownHint(let question, let count):
            HTTPError(
                .notFound,
                detail: count == 0
                    ? "Question \"\(question)\" has no hints."
                    : "Question \"\(question)\" has hints 1 to \(count)."
            )
        case .invalidField(let field, let detail):
            HTTPError(.badRequest, detail: "Field \"\(field)\": \(detail)")
        case .invalidQuery(let parameter, let detail):
            HTTPError(.badRequest, detail: "Query parameter \"\(parameter)\": \(detail)")
        case .unauthorized(let detail):
            HTTPError.unauthorized(detail)
        case .unknownClass(let code):
            HTTPError(.notFound, detail: "There is no class with the code \"\(code)\".")
        case .nameTaken(let name):
            HTTPError(.conflict, detail: "Someone in this class is already called \"\(name)\"; pick another name.")
        case .rateLimited(let seconds):
            HTTPError.tooManyRequests(
                retryAfter: seconds,
                "That is a lot of code submissions in a minute; try again in \(seconds) s."
            )
        case .storeUnavailable:
            HTTPError.serviceUnavailable("The database is busy; try again.")
        case .forbidden(let detail):
            HTTPError(.forbidden, detail: detail)
        case .notFound(let detail):
            HTTPError(.notFound, detail: detail)
        case .attemptLimit(let maximum):
            HTTPError(
                .conflict,
                detail: "The assignment allows \(maximum) attempt\(maximum == 1 ? "" : "s") on this question, all made."
            )
        case .readmitCodeUsed:
            HTTPError(.conflict, detail: "That code has been used already; ask for a new one.")
        case .readmitCodeExpired:
            HTTPError(.gone, detail: "That code has expired; ask for a new one.")
        case .conflict(let detail):
            HTTPError(.conflict, detail: detail)
        case .notImplemented(let detail):
            HTTPError(.notImplemented, detail: detail)
        case .loginTaken(let login):
            HTTPError(.conflict, detail: "Another teacher signs in as \"\(login)\"; pick another name.")
        case .tooManyRequests(let detail, let seconds):
            HTTPError.tooManyRequests(retryAfter: seconds, detail)
        case .wrongVariant(let question, let sent, let assigned):
            HTTPError(
                .unprocessableContent,
                detail: (sent.map { "Field \"variant\": \($0) is not the variant of \"\(question)\" served to you" }
                    ?? "Field \"variant\" is missing: \"\(question)\" has variants")
                    + " (yours for this attempt is \(assigned)); fetch the question again"
                    + " (GET /api/v1/questions/\(question)) and answer the program it shows."
            )
        }
    }
}

extension GradingError: HTTPResponseError {
    public var httpError: HTTPError {
        switch self {
        case .queueFull(let seconds):
            HTTPError.tooManyRequests(retryAfter: seconds, "Every grader is busy; try again in \(seconds) s.")
        case .cancelled:
            // Seen only in the log: the client is gone, or the deadline's answer has already been sent.
            HTTPError.serviceUnavailable("The request was cancelled; try again.")
        case .shuttingDown:
            HTTPError.serviceUnavailable("The server is shutting down.")
        case .sandboxFailed:
            HTTPError.serviceUnavailable("The grader is not available right now; try again.")
        }
    }
}

// The store's errors map here too, so that a store error reaching a handler answers like every other error.

extension StoreError: HTTPResponseError {
    public var httpError: HTTPError {
        switch self {
        case .unknownClass(let code): QuizError.unknownClass(code).httpError
        case .nameTaken(let name): QuizError.nameTaken(name).httpError
        case .unavailable: QuizError.storeUnavailable.httpError
        }
    }
}

extension ClassroomStoreError: HTTPResponseError {
    public var httpError: HTTPError {
        switch self {
        case .attemptLimit(let maximum): QuizError.attemptLimit(maximum).httpError
        }
    }
}

extension TeacherSessionStoreError: HTTPResponseError {
    public var httpError: HTTPError {
        switch self {
        case .loginTaken(let login): QuizError.loginTaken(login).httpError
        }
    }
}

/// A store failure the store did not name (a driver's or SQLite's own error): answered 503 like an unavailable
/// database, and logged with the error underneath by the error mapping.
struct StoreFailure: HTTPResponseError, CustomStringConvertible {
    let underlying: any Error
    var httpError: HTTPError { QuizError.storeUnavailable.httpError }
    var description: String { "store failure: \(underlying)" }
}
