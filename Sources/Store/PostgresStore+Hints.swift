import Foundation
import PostgresNIO

/// Hints taken (migration `v9-hints-taken`), in PostgreSQL.
extension PostgresStore: HintStore {
    public func recordHint(studentID: String, questionID: String, n: Int, at date: Date) async throws {
        try await run { client in
            try await client.query(
                """
                INSERT INTO hints_taken (student_id, question_id, hints, last_at)
                VALUES (\(studentID), \(questionID), \(Int32(clamping: n)), \(date.timeIntervalSince1970))
                ON CONFLICT (student_id, question_id) DO UPDATE SET
                    hints = GREATEST(hints_taken.hints, excluded.hints), last_at = excluded.last_at
                """
            )
        }
    }

    public func hintsTaken(classCode: String) async throws -> [String: [String: Int]] {
        try await run { client in
            var taken: [String: [String: Int]] = [:]
            for try await (student, question, hints) in try await client.query(
                """
                SELECT h.student_id, h.question_id, h.hints FROM hints_taken h
                JOIN students s ON s.id = h.student_id WHERE s.class_code = \(classCode)
                """
            ).decode((String, String, Int32).self) {
                taken[student, default: [:]][question] = Int(hints)
            }
            return taken
        }
    }
}
