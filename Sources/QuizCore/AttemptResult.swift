/// The graded answer, as the contract's `Result`.
public struct AttemptResult: Codable, Sendable, Equatable {
    public enum Verdict: String, Codable, Sendable {
        case passed, failed
        case notGradable = "not_gradable"
        case error
    }

    /// One example task of a code question.
    public struct TaskResult: Codable, Sendable, Equatable {
        public struct Call: Codable, Sendable, Equatable {
            public var call: String
            public var start: Double?
            public var end: Double?
            public var cancelled: Bool?
            /// The call raised instead of returning.
            public var raised: Bool?
            /// For blocking work: which thread ran it (`loop` or `worker`).
            public var thread: String?
        }
        public var name: String
        public var status: String
        public var message: String
        public var elapsed: Double?
        public var trace: [Call]?

        /// - Parameter elapsed: the task's time in seconds, nil when it did not run.
        public init(name: String, status: String, message: String, elapsed: Double? = nil, trace: [Call]? = nil) {
            self.name = name
            self.status = status
            self.message = message
            self.elapsed = elapsed
            self.trace = trace
        }
    }

    /// What each choice meant, shown once the student has answered.
    public struct ChoiceFeedback: Codable, Sendable, Equatable {
        public var choice: String
        public var correct: Bool
        public var chosen: Bool
        public var feedback: String
    }

    public var question: String
    public var verdict: Verdict
    public var score: Double
    public var correct: Bool
    public var explanation: String
    public var message: String?
    public var tasks: [TaskResult]?
    public var feedback: [ChoiceFeedback]?
    /// The expected output of a predict-output question, shown after answering.
    public var expected: String?
    /// Code questions: the hash of the question's grading data this result was graded against.
    public var version: String?
    /// Code questions: the seed of the example tasks (the same seed grades the same way again).
    public var seed: Int64?
    /// Code questions with style rules: each rule and whether the code keeps it (reported, never scored).
    public var style: [StyleNote]?

    /// One style rule of a code question ("don't call sort()"), and whether the submission keeps it.
    public struct StyleNote: Codable, Sendable, Equatable {
        public var rule: String
        public var ok: Bool
        public var message: String

        enum CodingKeys: String, CodingKey { case rule, ok, message }

        /// Lenient: a rule the bank left without text still reads as a note, never as an unreadable answer.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            rule = (try? container.decodeIfPresent(String.self, forKey: .rule)) ?? ""
            ok = (try? container.decodeIfPresent(Bool.self, forKey: .ok)) ?? true
            message = (try? container.decodeIfPresent(String.self, forKey: .message)) ?? ""
        }
    }

    public init(
        question: String,
        verdict: Verdict,
        score: Double,
        explanation: String,
        message: String? = nil,
        tasks: [TaskResult]? = nil,
        feedback: [ChoiceFeedback]? = nil,
        expected: String? = nil
    ) {
        self.question = question
        self.verdict = verdict
        self.score = score
        self.correct = verdict == .passed
        self.explanation = explanation
        self.message = message
        self.tasks = tasks
        self.feedback = feedback
        self.expected = expected
    }
}
