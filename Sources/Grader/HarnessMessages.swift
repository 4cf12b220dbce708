import QuizCore

/// What the harness answers to a `grade` request: the contract's Result without the parts the server adds.
public struct HarnessVerdict: Codable, Sendable, Equatable {
    public var verdict: AttemptResult.Verdict
    public var score: Double
    public var message: String?
    public var tasks: [AttemptResult.TaskResult]?

    public init(verdict: AttemptResult.Verdict, score: Double, message: String?, tasks: [AttemptResult.TaskResult]?) {
        self.verdict = verdict
        self.score = score
        self.message = message
        self.tasks = tasks
    }
}

/// What the harness answers to a `run` request (a plain program, used to prove predict-output answers).
public struct RunOutput: Codable, Sendable, Equatable {
    public var status: String
    public var exitCode: Int?
    public var stdout: String
    public var stderr: String

    enum CodingKeys: String, CodingKey {
        case status
        case exitCode = "exit_code"
        case stdout, stderr
    }
}

enum HarnessRequest: Encodable {
    case grade(question: String, code: String)
    case run(code: String, timeout: Double)
    case list

    enum CodingKeys: String, CodingKey { case mode, question, code, timeout }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .grade(let question, let code):
            try container.encode("grade", forKey: .mode)
            try container.encode(question, forKey: .question)
            try container.encode(code, forKey: .code)
        case .run(let code, let timeout):
            try container.encode("run", forKey: .mode)
            try container.encode(code, forKey: .code)
            try container.encode(timeout, forKey: .timeout)
        case .list:
            try container.encode("list", forKey: .mode)
        }
    }
}

struct QuestionList: Decodable {
    var questions: [String]
}
