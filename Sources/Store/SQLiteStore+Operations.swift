import Foundation
import GRDB

/// Readiness, idempotent recording, and online backup for the SQLite store.
extension SQLiteStore {
    public func ping() async throws {
        _ = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    public func idempotentResponse(studentID: String, key: String, since: Date) async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(
                db,
                sql: "SELECT response FROM idempotency_keys WHERE student_id = ? AND key = ? AND created_at >= ?",
                arguments: [studentID, key, since.timeIntervalSince1970]
            )
        }
    }

    public func record(
        _ attempt: AttemptRecord,
        idempotencyKey: String,
        response: String,
        since: Date
    ) async throws
        -> IdempotentRecord
    {
        let claim = IdempotencyClaim(key: idempotencyKey, response: response, since: since)
        let saved = try await pool.write { db -> IdempotentRecord in
            if let first = try Self.replay(claim, studentID: attempt.studentID, db) { return .replayed(first) }
            let saved = try Self.insert(attempt, db)
            try Self.keep(claim, for: saved, db)
            return .recorded(saved)
        }
        await dropExpiredKeys(before: since, keeping: idempotencyKey, of: attempt.studentID)
        return saved
    }

    /// The first answer kept under the claim's key, when it is younger than the claim's `since`; otherwise nil, and
    /// an expired row under that key is deleted so that the key is used afresh. In the caller's transaction.
    static func replay(_ claim: IdempotencyClaim, studentID: String, _ db: Database) throws -> String? {
        if let first = try String.fetchOne(
            db,
            sql: "SELECT response FROM idempotency_keys WHERE student_id = ? AND key = ? AND created_at >= ?",
            arguments: [studentID, claim.key, claim.since.timeIntervalSince1970]
        ) {
            return first
        }
        try db.execute(
            sql: "DELETE FROM idempotency_keys WHERE student_id = ? AND key = ?",
            arguments: [studentID, claim.key]
        )
        return nil
    }

    /// Keeps the claim's answer under its key for the attempt just inserted, in the caller's transaction.
    static func keep(_ claim: IdempotencyClaim, for saved: AttemptRecord, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO idempotency_keys (student_id, key, created_at, attempt_id, response)
                VALUES (?, ?, ?, ?, ?)
                """,
            arguments: [
                saved.studentID, claim.key, saved.createdAt.timeIntervalSince1970, saved.id, claim.response,
            ]
        )
    }

    /// Keys past their day are dropped now and then, outside the transaction that answers; never the key just
    /// answered under (a caller's `since` may be later than that key's time).
    func dropExpiredKeys(before since: Date, keeping key: String, of studentID: String) async {
        guard Int.random(in: 0..<200) == 0 else { return }
        try? await pool.write { db in
            try db.execute(
                sql: "DELETE FROM idempotency_keys WHERE created_at < ? AND NOT (student_id = ? AND key = ?)",
                arguments: [since.timeIntervalSince1970, studentID, key]
            )
        }
    }

    /// The attempt and its summary row, in the caller's transaction: the one place the SQLite store inserts an
    /// attempt (a column added to `attempts` is added here, and in `PostgresStore.insert`). `late`: on an
    /// assignment's question, whether it came after the due time; nil outside any assignment.
    static func insert(_ attempt: AttemptRecord, late: Bool? = nil, _ db: Database) throws -> AttemptRecord {
        try db.execute(
            sql: """
                INSERT INTO attempts
                    (student_id, question_id, kind, answer, verdict, score, tasks, created_at, version, seed, late)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                attempt.studentID, attempt.questionID, attempt.kind, attempt.answer, attempt.verdict, attempt.score,
                attempt.tasks, attempt.createdAt.timeIntervalSince1970, attempt.version, attempt.seed, late,
            ]
        )
        var saved = attempt
        saved.id = db.lastInsertedRowID
        // The summary row changes in the same transaction as the attempt, so the two always agree.
        try db.execute(
            sql: """
                INSERT INTO progress (student_id, question_id, best, attempts, last_verdict) VALUES (?, ?, ?, 1, ?)
                ON CONFLICT (student_id, question_id) DO UPDATE SET
                    best = MAX(best, excluded.best), attempts = attempts + 1, last_verdict = excluded.last_verdict
                """,
            arguments: [attempt.studentID, attempt.questionID, attempt.score, attempt.verdict]
        )
        return saved
    }

    /// Copies the live database to `path` with SQLite's online backup API: the server keeps serving, and the copy
    /// is one consistent moment.
    public func backup(to path: String) throws {
        let destination = try DatabaseQueue(path: path)
        try pool.backup(to: destination)
        try destination.close()
    }

    /// Replaces the live database's contents with the backup at `path`, while serving (the online backup API,
    /// the other way), then brings its schema up to date.
    public func restore(from path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError.unavailable("no file \(path)") }
        let source = try DatabaseQueue(path: path, configuration: Configuration.readOnlyConfiguration)
        try source.backup(to: pool)
        try source.close()
        try Self.migrator.migrate(pool)
    }
}

extension Configuration {
    static var readOnlyConfiguration: Configuration {
        var configuration = Configuration()
        configuration.readonly = true
        return configuration
    }
}
