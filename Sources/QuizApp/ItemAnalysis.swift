import Foundation
import QuizCore
import Store

/// Item analysis of a class, or of one assignment: per question, how the class's counted students did.
///
/// - `attempts`: attempts on the question; `students`: students who made at least one.
/// - `first_try_right`: the share (0 to 1) of those students whose first attempt passed (verdict `passed`).
/// - `mean_best`: the mean, over those students, of their best score (0 to 1).
/// - `discrimination`: the item–rest correlation, as Moodle's quiz statistics define their discrimination index
///   (<https://docs.moodle.org/dev/Quiz_statistics_calculations>, "Discrimination index"): the Pearson
///   correlation, over the students who attempted the question, between their best score on it and their rest
///   score (the sum of their best scores on the other questions of the analysis; a question not attempted counts
///   0). From −1 to 1: near 1, students strong on the rest do well on this question and weak ones badly; near 0 or
///   below, the question does not separate them (or misleads the strong). With dichotomous scores it is the
///   point-biserial correlation. Moodle shows it times 100; here it is the correlation itself. null with fewer than
///   two students, or when either score does not vary.
/// - `options` (choice questions): each choice id (every choice of the question, 0 when no one picked it) and how
///   many students picked it on their first attempt (for multiple choice, each picked choice counts), the attempt
///   that shows what a student thought before any feedback.
/// - `task_statuses` (code questions): each task's name and how many attempts (all of them, not only the first)
///   ended with it in each status (`passed`, `not_concurrent`, `blocked_loop`…).
///
/// Shares, means and correlations are rounded to 4 decimal places.
struct ItemAnalysis: Encodable {
    struct Item: Encodable {
        var id: String
        var title: String?
        var kind: String?
        var attempts: Int
        var students: Int
        var firstTryRight: Double?
        var meanBest: Double?
        var discrimination: Double?
        var options: [String: Int]?
        var taskStatuses: [String: [String: Int]]?

        enum CodingKeys: String, CodingKey {
            case id, title, kind, attempts, students, discrimination, options
            case firstTryRight = "first_try_right"
            case meanBest = "mean_best"
            case taskStatuses = "task_statuses"
        }

        /// The three measures are always present, null when there is nothing to measure.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encodeIfPresent(title, forKey: .title)
            try container.encodeIfPresent(kind, forKey: .kind)
            try container.encode(attempts, forKey: .attempts)
            try container.encode(students, forKey: .students)
            try container.encode(firstTryRight, forKey: .firstTryRight)
            try container.encode(meanBest, forKey: .meanBest)
            try container.encode(discrimination, forKey: .discrimination)
            try container.encodeIfPresent(options, forKey: .options)
            try container.encodeIfPresent(taskStatuses, forKey: .taskStatuses)
        }
    }

    struct ClassInfo: Encodable {
        var code, name: String
    }

    struct AssignmentInfo: Encodable {
        var id, title: String
    }

    var `class`: ClassInfo
    var assignment: AssignmentInfo?
    var questions: [Item]

    /// - Parameters:
    ///   - questions: the questions to report, in order; any other question in `data` is reported after them, by id.
    ///   - data: the store's sums per question.
    ///   - bank: for each question's title, kind and choices (a question no longer in the bank is still reported).
    init(
        classRecord: ClassRecord,
        assignment: AssignmentRecord?,
        questions listed: [String],
        data: ItemAnalysisData,
        bank: QuestionBank
    ) {
        `class` = ClassInfo(code: classRecord.code, name: classRecord.name)
        self.assignment = assignment.map { AssignmentInfo(id: $0.id, title: $0.title) }
        var order: [String] = []
        var seen = Set<String>()
        for id in listed where seen.insert(id).inserted { order.append(id) }
        let extra = Set(data.questions.keys).union(data.taskTallies.map(\.questionID)).subtracting(seen)
        order += extra.sorted()
        var statuses: [String: [String: [String: Int]]] = [:]
        for tally in data.taskTallies {
            statuses[tally.questionID, default: [:]][tally.task, default: [:]][tally.status, default: 0] += tally.count
        }
        let byID = Dictionary(bank.questions.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.questions = order.map { id in
            let question = byID[id]
            let sum = data.questions[id] ?? ItemSums()
            var item = Item(
                id: id,
                title: question?.title,
                kind: question?.kind.rawValue,
                attempts: sum.attempts,
                students: sum.students
            )
            if sum.students > 0 {
                let n = Double(sum.students)
                item.firstTryRight = Self.round(Double(sum.firstPassed) / n)
                item.meanBest = Self.round(sum.x / n)
                item.discrimination = Self.correlation(sum)
            }
            if question?.kind.isChoice ?? sum.sawChoices {
                var options = sum.options
                for choice in question?.choices ?? [] where options[choice.id] == nil { options[choice.id] = 0 }
                item.options = options
            }
            let tasks = statuses[id] ?? [:]
            if question.map({ $0.kind == .code }) ?? !tasks.isEmpty { item.taskStatuses = tasks }
            return item
        }
    }

    /// Pearson's r from the sums; nil when fewer than two students or either variable is constant.
    private static func correlation(_ sum: ItemSums) -> Double? {
        guard sum.students >= 2 else { return nil }
        let n = Double(sum.students)
        let varianceX = n * sum.xx - sum.x * sum.x
        let varianceY = n * sum.yy - sum.y * sum.y
        // Relative to the size of the terms: sums of equal values cancel to rounding noise, not to 0.
        guard varianceX > 1e-9 * max(1, n * sum.xx), varianceY > 1e-9 * max(1, n * sum.yy) else { return nil }
        let r = (n * sum.xy - sum.x * sum.y) / (varianceX * varianceY).squareRoot()
        return round(min(1, max(-1, r)))
    }

    static func round(_ value: Double) -> Double {
        (value * 10_000).rounded() / 10_000
    }
}
