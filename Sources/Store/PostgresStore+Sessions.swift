import Foundation
import PostgresNIO

/// Sign-in names, password hashes and sessions in PostgreSQL (migration `v7-sign-in`): a session made on one
/// instance opens the teacher's classes on every other, and ends on all of them at once.
extension PostgresStore: TeacherSessionStore {
    public func setSignIn(teacherID: String, login: String, passwordHash: String) async throws {
        try await run { _ in
            try await self.transaction { connection in
                let taken = try await connection.query(
                    "SELECT 1 FROM teachers WHERE login = \(login) AND id != \(teacherID)",
                    logger: self.logger
                ).decode(Int.self).all()
                if !taken.isEmpty { throw TeacherSessionStoreError.loginTaken(login) }
                do {
                    try await connection.query(
                        """
                        UPDATE teachers SET login = \(login), password_hash = \(passwordHash)
                        WHERE id = \(teacherID) AND deleted_at IS NULL
                        """,
                        logger: self.logger
                    )
                } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
                    // Another instance took the name between the check and the update: the unique index says so.
                    throw TeacherSessionStoreError.loginTaken(login)
                }
                try await connection.query(
                    "DELETE FROM teacher_sessions WHERE teacher_id = \(teacherID)",
                    logger: self.logger
                )
            }
        }
    }

    public func signIn(login: String) async throws -> (teacher: TeacherRecord, passwordHash: String)? {
        try await run { client in
            try await client.query(
                """
                SELECT id, name, created_at, password_hash FROM teachers
                WHERE login = \(login) AND deleted_at IS NULL AND password_hash IS NOT NULL
                """
            ).decode((String, String, Double, String).self).all().first.map {
                (TeacherRecord(id: $0.0, name: $0.1, createdAt: Date(timeIntervalSince1970: $0.2)), $0.3)
            }
        }
    }

    public func createSession(teacherID: String, tokenHash: String, expiresAt: Date) async throws {
        try await run { _ in
            try await self.transaction { connection in
                // Expired sessions go when new ones come: the table stays the size of the sessions in use.
                try await connection.query(
                    "DELETE FROM teacher_sessions WHERE expires_at <= \(Date().timeIntervalSince1970)",
                    logger: self.logger
                )
                try await connection.query(
                    """
                    INSERT INTO teacher_sessions (token_hash, teacher_id, expires_at)
                    VALUES (\(tokenHash), \(teacherID), \(expiresAt.timeIntervalSince1970))
                    """,
                    logger: self.logger
                )
            }
        }
    }

    public func teacher(sessionHash: String, now: Date) async throws -> TeacherRecord? {
        try await run { client in
            try await client.query(
                """
                SELECT t.id, t.name, t.created_at FROM teacher_sessions s JOIN teachers t ON t.id = s.teacher_id
                WHERE s.token_hash = \(sessionHash) AND s.expires_at > \(now.timeIntervalSince1970)
                AND t.deleted_at IS NULL
                """
            ).decode((String, String, Double).self).all().first.map {
                TeacherRecord(id: $0.0, name: $0.1, createdAt: Date(timeIntervalSince1970: $0.2))
            }
        }
    }

    public func deleteSession(tokenHash: String) async throws {
        try await run { client in
            try await client.query("DELETE FROM teacher_sessions WHERE token_hash = \(tokenHash)")
        }
    }
}
