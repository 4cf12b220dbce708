/// Grades the answers that need no sandbox: choices and predicted output.
public enum AnswerChecker {
    /// Single choice: exact. Multiple choice: (right picks − wrong picks) / number of right choices, floored at 0.
    public static func grade(_ question: Question, choices chosen: [String]) -> AttemptResult {
        let choices = question.choices ?? []
        let picked = Set(chosen)
        let right = Set(choices.filter(\.correct).map(\.id))
        let score: Double
        if question.kind == .singleChoice {
            score = picked.count == 1 && picked == right ? 1 : 0
        } else {
            let good = picked.intersection(right).count
            let bad = picked.subtracting(right).count
            score = right.isEmpty ? 0 : max(0, Double(good - bad) / Double(right.count))
        }
        let feedback = choices.map {
            AttemptResult.ChoiceFeedback(
                choice: $0.id,
                correct: $0.correct,
                chosen: picked.contains($0.id),
                feedback: $0.feedback
            )
        }
        let verdict: AttemptResult.Verdict = score >= 1 ? .passed : .failed
        let message: String
        switch (verdict, question.kind) {
        case (.passed, _): message = "Right."
        case (_, .multipleChoice) where score > 0: message = "Partly right: \(Int((score * 100).rounded())) %."
        default: message = "Not quite."
        }
        return AttemptResult(
            question: question.id,
            verdict: verdict,
            score: score,
            explanation: question.explanation,
            message: message,
            feedback: feedback
        )
    }

    public static func grade(_ question: Question, output: String) -> AttemptResult {
        let expected = question.answer ?? ""
        let passed = normalize(output) == normalize(expected)
        return AttemptResult(
            question: question.id,
            verdict: passed ? .passed : .failed,
            score: passed ? 1 : 0,
            explanation: question.explanation,
            message: passed
                ? "Right: that is exactly what it prints." : "Not quite: compare your lines with the real output.",
            expected: expected
        )
    }

    /// Trailing white space on each line and at the end does not count.
    public static func normalize(_ text: String) -> String {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(
            separator: "\n",
            omittingEmptySubsequences: false
        )
        var trimmed = lines.map { line -> Substring in
            var line = line
            while let last = line.last, last == " " || last == "\t" || last == "\r" { line = line.dropLast() }
            return line
        }
        while let last = trimmed.last, last.isEmpty { trimmed.removeLast() }
        return trimmed.joined(separator: "\n")
    }
}
