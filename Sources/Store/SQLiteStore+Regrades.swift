import Foundation
import GRDB

/// Regrades in the SQLite file (migration `v9-regrades`): a job per class and question, an item per attempt.
///
/// The tables hold no foreign keys to `classes` or `attempts` on purpose: deleting a class (or its attempts) must not
/// be stopped by a regrade's history, which then simply refers to nothing (a change whose attempt is gone is not
/// listed).
extension SQLiteStore: RegradeStore {
    static func registerRegradeMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v9-regrades") { db in
            try db.execute(
                sql: """
                    CREATE TABLE regrades (
                        id TEXT PRIMARY KEY,
                        class_code TEXT NOT NULL,
                        question_id TEXT NOT NULL,
                        status TEXT NOT NULL,
                        version_to TEXT,
                        created_at DOUBLE NOT NULL,
                        finished_at DOUBLE);
                    CREATE UNIQUE INDEX regrades_running ON regrades(class_code, question_id) WHERE status = 'running';
                    CREATE INDEX regrades_by_status ON regrades(status, created_at);
                    CREATE TABLE regrade_items (
                        regrade_id TEXT NOT NULL,
                        attempt_id INTEGER NOT NULL,
                        state TEXT NOT NULL,
                        from_score DOUBLE,
                        to_score DOUBLE,
                        from_verdict TEXT,
                        to_verdict TEXT,
                        reason TEXT,
                        PRIMARY KEY (regrade_id, attempt_id)) WITHOUT ROWID;
                    CREATE INDEX regrade_items_by_state ON regrade_items(regrade_id, state, attempt_id);
                    """
            )
        }
    }

    public func startRegrade(
        id: String,
        classCode: String,
        questionID: String,
        kind: String,
        now: Date
    ) async throws -> (job: RegradeJob, created: Bool) {
        try await pool.write { db in
            guard try Row.fetchOne(db, sql: "SELECT 1 FROM classes WHERE code = ?", arguments: [classCode]) != nil
            else { throw StoreError.unknownClass(classCode) }
            if let running = try Row.fetchOne(
                db,
                sql:
                    "SELECT \(Self.regradeColumns) FROM regrades WHERE class_code = ? AND question_id = ? AND status = ?",
                arguments: [classCode, questionID, RegradeJob.Status.running.rawValue]
            ) {
                return (Self.regradeJob(running), false)
            }
            let job = RegradeJob(id: id, classCode: classCode, questionID: questionID, status: .running, createdAt: now)
            try db.execute(
                sql: "INSERT INTO regrades (id, class_code, question_id, status, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [id, classCode, questionID, job.status.rawValue, now.timeIntervalSince1970]
            )
            // The attempts as they are now: one made later was graded against the current question already.
            try db.execute(
                sql: """
                    INSERT INTO regrade_items (regrade_id, attempt_id, state)
                    SELECT ?, a.id, 'pending' FROM attempts a JOIN students s ON s.id = a.student_id
                    WHERE s.class_code = ? AND a.question_id = ? AND a.kind = ?
                    """,
                arguments: [id, classCode, questionID, kind]
            )
            return (job, true)
        }
    }

    public func regrade(id: String, classCode: String) async throws -> RegradeJob? {
        try await pool.read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT \(Self.regradeColumns) FROM regrades WHERE id = ? AND class_code = ?",
                arguments: [id, classCode]
            ).map(Self.regradeJob)
        }
    }

    public func regrades(classCode: String) async throws -> [RegradeJob] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT \(Self.regradeColumns) FROM regrades WHERE class_code = ? ORDER BY created_at DESC, id",
                arguments: [classCode]
            ).map(Self.regradeJob)
        }
    }

    public func regradeProgress(id: String) async throws -> RegradeProgress {
        try await pool.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(
                db,
                sql: "SELECT state, COUNT(*) FROM regrade_items WHERE regrade_id = ? GROUP BY state",
                arguments: [id]
            ) {
                counts[row[0]] = row[1]
            }
            return RegradeProgress(
                total: counts.values.reduce(0, +),
                regraded: counts["regraded"] ?? 0,
                unchanged: counts["unchanged"] ?? 0,
                failed: counts["failed"] ?? 0
            )
        }
    }

    public func regradeChanges(id: String) async throws -> [RegradeChange] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT a.student_id, i.attempt_id, i.from_score, i.to_score, i.from_verdict, i.to_verdict
                    FROM regrade_items i JOIN attempts a ON a.id = i.attempt_id
                    WHERE i.regrade_id = ? AND i.state = 'regraded' AND i.from_score != i.to_score
                    ORDER BY i.attempt_id
                    """,
                arguments: [id]
            ).map {
                RegradeChange(
                    studentID: $0[0],
                    attemptID: $0[1],
                    from: $0[2],
                    to: $0[3],
                    fromVerdict: $0[4],
                    toVerdict: $0[5]
                )
            }
        }
    }

    public func pendingRegradeAttempts(id: String, limit: Int) async throws -> [AttemptRecord] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT a.id, a.student_id, a.question_id, a.kind, a.answer, a.verdict, a.score, a.tasks,
                        a.created_at, a.version, a.seed
                    FROM regrade_items i JOIN attempts a ON a.id = i.attempt_id
                    WHERE i.regrade_id = ? AND i.state = 'pending'
                    ORDER BY i.attempt_id LIMIT ?
                    """,
                arguments: [id, limit]
            ).map {
                AttemptRecord(
                    id: $0[0],
                    studentID: $0[1],
                    questionID: $0[2],
                    kind: $0[3],
                    answer: $0[4],
                    verdict: $0[5],
                    score: $0[6],
                    tasks: $0[7],
                    createdAt: Date(timeIntervalSince1970: $0[8]),
                    version: $0[9],
                    seed: $0[10]
                )
            }
        }
    }

    public func completeRegradeItem(id: String, attemptID: Int64, outcome: RegradeOutcome) async throws -> Bool {
        try await pool.write { db in
            guard
                let attempt = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT a.student_id, a.question_id, a.score, a.verdict
                        FROM regrade_items i JOIN attempts a ON a.id = i.attempt_id
                        WHERE i.regrade_id = ? AND i.attempt_id = ? AND i.state = 'pending'
                        """,
                    arguments: [id, attemptID]
                )
            else {
                // Done already, or the attempt is gone (its class deleted): nothing to write. An item whose attempt
                // is gone is closed so that the job can finish.
                try db.execute(
                    sql: """
                        UPDATE regrade_items SET state = 'failed', reason = 'the attempt no longer exists'
                        WHERE regrade_id = ? AND attempt_id = ? AND state = 'pending'
                        """,
                    arguments: [id, attemptID]
                )
                return false
            }
            let studentID: String = attempt[0]
            let questionID: String = attempt[1]
            let fromScore: Double = attempt[2]
            let fromVerdict: String = attempt[3]
            switch outcome {
            case .regraded(let verdict, let score, let tasks, let version):
                try db.execute(
                    sql: "UPDATE attempts SET verdict = ?, score = ?, tasks = ?, version = ? WHERE id = ?",
                    arguments: [verdict, score, tasks, version, attemptID]
                )
                // The summary row agrees with the attempts again: the best score and the latest verdict.
                try db.execute(
                    sql: """
                        UPDATE progress SET
                            best = (SELECT MAX(score) FROM attempts WHERE student_id = ?1 AND question_id = ?2),
                            last_verdict = (SELECT verdict FROM attempts WHERE student_id = ?1 AND question_id = ?2
                                            ORDER BY id DESC LIMIT 1)
                        WHERE student_id = ?1 AND question_id = ?2
                        """,
                    arguments: [studentID, questionID]
                )
                try db.execute(
                    sql: """
                        UPDATE regrade_items SET state = 'regraded', from_score = ?, to_score = ?, from_verdict = ?,
                            to_verdict = ?
                        WHERE regrade_id = ? AND attempt_id = ?
                        """,
                    arguments: [fromScore, score, fromVerdict, verdict, id, attemptID]
                )
            case .unchanged:
                try db.execute(
                    sql: """
                        UPDATE regrade_items SET state = 'unchanged', from_score = ?, to_score = ?, from_verdict = ?,
                            to_verdict = ?
                        WHERE regrade_id = ? AND attempt_id = ?
                        """,
                    arguments: [fromScore, fromScore, fromVerdict, fromVerdict, id, attemptID]
                )
            case .failed(let reason):
                try db.execute(
                    sql:
                        "UPDATE regrade_items SET state = 'failed', reason = ? WHERE regrade_id = ? AND attempt_id = ?",
                    arguments: [reason, id, attemptID]
                )
            }
            return true
        }
    }

    public func setRegradeVersion(id: String, version: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE regrades SET version_to = ? WHERE id = ?", arguments: [version, id])
        }
    }

    public func finishRegrade(id: String, now: Date) async throws {
        try await pool.write { db in
            // Items still pending here have no attempt any more (deleted with their class): closed, not left open.
            try db.execute(
                sql: """
                    UPDATE regrade_items SET state = 'failed', reason = 'the attempt no longer exists'
                    WHERE regrade_id = ? AND state = 'pending' AND attempt_id NOT IN (SELECT id FROM attempts)
                    """,
                arguments: [id]
            )
            try db.execute(
                sql: "UPDATE regrades SET status = 'finished', finished_at = ? WHERE id = ? AND status = 'running'",
                arguments: [now.timeIntervalSince1970, id]
            )
        }
    }

    public func unfinishedRegrades() async throws -> [RegradeJob] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT \(Self.regradeColumns) FROM regrades WHERE status = 'running' ORDER BY created_at, id"
            ).map(Self.regradeJob)
        }
    }

    /// One process keeps the file: nothing to claim from another.
    public func withRegradeClaim(id: String, _ work: @Sendable () async throws -> Void) async throws {
        try await work()
    }

    private static let regradeColumns = "id, class_code, question_id, status, version_to, created_at, finished_at"

    private static func regradeJob(_ row: Row) -> RegradeJob {
        RegradeJob(
            id: row["id"],
            classCode: row["class_code"],
            questionID: row["question_id"],
            status: RegradeJob.Status(rawValue: row["status"]) ?? .running,
            versionTo: row["version_to"],
            createdAt: Date(timeIntervalSince1970: row["created_at"]),
            finishedAt: (row["finished_at"] as Double?).map(Date.init(timeIntervalSince1970:))
        )
    }
}
