import Foundation
import PostgresNIO

/// Item analysis in PostgreSQL (migration `v13-pg-item-analysis`). The rows per counted student and question come
/// from the summaries the triggers keep (`item_stats`) for the whole class, or, for an assignment (attempts made from
/// its `opens_at` on), from grouping its own attempts (a few thousand) through the covering index
/// `attempts_for_analysis`. Either way PostgreSQL sums them per question itself (the rest score with a window over
/// each student's rows) and sends one row per question and one per picked choice, rather than the 30,000 rows of a
/// class of 300 for the server to decode and sum.
extension PostgresStore: AnalysisStore {
    /// The condition on `s` (students) for a counted student: neither removed nor waiting for approval.
    private static let counted = "s.removed_at IS NULL AND s.token_hash NOT LIKE '\(SQLiteStore.pendingPrefix)%'"

    public func itemAnalysis(classCode: String, scope: AnalysisScope?) async throws -> ItemAnalysisData {
        var bindings = PostgresBindings()
        bindings.append(classCode)
        /// One row per counted student and question: student_id, question_id, attempts, best, first_passed,
        /// first_choices (the first attempt's choices joined by U+001F).
        let rows: String
        let tallySQL: String
        if let scope {
            guard !scope.questionIDs.isEmpty else { return ItemAnalysisData(questions: [:], taskTallies: []) }
            bindings.append(scope.since.timeIntervalSince1970)
            bindings.append(scope.questionIDs)
            let filter = "s.class_code = $1 AND \(Self.counted) AND a.created_at >= $2 AND a.question_id = ANY($3)"
            rows = """
                WITH g AS (
                    SELECT a.student_id, a.question_id, count(*) AS n, max(a.score) AS best, min(a.id) AS first_id
                    FROM students s JOIN attempts a ON a.student_id = s.id
                    WHERE \(filter)
                    GROUP BY a.student_id, a.question_id)
                SELECT g.student_id, g.question_id, g.n AS attempts, g.best, f.verdict = 'passed' AS first_passed,
                    quiz_choices(f.kind, f.answer) AS first_choices
                FROM g JOIN attempts f ON f.id = g.first_id
                """
            tallySQL = """
                SELECT a.question_id, a.task, a.status, count(*)::bigint
                FROM students s JOIN task_outcomes a ON a.student_id = s.id
                WHERE \(filter)
                GROUP BY a.question_id, a.task, a.status
                """
        } else {
            rows = """
                SELECT i.student_id, i.question_id, i.attempts, i.best, i.first_passed, i.first_choices
                FROM students s JOIN item_stats i ON i.student_id = s.id
                WHERE s.class_code = $1 AND \(Self.counted)
                """
            tallySQL = """
                SELECT o.question_id, o.task, o.status, count(*)::bigint
                FROM students s JOIN task_outcomes o ON o.student_id = s.id
                WHERE s.class_code = $1 AND \(Self.counted)
                GROUP BY o.question_id, o.task, o.status
                """
        }
        // x: a student's best score on the question; y: their rest score (their other questions' best scores).
        let sumsQuery = PostgresQuery(
            unsafeSQL: """
                WITH i AS (\(rows)),
                r AS (SELECT i.*, sum(i.best) OVER (PARTITION BY i.student_id) - i.best AS rest FROM i)
                SELECT question_id, count(*)::bigint, sum(attempts)::bigint,
                    (count(*) FILTER (WHERE first_passed))::bigint,
                    sum(best), sum(rest), sum(best * best), sum(rest * rest), sum(best * rest),
                    bool_or(first_choices IS NOT NULL)
                FROM r GROUP BY question_id
                """,
            binds: bindings
        )
        // Each choice once per first answer (a choice listed twice is picked once).
        let optionsQuery = PostgresQuery(
            unsafeSQL: """
                WITH i AS (\(rows))
                SELECT question_id, choice, count(*)::bigint FROM (
                    SELECT DISTINCT i.student_id, i.question_id, c.choice
                    FROM i, unnest(string_to_array(i.first_choices, chr(31))) AS c(choice)
                    WHERE c.choice <> '') picked
                GROUP BY question_id, choice
                """,
            binds: bindings
        )
        let tallyQuery = PostgresQuery(unsafeSQL: tallySQL, binds: bindings)
        return try await run { _ in
            try await self.transaction(isolation: "REPEATABLE READ, READ ONLY") { connection in
                var questions: [String: ItemSums] = [:]
                for try await row in try await connection.query(sumsQuery, logger: self.logger) {
                    let (question, students, attempts, firstPassed, x, y, xx, yy, xy, sawChoices) = try row.decode(
                        (String, Int64, Int64, Int64, Double, Double, Double, Double, Double, Bool).self
                    )
                    var sums = ItemSums()
                    sums.students = Int(students)
                    sums.attempts = Int(attempts)
                    sums.firstPassed = Int(firstPassed)
                    (sums.x, sums.y, sums.xx, sums.yy, sums.xy) = (x, y, xx, yy, xy)
                    sums.sawChoices = sawChoices
                    questions[question] = sums
                }
                for try await (question, choice, count) in try await connection.query(
                    optionsQuery,
                    logger: self.logger
                ).decode((String, String, Int64).self) {
                    questions[question]?.options[choice] = Int(count)
                }
                let tallies = try await connection.query(tallyQuery, logger: self.logger)
                    .decode((String, String, String, Int64).self).all()
                    .map { TaskTally(questionID: $0.0, task: $0.1, status: $0.2, count: Int($0.3)) }
                return ItemAnalysisData(questions: questions, taskTallies: tallies)
            }
        }
    }
}
