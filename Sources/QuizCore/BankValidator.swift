/// Checks a bank for what the server and the students rely on, one line per problem, each naming the file and the
/// question (`questions.json: question "gather-order": choice "c" has no feedback`). Checks that need the grader
/// (a model solution that must pass) are made by the caller, which has one.
public struct BankValidator: Sendable {
    /// A multiple choice question has 1 to this many correct choices, and at least one wrong one.
    public static let maxCorrectMultiple = 4
    /// A question has at most this many hints.
    public static let maxHints = 3

    public let file: String

    public init(file: String) {
        self.file = file
    }

    public func problems(in bank: QuestionBank) -> [String] {
        var problems: [String] = []
        func report(_ message: String) { problems.append("\(file): \(message)") }

        var topicIDs = Set<String>()
        for topic in bank.topics {
            if !topicIDs.insert(topic.id).inserted { report("topic \"\(topic.id)\" is defined twice") }
            if topic.title.isBlank { report("topic \"\(topic.id)\" has no title") }
            if topic.summary.isBlank { report("topic \"\(topic.id)\" has no summary") }
        }
        for required in Topic.requiredIDs where !topicIDs.contains(required) {
            report("topic \"\(required)\" is missing")
        }
        return problems + questionProblems(bank.questions, topicIDs: topicIDs)
    }

    /// The checks of each question, against the topics of every bank the server loads (a teacher's bank of code
    /// questions has no topics of its own).
    public func questionProblems(_ questions: [Question], topicIDs: Set<String>) -> [String] {
        var problems: [String] = []
        func report(_ message: String) { problems.append("\(file): \(message)") }
        var questionIDs = Set<String>()
        for question in questions {
            let name = "question \"\(question.id)\""
            if question.id.isBlank { report("a question has an empty id") }
            if !questionIDs.insert(question.id).inserted { report("\(name) is defined twice") }
            if question.id.contains(where: { !($0.isLetter || $0.isNumber || $0 == "-") }) {
                report("\(name): the id may hold only letters, digits and dashes")
            }
            if !topicIDs.contains(question.topic) { report("\(name): unknown topic \"\(question.topic)\"") }
            if question.title.isBlank { report("\(name): title is empty") }
            if question.prompt.isBlank { report("\(name): prompt is empty") }
            if question.explanation.isBlank { report("\(name): explanation is empty") }
            if !(1...3).contains(question.difficulty) { report("\(name): difficulty must be 1, 2 or 3") }
            for message in kindProblems(question) { report("\(name): \(message)") }
            let hints = question.hints ?? []
            if hints.count > Self.maxHints {
                report("\(name): has \(hints.count) hints; at most \(Self.maxHints) may be")
            }
            for (index, hint) in hints.enumerated() where hint.isBlank { report("\(name): hint \(index + 1) is empty") }
        }
        return problems
    }

    private func kindProblems(_ question: Question) -> [String] {
        var problems: [String] = []
        switch question.kind {
        case .singleChoice, .multipleChoice:
            guard let choices = question.choices, choices.count >= 2 else {
                return ["a choice question needs at least two choices"]
            }
            var ids = Set<String>()
            for choice in choices {
                if !ids.insert(choice.id).inserted { problems.append("choice \"\(choice.id)\" is defined twice") }
                if choice.text.isBlank { problems.append("choice \"\(choice.id)\" has no text") }
                if choice.feedback.isBlank { problems.append("choice \"\(choice.id)\" has no feedback") }
            }
            let correct = choices.filter(\.correct).count
            if correct == 0 { problems.append("no choice is correct") }
            if question.kind == .singleChoice, correct > 1 {
                problems.append("a single choice question has \(correct) correct choices")
            }
            if question.kind == .multipleChoice, correct == choices.count {
                problems.append("every choice is correct: nothing to tell apart")
            }
            if question.kind == .multipleChoice, correct > Self.maxCorrectMultiple {
                problems.append(
                    "a multiple choice question has \(correct) correct choices; at most \(Self.maxCorrectMultiple) may be"
                )
            }
        case .predictOutput:
            if question.code?.isBlank ?? true { problems.append("code is missing") }
            if question.answer == nil { problems.append("answer is missing") }
            if question.choices != nil { problems.append("choices are only for choice questions") }
            problems += variantProblems(question)
        case .code:
            if question.starter == nil { problems.append("starter is missing") }
            if question.solution?.isBlank ?? true { problems.append("solution is missing") }
            if (question.wrongSolutions ?? []).count < 3 { problems.append("needs at least three wrong solutions") }
            if question.choices != nil { problems.append("choices are only for choice questions") }
            problems += gradingProblems(question.grading)
        }
        return problems
    }

    /// A predict-output question's variants: variant 0 is its own code and answer; each has a program and a key,
    /// and no two print the same (a classmate's answer to another variant must be wrong).
    private func variantProblems(_ question: Question) -> [String] {
        guard let variants = question.variants, !variants.isEmpty else { return [] }
        var problems: [String] = []
        if variants.count < 2 { problems.append("variants: give at least two, or none") }
        if variants[0].code != question.code || variants[0].answer != question.answer {
            problems.append("variants[0] must be the question's own code and answer")
        }
        for (index, variant) in variants.enumerated() where variant.code.isBlank {
            problems.append("variants[\(index)] has no code")
        }
        let keys = variants.map { AnswerChecker.normalize($0.answer) }
        if Set(keys).count != keys.count { problems.append("two variants have the same answer") }
        return problems
    }

    /// The shape of a code question's grading data, as far as the server relies on it; the grader checks the rest
    /// when the model solution is graded (`docs/question.schema.json`).
    private func gradingProblems(_ grading: JSONValue?) -> [String] {
        guard let grading else { return [] }
        var problems: [String] = []
        let members = grading.members
        let entry: String? = if case .string(let value) = members["entry"] ?? .null { value } else { nil }
        if entry?.isBlank ?? true {
            problems.append("entry is missing: the name of the function or class the submission defines")
        }
        guard case .array(let tasks) = members["tasks"] ?? .null, !tasks.isEmpty else {
            return problems + ["tasks are missing: a code question needs at least one example task"]
        }
        var names = Set<String>()
        for (index, task) in tasks.enumerated() {
            guard case .string(let name) = task.members["name"] ?? .null, !name.isBlank else {
                problems.append("task \(index + 1) has no name")
                continue
            }
            if !names.insert(name).inserted { problems.append("task \"\(name)\" is defined twice") }
        }
        return problems
    }
}

extension String {
    var isBlank: Bool { allSatisfy(\.isWhitespace) }
}
