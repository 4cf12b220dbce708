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
    /// A predict-output question with variants: which one `code` is (send it back with the answer). nil for a
    /// question with one program, and in lists, which show no program of such a question.
    public var variant: Int?
    /// How many variants the question's program has (nil: one). A listed question with variants shows this and no
    /// program.
    public var variantCount: Int?

    enum CodingKeys: String, CodingKey {
        case id, topic, kind, title, difficulty, prompt, choices, code, starter, variant
        case hintCount = "hint_count"
        case variantCount = "variant_count"
    }

    /// The question as lists show it: a predict-output question with variants shows no program (`GET` it by id
    /// to get the variant served to you), so that no list gives away another variant.
    public init(_ question: Question) {
        id = question.id
        topic = question.topic
        kind = question.kind
        title = question.title
        difficulty = question.difficulty
        prompt = question.prompt
        choices = question.choices?.map { Choice(id: $0.id, text: $0.text) }
        code = question.kind == .predictOutput && !question.hasVariants ? question.code : nil
        starter = question.kind == .code ? question.starter : nil
        hintCount = (question.hints ?? []).isEmpty ? nil : question.hints?.count
        variantCount = question.hasVariants ? question.variantCount : nil
    }

    /// The question showing variant `variant` of its program (see `Question.variant(_:)`), or nil when it has no
    /// such variant. A question without variants is shown as it is, with no `variant` field.
    public init?(_ question: Question, variant: Int) {
        guard let served = question.variant(variant) else { return nil }
        self.init(served)
        if question.hasVariants { (self.variant, self.variantCount) = (variant, question.variantCount) }
    }
}
