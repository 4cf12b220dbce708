import Foundation
import GRDB

/// Join policies (migration `v8-join-policy`) and the students who wait for approval or were added by name.
extension SQLiteStore: EnrolmentStore {
    static let pendingPrefix = "pending:"

    public func joinPolicy(classCode: String) async throws -> JoinPolicy? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT join_policy FROM classes WHERE code = ?", arguments: [classCode])
                .map { JoinPolicy(rawValue: $0) ?? .open }
        }
    }

    public func setJoinPolicy(classCode: String, _ policy: JoinPolicy) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE classes SET join_policy = ? WHERE code = ?",
                arguments: [policy.rawValue, classCode]
            )
        }
    }

    public func createPendingStudent(name: String, classCode: String, tokenHash: String) async throws -> StudentRecord {
        try await createStudent(name: name, classCode: classCode, tokenHash: Self.pendingPrefix + tokenHash)
    }

    public func createUnclaimedStudent(name: String, classCode: String) async throws -> StudentRecord {
        // A hash no token has: the student's token comes with their first readmission code.
        let unusable = "unclaimed:" + UUID().uuidString + UUID().uuidString
        return try await createStudent(name: name, classCode: classCode, tokenHash: unusable)
    }

    public func pendingStudent(tokenHash: String) async throws -> StudentRecord? {
        try await student(tokenHash: Self.pendingPrefix + tokenHash)
    }

    public func approve(studentID: String, classCode: String) async throws -> Bool {
        try await pool.write { db in
            guard
                try Row.fetchOne(
                    db,
                    sql: "SELECT 1 FROM students WHERE id = ? AND class_code = ?",
                    arguments: [studentID, classCode]
                ) != nil
            else { return false }
            try db.execute(
                sql: """
                    UPDATE students SET token_hash = substr(token_hash, ?) WHERE id = ? AND token_hash LIKE ?
                    """,
                arguments: [Self.pendingPrefix.count + 1, studentID, Self.pendingPrefix + "%"]
            )
            return true
        }
    }
}
