import Foundation
import GRDB

/// Hints taken (migration `v9-hints-taken`), in the same SQLite file.
extension SQLiteStore: HintStore {
    public func recordHint(studentID: String, questionID: String, n: Int, at date: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO hints_taken (student_id, question_id, hints, last_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (student_id, question_id) DO UPDATE SET
                        hints = MAX(hints, excluded.hints), last_at = excluded.last_at
                    """,
                arguments: [studentID, questionID, n, date.timeIntervalSince1970]
            )
        }
    }

    public func hintsTaken(classCode: String) async throws -> [String: [String: Int]] {
        try await pool.read { db in
            var taken: [String: [String: Int]] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT h.student_id, h.question_id, h.hints FROM hints_taken h
                    JOIN students s ON s.id = h.student_id WHERE s.class_code = ?
                    """,
                arguments: [classCode]
            ) {
                taken[row["student_id"], default: [:]][row["question_id"]] = row["hints"]
            }
            return taken
        }
    }
}
