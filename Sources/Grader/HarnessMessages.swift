import QuizCore

/// What the harness answers to a `grade` request: the contract's Result without the parts the server adds.
public struct HarnessVerdict: Codable, Sendable, Equatable {
    public var verdict: AttemptResult.Verdict
    public var score: Double
    public var message: String?
    public var tasks: [AttemptResult.TaskResult]?
    /// The hash of the question's grading data the grader used (an attempt keeps it: a regrade knows what changed).
    public var version: String?
    /// The seed of the example tasks (random delays, values): the same seed grades the same way again.
    public var seed: Int64?
    /// The question's style rules and whether the code keeps them (reported, never scored).
    public var style: [AttemptResult.StyleNote]?

    public init(
        verdict: AttemptResult.Verdict,
        score: Double,
        message: String?,
        tasks: [AttemptResult.TaskResult]?,
        version: String? = nil,
        seed: Int64? = nil
    ) {
        self.verdict = verdict
        self.score = score
        self.message = message
        self.tasks = tasks
        self.version = version
        self.seed = seed
    }
}

extension HarnessVerdict {
    /// The contract's Result for this grading of `question`: the verdict, score and tasks as graded, the question's
    /// explanation, and what the grading was made against (version, seed) and its style notes.
    public func result(for question: Question) -> AttemptResult {
        var result = AttemptResult(
            question: question.id,
            verdict: verdict,
            score: score,
            explanation: question.explanation,
            message: message,
            tasks: tasks
        )
        result.version = version
        result.seed = seed
        result.style = style
        return result
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
    /// `spec`: the question's grading data (`Question.grading`); without it the grader uses its built-in data for
    /// that id. `seed`: the example tasks' seed, to grade again the same way; without it the grader draws one.
    case grade(question: String, code: String, spec: JSONValue?, seed: Int64?)
    case run(code: String, timeout: Double)
    case list

    enum CodingKeys: String, CodingKey { case mode, question, code, timeout, spec, seed }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .grade(let question, let code, let spec, let seed):
            try container.encode("grade", forKey: .mode)
            try container.encode(question, forKey: .question)
            try container.encode(code, forKey: .code)
            try container.encodeIfPresent(spec, forKey: .spec)
            try container.encodeIfPresent(seed, forKey: .seed)
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
