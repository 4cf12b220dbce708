import Foundation
import GRDB

/// Sign-in names, password hashes and sessions, in the teachers' tables (migration `v7-sign-in`).
extension SQLiteStore: TeacherSessionStore {
    public func setSignIn(teacherID: String, login: String, passwordHash: String) async throws {
        try await pool.write { db in
            if try Row.fetchOne(
                db,
                sql: "SELECT 1 FROM teachers WHERE login = ? AND id != ?",
                arguments: [login, teacherID]
            ) != nil {
                throw TeacherSessionStoreError.loginTaken(login)
            }
            try db.execute(
                sql: "UPDATE teachers SET login = ?, password_hash = ? WHERE id = ? AND deleted_at IS NULL",
                arguments: [login, passwordHash, teacherID]
            )
            try db.execute(sql: "DELETE FROM teacher_sessions WHERE teacher_id = ?", arguments: [teacherID])
        }
    }

    public func signIn(login: String) async throws -> (teacher: TeacherRecord, passwordHash: String)? {
        try await pool.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT id, name, created_at, password_hash FROM teachers
                        WHERE login = ? AND deleted_at IS NULL AND password_hash IS NOT NULL
                        """,
                    arguments: [login]
                )
            else { return nil }
            return (
                TeacherRecord(
                    id: row["id"],
                    name: row["name"],
                    createdAt: Date(timeIntervalSince1970: row["created_at"])
                ),
                row["password_hash"]
            )
        }
    }

    public func createSession(teacherID: String, tokenHash: String, expiresAt: Date) async throws {
        try await pool.write { db in
            // Expired sessions go when new ones come: the table stays the size of the sessions in use.
            try db.execute(
                sql: "DELETE FROM teacher_sessions WHERE expires_at <= ?",
                arguments: [Date().timeIntervalSince1970]
            )
            try db.execute(
                sql: "INSERT INTO teacher_sessions (token_hash, teacher_id, expires_at) VALUES (?, ?, ?)",
                arguments: [tokenHash, teacherID, expiresAt.timeIntervalSince1970]
            )
        }
    }

    public func teacher(sessionHash: String, now: Date) async throws -> TeacherRecord? {
        try await pool.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT t.id, t.name, t.created_at FROM teacher_sessions s JOIN teachers t ON t.id = s.teacher_id
                    WHERE s.token_hash = ? AND s.expires_at > ? AND t.deleted_at IS NULL
                    """,
                arguments: [sessionHash, now.timeIntervalSince1970]
            ).map {
                TeacherRecord(id: $0["id"], name: $0["name"], createdAt: Date(timeIntervalSince1970: $0["created_at"]))
            }
        }
    }

    public func deleteSession(tokenHash: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM teacher_sessions WHERE token_hash = ?", arguments: [tokenHash])
        }
    }
}
