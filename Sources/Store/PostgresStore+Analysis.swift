import Foundation
import PostgresNIO

/// Item analysis in PostgreSQL (migration `v13-pg-item-analysis`), as in SQLite: the whole class's analysis reads
/// the summaries the triggers keep (`item_stats`, one row per student and question) and counts `task_outcomes`; an
/// assignment's counts only attempts made from its `opens_at` on, so it groups its own attempts (a few thousand)
/// through the covering index `attempts_for_analysis` (their code and tasks are not read).
extension PostgresStore: AnalysisStore {
    /// The condition on `s` (students) for a counted student: neither removed nor waiting for approval.
    private static let counted = "s.removed_at IS NULL AND s.token_hash NOT LIKE '\(SQLiteStore.pendingPrefix)%'"

    public func itemAnalysis(classCode: String, scope: AnalysisScope?) async throws -> ItemAnalysisData {
        var bindings = PostgresBindings()
        bindings.append(classCode)
        let itemsSQL: String
        let tallySQL: String
        if let scope {
            guard !scope.questionIDs.isEmpty else { return ItemAnalysisData(questions: [:], taskTallies: []) }
            bindings.append(scope.since.timeIntervalSince1970)
            bindings.append(scope.questionIDs)
            let filter = "s.class_code = $1 AND \(Self.counted) AND a.created_at >= $2 AND a.question_id = ANY($3)"
            itemsSQL = """
                WITH g AS (
                    SELECT a.student_id, a.question_id, count(*)::bigint AS n, max(a.score) AS best, min(a.id) AS first_id
                    FROM students s JOIN attempts a ON a.student_id = s.id
                    WHERE \(filter)
                    GROUP BY a.student_id, a.question_id)
                SELECT g.student_id, g.question_id, g.n, g.best, f.verdict = 'passed', quiz_choices(f.kind, f.answer)
                FROM g JOIN attempts f ON f.id = g.first_id
                ORDER BY g.student_id
                """
            tallySQL = """
                SELECT a.question_id, a.task, a.status, count(*)::bigint
                FROM students s JOIN task_outcomes a ON a.student_id = s.id
                WHERE \(filter)
                GROUP BY a.question_id, a.task, a.status
                """
        } else {
            itemsSQL = """
                SELECT i.student_id, i.question_id, i.attempts::bigint, i.best, i.first_passed, i.first_choices
                FROM students s JOIN item_stats i ON i.student_id = s.id
                WHERE s.class_code = $1 AND \(Self.counted)
                ORDER BY i.student_id
                """
            tallySQL = """
                SELECT o.question_id, o.task, o.status, count(*)::bigint
                FROM students s JOIN task_outcomes o ON o.student_id = s.id
                WHERE s.class_code = $1 AND \(Self.counted)
                GROUP BY o.question_id, o.task, o.status
                """
        }
        let itemsQuery = PostgresQuery(unsafeSQL: itemsSQL, binds: bindings)
        let tallyQuery = PostgresQuery(unsafeSQL: tallySQL, binds: bindings)
        return try await run { _ in
            try await self.transaction(isolation: "REPEATABLE READ, READ ONLY") { connection in
                var items: [ItemRow] = []
                for try await (student, question, attempts, best, passed, choices) in try await connection.query(
                    itemsQuery,
                    logger: self.logger
                ).decode((String, String, Int64, Double, Bool, String?).self) {
                    items.append(
                        ItemRow(
                            studentID: student,
                            questionID: question,
                            attempts: Int(attempts),
                            best: best,
                            firstPassed: passed,
                            // A choice answer with no choice is an empty list, as SQLite's NULL group is.
                            firstChoices: choices.map { $0.split(separator: "\u{1F}").map(String.init) }
                        )
                    )
                }
                let tallies = try await connection.query(tallyQuery, logger: self.logger)
                    .decode((String, String, String, Int64).self).all()
                    .map { TaskTally(questionID: $0.0, task: $0.1, status: $0.2, count: Int($0.3)) }
                return ItemAnalysisData(items: items, taskTallies: tallies)
            }
        }
    }
}
