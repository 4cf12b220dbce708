import Foundation
import PostgresNIO

/// Join policies (migration `v8-join-policy`) and the students who wait for approval or were added by name, in
/// PostgreSQL: the same rows as `SQLiteStore`'s, a waiting student's token under the `pending:` prefix.
extension PostgresStore: EnrolmentStore {
    public func joinPolicy(classCode: String) async throws -> JoinPolicy? {
        try await run { client in
            try await client.query("SELECT join_policy FROM classes WHERE code = \(classCode)")
                .decode(String.self).all().first.map { JoinPolicy(rawValue: $0) ?? .open }
        }
    }

    public func setJoinPolicy(classCode: String, _ policy: JoinPolicy) async throws {
        try await run { client in
            try await client.query("UPDATE classes SET join_policy = \(policy.rawValue) WHERE code = \(classCode)")
        }
    }

    public func createPendingStudent(name: String, classCode: String, tokenHash: String) async throws -> StudentRecord {
        try await createStudent(name: name, classCode: classCode, tokenHash: SQLiteStore.pendingPrefix + tokenHash)
    }

    public func createUnclaimedStudent(name: String, classCode: String) async throws -> StudentRecord {
        // A hash no token has: the student's token comes with their first readmission code.
        let unusable = "unclaimed:" + UUID().uuidString + UUID().uuidString
        return try await createStudent(name: name, classCode: classCode, tokenHash: unusable)
    }

    public func pendingStudent(tokenHash: String) async throws -> StudentRecord? {
        try await student(tokenHash: SQLiteStore.pendingPrefix + tokenHash)
    }

    public func approve(studentID: String, classCode: String) async throws -> Bool {
        let prefix = SQLiteStore.pendingPrefix
        return try await run { client in
            // The student exists in the class whether or not they were waiting; only a waiting one changes.
            try await !client.query(
                """
                UPDATE students SET token_hash = CASE WHEN token_hash LIKE \(prefix + "%")
                    THEN substr(token_hash, \(Int32(prefix.count + 1))) ELSE token_hash END
                WHERE id = \(studentID) AND class_code = \(classCode) RETURNING 1
                """
            ).decode(Int.self).all().isEmpty
        }
    }
}
