/// One question of the bank, as stored, secrets included. `PublicQuestion` is what clients see.
public struct Question: Codable, Sendable, Equatable {
    public var id: String
    public var topic: String
    public var kind: QuestionKind
    public var title: String
    public var difficulty: Int
    public var prompt: String
    public var explanation: String
    public var choices: [Choice]?
    public var proof: Proof?
    public var code: String?
    public var answer: String?
    public var starter: String?
    public var solution: String?
    public var wrongSolutions: [WrongSolution]?

    enum CodingKeys: String, CodingKey {
        case id, topic, kind, title, difficulty, prompt, explanation, choices, proof, code, answer, starter, solution
        case wrongSolutions = "wrong_solutions"
    }

    public init(
        id: String,
        topic: String,
        kind: QuestionKind,
        title: String,
        difficulty: Int = 1,
        prompt: String,
        explanation: String,
        choices: [Choice]? = nil,
        proof: Proof? = nil,
        code: String? = nil,
        answer: String? = nil,
        starter: String? = nil,
        solution: String? = nil,
        wrongSolutions: [WrongSolution]? = nil
    ) {
        self.id = id
        self.topic = topic
        self.kind = kind
        self.title = title
        self.difficulty = difficulty
        self.prompt = prompt
        self.explanation = explanation
        self.choices = choices
        self.proof = proof
        self.code = code
        self.answer = answer
        self.starter = starter
        self.solution = solution
        self.wrongSolutions = wrongSolutions
    }

    public struct Choice: Codable, Sendable, Equatable {
        public var id: String
        public var text: String
        public var correct: Bool
        public var feedback: String

        public init(id: String, text: String, correct: Bool, feedback: String) {
            self.id = id
            self.text = text
            self.correct = correct
            self.feedback = feedback
        }
    }

    /// A program whose output checks the claim a choice question's right answer makes.
    public struct Proof: Codable, Sendable, Equatable {
        public var code: String
        public var output: String

        public init(code: String, output: String) {
            self.code = code
            self.output = output
        }
    }

    /// A wrong answer to a code question, and the failing status the grader must give it.
    public struct WrongSolution: Codable, Sendable, Equatable {
        public var code: String
        public var status: String
        public var why: String?

        public init(code: String, status: String, why: String? = nil) {
            self.code = code
            self.status = status
            self.why = why
        }
    }
}

public enum QuestionKind: String, Codable, Sendable, CaseIterable {
    case singleChoice = "single_choice"
    case multipleChoice = "multiple_choice"
    case predictOutput = "predict_output"
    case code

    public var isChoice: Bool { self == .singleChoice || self == .multipleChoice }
}
