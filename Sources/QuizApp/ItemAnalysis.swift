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
///   point-biserial correlation. null with fewer than two students, or when either score does not vary.
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

    /// Sums over the students who attempted one question, for its measures.
    private struct Sums {
        var students = 0
        var attempts = 0
        var firstPassed = 0
        var x = 0.0, y = 0.0, xx = 0.0, yy = 0.0, xy = 0.0
        var options: [String: Int] = [:]
        var sawChoices = false
    }

    /// - Parameters:
    ///   - questions: the questions to report, in order; any other question in `data` is reported after them, by id.
    ///   - data: the store's rows, all of one student's rows together.
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
        var order = listed
        var index: [String: Int] = [:]
        for (position, id) in order.enumerated() where index[id] == nil { index[id] = position }
        var extra = Set<String>()
        for row in data.items where index[row.questionID] == nil { extra.insert(row.questionID) }
        for tally in data.taskTallies where index[tally.questionID] == nil { extra.insert(tally.questionID) }
        for id in extra.sorted() {
            index[id] = order.count
            order.append(id)
        }
        var sums = [Sums](repeating: Sums(), count: order.count)
        // One student at a time: their total first, then each of their questions against the rest.
        var start = 0
        let items = data.items
        while start < items.count {
            var end = start
            var total = 0.0
            while end < items.count && items[end].studentID == items[start].studentID {
                total += items[end].best
                end += 1
            }
            for row in items[start..<end] {
                guard let at = index[row.questionID] else { continue }
                let x = row.best
                let y = total - x
                sums[at].students += 1
                sums[at].attempts += row.attempts
                if row.firstPassed { sums[at].firstPassed += 1 }
                sums[at].x += x
                sums[at].y += y
                sums[at].xx += x * x
                sums[at].yy += y * y
                sums[at].xy += x * y
                if let choices = row.firstChoices {
                    sums[at].sawChoices = true
                    for choice in Set(choices) { sums[at].options[choice, default: 0] += 1 }
                }
            }
            start = end
        }
        var statuses: [[String: [String: Int]]] = Array(repeating: [:], count: order.count)
        for tally in data.taskTallies {
            guard let at = index[tally.questionID] else { continue }
            statuses[at][tally.task, default: [:]][tally.status, default: 0] += tally.count
        }
        self.questions = order.enumerated().map { at, id in
            let question = bank.question(id)
            let sum = sums[at]
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
            if question.map({ $0.kind == .code }) ?? !statuses[at].isEmpty {
                item.taskStatuses = statuses[at]
            }
            return item
        }
    }

    /// Pearson's r from the sums; nil when fewer than two students or either variable is constant.
    private static func correlation(_ sum: Sums) -> Double? {
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
