import Foundation
import PostgresNIO

/// Regrades in PostgreSQL (migration `v13-pg-regrades`): a job per class and question, an item per attempt, as in
/// SQLite; and one queue for every instance. A job is worked on by the instance that holds its claim, a session-level
/// advisory lock (`withRegradeClaim`): the others wait for that lock in the database, so the moment the holder's
/// session ends (it finished, or its process died and the server closed the session) one of them takes the job up
/// where it stopped. Each item is written once: `completeRegradeItem` locks the item's row and writes only a pending
/// one, whoever asks.
extension PostgresStore: RegradeStore {
    /// The first key of the advisory locks that claim regrades (the second is the hash of the job's id).
    static let regradeLockSpace: Int32 = 7_271_002

    public func startRegrade(
        id: String,
        classCode: String,
        questionID: String,
        kind: String,
        now: Date
    ) async throws -> (job: RegradeJob, created: Bool) {
        try await run { _ in
            try await self.transaction { connection in
                try await self.lockClass(classCode, connection)
                // The partial unique index settles two instances starting the same regrade at once: the second
                // waits for the first's commit, inserts nothing, and answers the running job.
                let inserted = try await connection.query(
                    """
                    INSERT INTO regrades (id, class_code, question_id, status, created_at)
                    VALUES (\(id), \(classCode), \(questionID), 'running', \(now.timeIntervalSince1970))
                    ON CONFLICT (class_code, question_id) WHERE status = 'running' DO NOTHING RETURNING id
                    """,
                    logger: self.logger
                ).decode(String.self).all()
                guard !inserted.isEmpty else {
                    let running = try await self.regradeJobs(
                        connection,
                        """
                        SELECT \(unescaped: Self.regradeColumns) FROM regrades
                        WHERE class_code = \(classCode) AND question_id = \(questionID) AND status = 'running'
                        """
                    )
                    guard let job = running.first else { throw StoreError.unavailable("the running regrade vanished") }
                    return (job, false)
                }
                // The attempts as they are now: one made later was graded against the current question already.
                try await connection.query(
                    """
                    INSERT INTO regrade_items (regrade_id, attempt_id, state)
                    SELECT \(id), a.id, 'pending' FROM attempts a JOIN students s ON s.id = a.student_id
                    WHERE s.class_code = \(classCode) AND a.question_id = \(questionID) AND a.kind = \(kind)
                    """,
                    logger: self.logger
                )
                return (
                    RegradeJob(id: id, classCode: classCode, questionID: questionID, status: .running, createdAt: now),
                    true
                )
            }
        }
    }

    public func regrade(id: String, classCode: String) async throws -> RegradeJob? {
        try await run { _ in
            try await self.transaction(isolation: "READ COMMITTED, READ ONLY") { connection in
                try await self.regradeJobs(
                    connection,
                    "SELECT \(unescaped: Self.regradeColumns) FROM regrades WHERE id = \(id) AND class_code = \(classCode)"
                ).first
            }
        }
    }

    public func regrades(classCode: String) async throws -> [RegradeJob] {
        try await run { _ in
            try await self.transaction(isolation: "READ COMMITTED, READ ONLY") { connection in
                try await self.regradeJobs(
                    connection,
                    """
                    SELECT \(unescaped: Self.regradeColumns) FROM regrades WHERE class_code = \(classCode)
                    ORDER BY created_at DESC, id COLLATE "C"
                    """
                )
            }
        }
    }

    public func regradeProgress(id: String) async throws -> RegradeProgress {
        try await run { client in
            var counts: [String: Int] = [:]
            for try await (state, count) in try await client.query(
                "SELECT state, count(*)::bigint FROM regrade_items WHERE regrade_id = \(id) GROUP BY state"
            ).decode((String, Int64).self) {
                counts[state] = Int(count)
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
        try await run { client in
            try await client.query(
                """
                SELECT a.student_id, i.attempt_id, i.from_score, i.to_score, i.from_verdict, i.to_verdict
                FROM regrade_items i JOIN attempts a ON a.id = i.attempt_id
                WHERE i.regrade_id = \(id) AND i.state = 'regraded' AND i.from_score != i.to_score
                ORDER BY i.attempt_id
                """
            ).decode((String, Int64, Double, Double, String, String).self).all().map {
                RegradeChange(
                    studentID: $0.0,
                    attemptID: $0.1,
                    from: $0.2,
                    to: $0.3,
                    fromVerdict: $0.4,
                    toVerdict: $0.5
                )
            }
        }
    }

    public func pendingRegradeAttempts(id: String, limit: Int) async throws -> [AttemptRecord] {
        try await run { client in
            try await Self.storedAttempts(
                client.query(
                    """
                    SELECT a.id, a.student_id, a.question_id, a.kind, a.answer, a.verdict, a.score, a.tasks,
                        a.created_at, a.version, a.seed, a.late
                    FROM regrade_items i JOIN attempts a ON a.id = i.attempt_id
                    WHERE i.regrade_id = \(id) AND i.state = 'pending'
                    ORDER BY i.attempt_id LIMIT \(limit)
                    """
                )
            ).map(\.record)
        }
    }

    public func completeRegradeItem(id: String, attemptID: Int64, outcome: RegradeOutcome) async throws -> Bool {
        try await run { _ in
            try await self.transaction { connection in
                // The item's row locked: two writers of one item (after a lost claim) take turns, and the second
                // finds it done.
                let pending = try await connection.query(
                    """
                    SELECT 1 FROM regrade_items WHERE regrade_id = \(id) AND attempt_id = \(attemptID)
                    AND state = 'pending' FOR UPDATE
                    """,
                    logger: self.logger
                ).decode(Int.self).all()
                guard !pending.isEmpty else { return false }
                guard
                    let attempt = try await connection.query(
                        "SELECT student_id, question_id, score, verdict FROM attempts WHERE id = \(attemptID) FOR UPDATE",
                        logger: self.logger
                    ).decode((String, String, Double, String).self).all().first
                else {
                    // The attempt is gone (its class deleted): the item is closed so that the job can finish.
                    try await connection.query(
                        """
                        UPDATE regrade_items SET state = 'failed', reason = 'the attempt no longer exists'
                        WHERE regrade_id = \(id) AND attempt_id = \(attemptID)
                        """,
                        logger: self.logger
                    )
                    return false
                }
                let (studentID, questionID, fromScore, fromVerdict) = attempt
                switch outcome {
                case .regraded(let verdict, let score, let tasks, let version):
                    try await connection.query(
                        """
                        UPDATE attempts SET verdict = \(verdict), score = \(score), tasks = \(tasks), version = \(version)
                        WHERE id = \(attemptID)
                        """,
                        logger: self.logger
                    )
                    // The summary row agrees with the attempts again: the best score and the latest verdict.
                    try await connection.query(
                        """
                        UPDATE progress SET
                            best = (SELECT max(score) FROM attempts
                                    WHERE student_id = \(studentID) AND question_id = \(questionID)),
                            last_verdict = (SELECT verdict FROM attempts
                                            WHERE student_id = \(studentID) AND question_id = \(questionID)
                                            ORDER BY id DESC LIMIT 1)
                        WHERE student_id = \(studentID) AND question_id = \(questionID)
                        """,
                        logger: self.logger
                    )
                    try await self.closeItem(
                        id,
                        attemptID,
                        "regraded",
                        fromScore,
                        score,
                        fromVerdict,
                        verdict,
                        connection
                    )
                case .unchanged:
                    try await self.closeItem(
                        id,
                        attemptID,
                        "unchanged",
                        fromScore,
                        fromScore,
                        fromVerdict,
                        fromVerdict,
                        connection
                    )
                case .failed(let reason):
                    try await connection.query(
                        """
                        UPDATE regrade_items SET state = 'failed', reason = \(reason)
                        WHERE regrade_id = \(id) AND attempt_id = \(attemptID)
                        """,
                        logger: self.logger
                    )
                }
                return true
            }
        }
    }

    private func closeItem(
        _ id: String,
        _ attemptID: Int64,
        _ state: String,
        _ fromScore: Double,
        _ toScore: Double,
        _ fromVerdict: String,
        _ toVerdict: String,
        _ connection: PostgresConnection
    ) async throws {
        try await connection.query(
            """
            UPDATE regrade_items SET state = \(state), from_score = \(fromScore), to_score = \(toScore),
                from_verdict = \(fromVerdict), to_verdict = \(toVerdict)
            WHERE regrade_id = \(id) AND attempt_id = \(attemptID)
            """,
            logger: logger
        )
    }

    public func setRegradeVersion(id: String, version: String) async throws {
        try await run { client in
            try await client.query("UPDATE regrades SET version_to = \(version) WHERE id = \(id)")
        }
    }

    public func finishRegrade(id: String, now: Date) async throws {
        try await run { _ in
            try await self.transaction { connection in
                // Items still pending here have no attempt any more (deleted with their class): closed, not left open.
                try await connection.query(
                    """
                    UPDATE regrade_items i SET state = 'failed', reason = 'the attempt no longer exists'
                    WHERE i.regrade_id = \(id) AND i.state = 'pending'
                    AND NOT EXISTS (SELECT 1 FROM attempts a WHERE a.id = i.attempt_id)
                    """,
                    logger: self.logger
                )
                try await connection.query(
                    """
                    UPDATE regrades SET status = 'finished', finished_at = \(now.timeIntervalSince1970)
                    WHERE id = \(id) AND status = 'running'
                    """,
                    logger: self.logger
                )
            }
        }
    }

    public func unfinishedRegrades() async throws -> [RegradeJob] {
        try await run { _ in
            try await self.transaction(isolation: "READ COMMITTED, READ ONLY") { connection in
                try await self.regradeJobs(
                    connection,
                    """
                    SELECT \(unescaped: Self.regradeColumns) FROM regrades WHERE status = 'running'
                    ORDER BY created_at, id COLLATE "C"
                    """
                )
            }
        }
    }

    /// Holds the job's advisory lock on one pooled connection, leased for the whole time, and runs `work` once it is
    /// held. While another session holds it, PostgreSQL makes this one wait and wakes it when that session ends:
    /// the holder let it go, or its process died (the server ends a session whose client vanished, and its locks
    /// with it). No deadline: waiting is the point. Once held, the other instances are told
    /// (`StoreEvent.regradeClaimed`), so that each waits for it in turn and takes the job over should this one die.
    public func withRegradeClaim(id: String, _ work: @Sendable () async throws -> Void) async throws {
        try await client.withConnection { connection in
            try await connection.query(
                "SELECT pg_advisory_lock(\(Self.regradeLockSpace), hashtext(\(id)))::text",
                logger: self.logger
            )
            do {
                try await connection.query(
                    "SELECT pg_notify(\(Self.eventChannel), \(StoreEvent.regradeClaimed(id).payload))::text",
                    logger: self.logger
                )
                try await work()
            } catch {
                _ = try? await connection.query(
                    "SELECT pg_advisory_unlock(\(Self.regradeLockSpace), hashtext(\(id)))::text",
                    logger: self.logger
                )
                throw error
            }
            try await connection.query(
                "SELECT pg_advisory_unlock(\(Self.regradeLockSpace), hashtext(\(id)))::text",
                logger: self.logger
            )
        }
    }

    static let regradeColumns = "id, class_code, question_id, status, version_to, created_at, finished_at"

    private func regradeJobs(_ connection: PostgresConnection, _ query: PostgresQuery) async throws -> [RegradeJob] {
        try await connection.query(query, logger: logger)
            .decode((String, String, String, String, String?, Double, Double?).self).all().map {
                RegradeJob(
                    id: $0.0,
                    classCode: $0.1,
                    questionID: $0.2,
                    status: RegradeJob.Status(rawValue: $0.3) ?? .running,
                    versionTo: $0.4,
                    createdAt: Date(timeIntervalSince1970: $0.5),
                    finishedAt: $0.6.map(Date.init(timeIntervalSince1970:))
                )
            }
    }
}
