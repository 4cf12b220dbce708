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
    /// Up to three hints, from a nudge to nearly the answer; clients fetch them one at a time
    /// (`GET /api/v1/questions/{id}/hints/{n}`), after a failed attempt or on request.
    public var hints: [String]?
    /// Code questions: what the grader needs to grade them (`entry`, `helpers`, `tasks`...: the members named in
    /// `gradingKeys`), kept as read and sent to the grader with every attempt. nil for the other kinds, and for a
    /// code question whose tasks only the grader's built-in data holds.
    public var grading: JSONValue?
    /// Code questions: the hash of the grading data written by the bank's build (the grader reports its own with
    /// every result, and that is what an attempt records).
    public var version: String?
    /// Predict-output questions: the same program with other numbers, names or delays, each with its own key
    /// (`OutputVariant`). Variant 0 is `code` and `answer` themselves; nil or empty: the question has only those.
    public var variants: [OutputVariant]?

    /// The members of a code question that make up its grading data (`docs/question.schema.json`).
    public static let gradingKeys = [
        "entry", "need", "what", "fname", "module", "modules", "helpers", "messages", "style", "tasks", "vary",
    ]

    enum CodingKeys: String, CodingKey {
        case id, topic, kind, title, difficulty, prompt, explanation, choices, proof, code, answer, starter, solution
        case wrongSolutions = "wrong_solutions"
        case version, hints, variants
    }

    struct MemberKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        topic = try container.decode(String.self, forKey: .topic)
        kind = try container.decode(QuestionKind.self, forKey: .kind)
        title = try container.decode(String.self, forKey: .title)
        difficulty = try container.decode(Int.self, forKey: .difficulty)
        prompt = try container.decode(String.self, forKey: .prompt)
        explanation = try container.decode(String.self, forKey: .explanation)
        choices = try container.decodeIfPresent([Choice].self, forKey: .choices)
        proof = try container.decodeIfPresent(Proof.self, forKey: .proof)
        code = try container.decodeIfPresent(String.self, forKey: .code)
        answer = try container.decodeIfPresent(String.self, forKey: .answer)
        starter = try container.decodeIfPresent(String.self, forKey: .starter)
        solution = try container.decodeIfPresent(String.self, forKey: .solution)
        wrongSolutions = try container.decodeIfPresent([WrongSolution].self, forKey: .wrongSolutions)
        version = try container.decodeIfPresent(String.self, forKey: .version)
        hints = try container.decodeIfPresent([String].self, forKey: .hints)
        variants = try container.decodeIfPresent([OutputVariant].self, forKey: .variants)
        let members = try decoder.container(keyedBy: MemberKey.self)
        var grading: [String: JSONValue] = [:]
        for name in Self.gradingKeys {
            let key = MemberKey(stringValue: name)
            if members.contains(key) { grading[name] = try members.decode(JSONValue.self, forKey: key) }
        }
        self.grading = grading.isEmpty ? nil : .object(grading)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(topic, forKey: .topic)
        try container.encode(kind, forKey: .kind)
        try container.encode(title, forKey: .title)
        try container.encode(difficulty, forKey: .difficulty)
        try container.encode(prompt, forKey: .prompt)
        try container.encode(explanation, forKey: .explanation)
        try container.encodeIfPresent(choices, forKey: .choices)
        try container.encodeIfPresent(proof, forKey: .proof)
        try container.encodeIfPresent(code, forKey: .code)
        try container.encodeIfPresent(answer, forKey: .answer)
        try container.encodeIfPresent(starter, forKey: .starter)
        try container.encodeIfPresent(solution, forKey: .solution)
        try container.encodeIfPresent(wrongSolutions, forKey: .wrongSolutions)
        try container.encodeIfPresent(version, forKey: .version)
        try container.encodeIfPresent(hints, forKey: .hints)
        try container.encodeIfPresent(variants, forKey: .variants)
        var members = encoder.container(keyedBy: MemberKey.self)
        for (name, value) in grading?.members ?? [:] {
            try members.encode(value, forKey: MemberKey(stringValue: name))
        }
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
        wrongSolutions: [WrongSolution]? = nil,
        grading: JSONValue? = nil
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
        self.grading = grading
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
