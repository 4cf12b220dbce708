/// A question as clients see it: never the answer, the solution, the feedback or the hidden tasks. Built by copying
/// the public fields one by one, so a new secret field on `Question` cannot leak by default.
public struct PublicQuestion: Codable, Sendable, Equatable {
    public struct Choice: Codable, Sendable, Equatable {
        public var id: String
        public var text: String
    }

    public var id: String
    public var topic: String
    public var kind: QuestionKind
    public var title: String
    public var difficulty: Int
    public var prompt: String
    public var choices: [Choice]?
    public var code: String?
    public var starter: String?
    /// How many hints the question has (the hints themselves are fetched one at a time).
    public var hintCount: Int?

    enum CodingKeys: String, CodingKey {
        case id, topic, kind, title, difficulty, prompt, choices, code, starter
        case hintCount = "hint_count"
    }

    public init(_ question: Question) {
        id = question.id
        topic = question.topic
        kind = question.kind
        title = question.title
        difficulty = question.difficulty
        prompt = question.prompt
        choices = question.choices?.map { Choice(id: $0.id, text: $0.text) }
        code = question.kind == .predictOutput ? question.code : nil
        starter = question.kind == .code ? question.starter : nil
        hintCount = (question.hints ?? []).isEmpty ? nil : question.hints?.count
    }
}
