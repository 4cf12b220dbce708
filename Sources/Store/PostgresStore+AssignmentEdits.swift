import Foundation
import PostgresNIO

/// A teacher changing or deleting an assignment, as `SQLiteStore+AssignmentEdits`: the assignment and the `late`
/// marks its change moves, in one transaction.
extension PostgresStore {
    public func replaceAssignment(_ assignment: AssignmentRecord, late: [Int64: Bool?]) async throws -> Bool {
        try await run { _ in
            try await self.transaction { connection in
                let updated = try await connection.query(
                    """
                    UPDATE assignments SET title = \(assignment.title),
                        opens_at = \(assignment.opensAt.timeIntervalSince1970),
                        due_at = \(assignment.dueAt.timeIntervalSince1970),
                        opens_at_text = \(assignment.opensAtText), due_at_text = \(assignment.dueAtText),
                        max_attempts = \(assignment.maxAttempts.map(Int32.init)), counts = \(assignment.counts),
                        key = \(assignment.key), time_limit_minutes = \(assignment.timeLimitMinutes.map(Int32.init))
                    WHERE id = \(assignment.id) AND class_code = \(assignment.classCode)
                    RETURNING 1
                    """,
                    logger: self.logger
                ).decode(Int.self).all()
                guard !updated.isEmpty else { return false }
                try await connection.query(
                    "DELETE FROM assignment_questions WHERE assignment_id = \(assignment.id)",
                    logger: self.logger
                )
                try await self.insertQuestions(of: assignment, connection)
                try await self.mark(late, connection)
                return true
            }
        }
    }

    public func deleteAssignment(id: String, classCode: String, late: [Int64: Bool?]) async throws -> Bool {
        try await run { _ in
            try await self.transaction { connection in
                let found = try await connection.query(
                    "SELECT 1 FROM assignments WHERE id = \(id) AND class_code = \(classCode) FOR UPDATE",
                    logger: self.logger
                ).decode(Int.self).all()
                guard !found.isEmpty else { return false }
                try await connection.query(
                    "DELETE FROM assignment_starts WHERE assignment_id = \(id)",
                    logger: self.logger
                )
                try await connection.query(
                    "DELETE FROM assignment_questions WHERE assignment_id = \(id)",
                    logger: self.logger
                )
                try await connection.query("DELETE FROM assignments WHERE id = \(id)", logger: self.logger)
                try await self.mark(late, connection)
                return true
            }
        }
    }

    private func mark(_ late: [Int64: Bool?], _ connection: PostgresConnection) async throws {
        for (id, value) in late {
            try await connection.query("UPDATE attempts SET late = \(value) WHERE id = \(id)", logger: self.logger)
        }
    }
}
