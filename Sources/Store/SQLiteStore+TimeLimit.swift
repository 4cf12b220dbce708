import Foundation
import GRDB

/// When each student first opened an assignment (`assignment_starts`, migration `v12-assignment-time-limit`), for
/// assignments with a time limit from first opening.
extension SQLiteStore {
    public func startAssignment(id: String, studentID: String, now: Date) async throws -> Date {
        try await pool.write { db in
            // The first start stays: a second start inserts nothing and reads the first.
            try db.execute(
                sql: """
                    INSERT INTO assignment_starts (assignment_id, student_id, started_at) VALUES (?, ?, ?)
                    ON CONFLICT (assignment_id, student_id) DO NOTHING
                    """,
                arguments: [id, studentID, now.timeIntervalSince1970]
            )
            let started = try Double.fetchOne(
                db,
                sql: "SELECT started_at FROM assignment_starts WHERE assignment_id = ? AND student_id = ?",
                arguments: [id, studentID]
            )
            return Date(timeIntervalSince1970: started ?? now.timeIntervalSince1970)
        }
    }

    public func assignmentStarts(studentID: String) async throws -> [String: Date] {
        try await starts(keyedBy: "assignment_id", where: "student_id", studentID)
    }

    public func assignmentStarts(assignmentID: String) async throws -> [String: Date] {
        try await starts(keyedBy: "student_id", where: "assignment_id", assignmentID)
    }

    private func starts(keyedBy key: String, where column: String, _ value: String) async throws -> [String: Date] {
        try await pool.read { db in
            var starts: [String: Date] = [:]
            for row in try Row.fetchAll(
                db,
                sql: "SELECT \(key) AS k, started_at FROM assignment_starts WHERE \(column) = ?",
                arguments: [value]
            ) {
                starts[row["k"]] = Date(timeIntervalSince1970: row["started_at"])
            }
            return starts
        }
    }
}
