import Foundation
import GRDB

/// A teacher changing or deleting an assignment: the assignment and the `late` marks its change moves, in one
/// transaction, so that a crash leaves either the old terms with the old marks or the new ones with the new.
extension SQLiteStore {
    public func replaceAssignment(_ assignment: AssignmentRecord, late: [Int64: Bool?]) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE assignments SET title = ?, opens_at = ?, due_at = ?, opens_at_text = ?, due_at_text = ?,
                        max_attempts = ?, counts = ?, key = ?, time_limit_minutes = ?
                    WHERE id = ? AND class_code = ?
                    """,
                arguments: [
                    assignment.title, assignment.opensAt.timeIntervalSince1970, assignment.dueAt.timeIntervalSince1970,
                    assignment.opensAtText, assignment.dueAtText, assignment.maxAttempts, assignment.counts,
                    assignment.key, assignment.timeLimitMinutes, assignment.id, assignment.classCode,
                ]
            )
            guard db.changesCount == 1 else { return false }
            try db.execute(sql: "DELETE FROM assignment_questions WHERE assignment_id = ?", arguments: [assignment.id])
            try Self.insertQuestions(of: assignment, db)
            try Self.mark(late, db)
            return true
        }
    }

    public func deleteAssignment(id: String, classCode: String, late: [Int64: Bool?]) async throws -> Bool {
        try await pool.write { db in
            guard
                try Row.fetchOne(
                    db,
                    sql: "SELECT 1 FROM assignments WHERE id = ? AND class_code = ?",
                    arguments: [id, classCode]
                ) != nil
            else { return false }
            try db.execute(sql: "DELETE FROM assignment_starts WHERE assignment_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM assignment_questions WHERE assignment_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM assignments WHERE id = ?", arguments: [id])
            try Self.mark(late, db)
            return true
        }
    }

    private static func mark(_ late: [Int64: Bool?], _ db: Database) throws {
        let statement = try db.makeStatement(sql: "UPDATE attempts SET late = ? WHERE id = ?")
        for (id, value) in late {
            try statement.execute(arguments: [value, id])
        }
    }
}
