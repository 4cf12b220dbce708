import Foundation

/// What the server keeps: classes, students, attempts. SQLite (`SQLiteStore`, one server) and PostgreSQL
/// (`PostgresStore`, any number of servers) implement it; `Tests/QuizServerTests/StoreContractTests.swift` runs the
/// same suite against both.
public protocol AttemptStore: Sendable {
    func createClass(name: String) async throws -> ClassRecord
    func classRecord(code: String) async throws -> ClassRecord?
    func classes() async throws -> [ClassRecord]
    /// - Throws: `StoreError.unknownClass`, `StoreError.nameTaken` (names compare case-insensitively).
    func createStudent(name: String, classCode: String, tokenHash: String) async throws -> StudentRecord
    func student(tokenHash: String) async throws -> StudentRecord?
    /// Returns once the attempt is committed: the caller answers 200 only after this.
    func record(_ attempt: AttemptRecord) async throws -> AttemptRecord
    func attempts(studentID: String, limit: Int) async throws -> [AttemptRecord]
    func results(classCode: String) async throws -> ClassResults?
    /// Readiness: throws when the database cannot be reached.
    func ping() async throws
    /// The first answer recorded under a student's idempotency key, when it is younger than `since`.
    func idempotentResponse(studentID: String, key: String, since: Date) async throws -> String?
    /// Records the attempt and the answer given for it under the student's key, in one transaction; or, when an
    /// answer younger than `since` is already kept under that key, records nothing and returns that answer.
    func record(
        _ attempt: AttemptRecord,
        idempotencyKey: String,
        response: String,
        since: Date
    ) async throws
        -> IdempotentRecord
}

/// An `Idempotency-Key` to keep with an attempt: the key, the answer given for the attempt, and the moment before
/// which a kept answer has expired (keys live 24 hours; see the contract's "Idempotent submissions").
public struct IdempotencyClaim: Sendable, Equatable {
    public let key: String
    public let response: String
    public let since: Date

    public init(key: String, response: String, since: Date) {
        self.key = key
        self.response = response
        self.since = since
    }
}

/// What `record(_:idempotencyKey:response:since:)` did.
public enum IdempotentRecord: Sendable, Equatable {
    /// Recorded now, with its id.
    case recorded(AttemptRecord)
    /// The key was used already: nothing recorded; this is the first answer.
    case replayed(String)
}

/// Rate limits that every instance shares (PostgreSQL); a store serving one instance has none and the limiter
/// counts in memory. The other state that must be global when several instances serve (teacher sessions,
/// assignment deadlines, the regrade queue) belongs in the store the same way: a table, reached only through a
/// protocol like this one, never a per-process cache.
public protocol SharedRateLimits: Sendable {
    /// Counts one event for `key` in `scope`, or returns the seconds until one is allowed: at most `limit` events
    /// in any `window` seconds, by the database's clock.
    func admit(scope: String, key: String, limit: Int, window: Double) async throws -> Int?
    /// Takes back the newest event of `key` in `scope`.
    func refund(scope: String, key: String) async throws
}
