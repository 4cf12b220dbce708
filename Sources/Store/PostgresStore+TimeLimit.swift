import Foundation
import PostgresNIO

/// When each student first opened an assignment (`assignment_starts`, migration `v12-assignment-time-limit`), for
/// assignments with a time limit from first opening. Every instance on the database shares the one start.
extension PostgresStore {
    public func startAssignment(id: String, studentID: String, now: Date) async throws -> Date {
        let moment = now.timeIntervalSince1970
        return try await run { _ in
            try await self.transaction { connection in
                // The first start stays. Under READ COMMITTED the insert waits for a concurrent start to commit and
                // then inserts nothing; the next statement's snapshot sees that start.
                try await connection.query(
                    """
                    INSERT INTO assignment_starts (assignment_id, student_id, started_at)
                    VALUES (\(id), \(studentID), \(moment))
                    ON CONFLICT (assignment_id, student_id) DO NOTHING
                    """,
                    logger: self.logger
                )
                let started = try await connection.query(
                    """
                    SELECT started_at FROM assignment_starts WHERE assignment_id = \(id) AND student_id = \(studentID)
                    """,
                    logger: self.logger
                ).decode(Double.self).all().first
                return Date(timeIntervalSince1970: started ?? moment)
            }
        }
    }

    public func assignmentStarts(studentID: String) async throws -> [String: Date] {
        try await run { client in
            var starts: [String: Date] = [:]
            for try await (assignment, started) in try await client.query(
                "SELECT assignment_id, started_at FROM assignment_starts WHERE student_id = \(studentID)",
                logger: self.logger
            ).decode((String, Double).self) {
                starts[assignment] = Date(timeIntervalSince1970: started)
            }
            return starts
        }
    }

    public func assignmentStarts(assignmentID: String) async throws -> [String: Date] {
        try await run { client in
            var starts: [String: Date] = [:]
            for try await (student, started) in try await client.query(
                "SELECT student_id, started_at FROM assignment_starts WHERE assignment_id = \(assignmentID)",
                logger: self.logger
            ).decode((String, Double).self) {
                starts[student] = Date(timeIntervalSince1970: started)
            }
            return starts
        }
    }
}
