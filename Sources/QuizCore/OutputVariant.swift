/// One variant of a predict-output question: the same lesson with other numbers, names or delays in the program,
/// so that an answer copied from a classmate who got another variant is wrong. Each key is proven by running the
/// program (Tests/questions), like the question's own.
public struct OutputVariant: Codable, Sendable, Equatable {
    /// The program the student reads.
    public var code: String
    /// What it prints (the key).
    public var answer: String
    /// The explanation shown with the result, when the question's own names numbers this variant does not have.
    public var explanation: String?

    public init(code: String, answer: String, explanation: String? = nil) {
        self.code = code
        self.answer = answer
        self.explanation = explanation
    }
}

extension Question {
    /// How many variants a predict-output question has: 1 when it has none but its own program.
    public var variantCount: Int {
        guard kind == .predictOutput, let variants, !variants.isEmpty else { return 1 }
        return variants.count
    }

    /// Whether the question serves more than one program.
    public var hasVariants: Bool { variantCount > 1 }

    /// The question as variant `index` (0 ..< `variantCount`) shows and grades it: that variant's code, key and
    /// explanation in place of the question's own (and no other variant). nil when there is no such variant.
    public func variant(_ index: Int) -> Question? {
        guard index >= 0, index < variantCount else { return nil }
        var served = self
        served.variants = nil
        guard let variants, !variants.isEmpty else { return served }
        let variant = variants[index]
        served.code = variant.code
        served.answer = variant.answer
        if let explanation = variant.explanation { served.explanation = explanation }
        return served
    }
}
