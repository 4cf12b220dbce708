import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The store in PostgreSQL, for any number of server instances sharing one database. The same tables and
/// migrations as `SQLiteStore` (`StoreMigrations.all`, then `ClassroomMigrations.all`; then its own,
/// `PostgresMigrations.all`), through PostgresNIO's pooled client, which reconnects by
/// itself when the server restarts. Every operation has a deadline, so a lost database link answers 503 soon
/// rather than holding a request until the handler's own deadline.
public final class PostgresStore: AttemptStore, SharedRateLimits {
    let client: PostgresClient
    let logger: Logger
    private let runner: Task<Void, Never>
    /// How long one store operation may wait, connecting included.
    let deadline: Duration
    private let shutDown = Atomic<Bool>(false)
    /// `shutdown()` was called: the pool is closing, and whatever listens stops.
    var isShutDown: Bool { shutDown.load(ordering: .relaxed) }

    /// Connects (lazily: the pool opens connections on demand) and brings the schema up to date; throws when the
    /// database cannot be reached within `deadline` or a migration fails.
    /// - Parameter migratingUpTo: stop after this migration (tests of upgrades); nil: all of them.
    public init(
        url: String,
        logger: Logger = Logger(label: "store"),
        deadline: Duration = .seconds(5),
        migratingUpTo: String? = nil
    ) async throws {
        let location = try PostgresLocation(url: url)
        var configuration = location.configuration
        configuration.options.connectTimeout = .seconds(3)
        configuration.options.maximumConnections = 16
        configuration.options.minimumConnections = 1
        configuration.options.keepAliveBehavior = .init(frequency: .seconds(10))
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.logger = logger
        self.deadline = deadline
        runner = Task { await client.run() }
        do {
            // Reachable within the usual deadline, or an error now; then the migrations, which may take longer: one
            // that fills a new table from the attempts (item analysis's summaries) takes as long as reading them
            // does; 10 minutes at most.
            try await run { client in _ = try await client.query("SELECT 1").decode(Int.self).all() }
            try await run(within: .seconds(600)) { _ in try await self.migrate(upTo: migratingUpTo) }
        } catch {
            runner.cancel()
            throw error
        }
    }

    deinit { runner.cancel() }

    /// Closes the pool's connections.
    public func shutdown() {
        shutDown.store(true, ordering: .relaxed)
        runner.cancel()
    }

    // MARK: Migrations

    /// Applies the migrations not yet applied, in one transaction under an advisory lock, so instances starting
    /// together apply each once.
    func migrate(upTo last: String? = nil) async throws {
        try await transaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(7271001)", logger: self.logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS store_migrations (
                    identifier TEXT PRIMARY KEY,
                    applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """,
                logger: self.logger
            )
            var applied = Set<String>()
            for try await identifier in try await connection.query(
                "SELECT identifier FROM store_migrations",
                logger: self.logger
            ).decode(String.self) {
                applied.insert(identifier)
            }
            for migration in StoreMigrations.all + ClassroomMigrations.all + PostgresMigrations.all {
                if !applied.contains(migration.identifier) {
                    for statement in migration.postgres {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: self.logger)
                    }
                    try await connection.query(
                        // The clock's time, not the transaction's: migrations applied together keep their order.
                        """
                        INSERT INTO store_migrations (identifier, applied_at)
                        VALUES (\(migration.identifier), clock_timestamp())
                        """,
                        logger: self.logger
                    )
                }
                if migration.identifier == last { break }
            }
        }
    }

    /// The identifiers of the applied migrations, in the order applied.
    public func appliedMigrations() async throws -> [String] {
        try await run { client in
            try await client.query("SELECT identifier FROM store_migrations ORDER BY applied_at, identifier")
                .decode(String.self).all()
        }
    }

    // MARK: AttemptStore

    /// Readiness answers within 2 s: a load balancer's probe must not wait for the full deadline.
    public func ping() async throws {
        try await run(within: .seconds(2)) { client in _ = try await client.query("SELECT 1").decode(Int.self).all() }
    }

    public func createClass(name: String) async throws -> ClassRecord {
        try await run { client in
            for _ in 0..<20 {
                let code = String((0..<6).map { _ in SQLiteStore.codeAlphabet.randomElement()! })
                let record = ClassRecord(code: code, name: name, createdAt: Date())
                let created = try await client.query(
                    """
                    INSERT INTO classes (code, name, created_at) VALUES (\(code), \(name), \(record.createdAt.timeIntervalSince1970))
                    ON CONFLICT (code) DO NOTHING RETURNING code
                    """
                ).decode(String.self).all()
                if !created.isEmpty { return record }
            }
            throw StoreError.unavailable("no free class code")
        }
    }

    public func classRecord(code: String) async throws -> ClassRecord? {
        try await run { client in
            try await client.query("SELECT code, name, created_at FROM classes WHERE code = \(code)")
                .decode((String, String, Double).self).all().first.map(Self.classRecord)
        }
    }

    public func classes() async throws -> [ClassRecord] {
        try await run { client in
            try await client.query("SELECT code, name, created_at FROM classes ORDER BY created_at DESC")
                .decode((String, String, Double).self).all().map(Self.classRecord)
        }
    }

    /// Holds the class for the rest of the transaction (`FOR SHARE`: it cannot be deleted meanwhile), so that a row
    /// that belongs to it is never written for a class another instance is deleting.
    /// - Throws: `StoreError.unknownClass` when there is no such class.
    func lockClass(_ code: String, _ connection: PostgresConnection) async throws {
        guard
            try await !connection.query("SELECT 1 FROM classes WHERE code = \(code) FOR SHARE", logger: logger)
                .decode(Int.self).all().isEmpty
        else { throw StoreError.unknownClass(code) }
    }

    public func createStudent(name: String, classCode: String, tokenHash: String) async throws -> StudentRecord {
        let student = StudentRecord(id: UUID().uuidString.lowercased(), name: name, classCode: classCode)
        return try await run { client in
            try await self.transaction { connection in
                try await self.lockClass(classCode, connection)
                // The unique index on the folded name settles a race between two instances.
                let inserted = try await connection.query(
                    """
                    INSERT INTO students (id, class_code, name, token_hash, created_at)
                    VALUES (\(student.id), \(classCode), \(name), \(tokenHash), \(Date().timeIntervalSince1970))
                    ON CONFLICT (class_code, lower(name COLLATE "C")) DO NOTHING RETURNING id
                    """,
                    logger: self.logger
                ).decode(String.self).all()
                if inserted.isEmpty { throw StoreError.nameTaken(name) }
                return student
            }
        }
    }

    public func student(tokenHash: String) async throws -> StudentRecord? {
        try await run { client in
            try await client.query("SELECT id, name, class_code FROM students WHERE token_hash = \(tokenHash)")
                .decode((String, String, String).self).all().first
                .map { StudentRecord(id: $0.0, name: $0.1, classCode: $0.2) }
        }
    }

    public func record(_ attempt: AttemptRecord) async throws -> AttemptRecord {
        try await run { _ in
            try await self.transaction { connection in try await self.insert(attempt, connection) }
        }
    }

    public func attempts(studentID: String, limit: Int) async throws -> [AttemptRecord] {
        try await run { client in
            try await Self.storedAttempts(
                client.query(
                    """
                    SELECT \(unescaped: Self.attemptColumns) FROM attempts
                    WHERE student_id = \(studentID) ORDER BY id DESC LIMIT \(limit)
                    """
                )
            ).map(\.record)
        }
    }

    public func results(classCode: String) async throws -> ClassResults? {
        try await run { client in
            // One snapshot for the class, its students and their progress, as SQLite's read gives.
            try await self.transaction(isolation: "REPEATABLE READ, READ ONLY") { connection in
                guard
                    let classRow = try await connection.query(
                        "SELECT code, name, created_at FROM classes WHERE code = \(classCode)",
                        logger: self.logger
                    ).decode((String, String, Double).self).all().first
                else { return nil }
                let students = try await connection.query(
                    """
                    SELECT id, name, class_code FROM students WHERE class_code = \(classCode)
                    ORDER BY lower(name COLLATE "C"), name COLLATE "C"
                    """,
                    logger: self.logger
                ).decode((String, String, String).self).all().map {
                    StudentRecord(id: $0.0, name: $0.1, classCode: $0.2)
                }
                var cells: [String: [ClassResults.QuestionCell]] = [:]
                for try await (studentID, questionID, best, attempts, verdict) in try await connection.query(
                    """
                    SELECT p.student_id, p.question_id, p.best, p.attempts, p.last_verdict
                    FROM students s JOIN progress p ON p.student_id = s.id
                    WHERE s.class_code = \(classCode)
                    ORDER BY p.student_id, p.question_id COLLATE "C"
                    """,
                    logger: self.logger
                ).decode((String, String, Double, Int, String).self) {
                    cells[studentID, default: []].append(
                        ClassResults.QuestionCell(
                            question: questionID,
                            cell: ClassResults.Cell(best: best, attempts: attempts, lastVerdict: verdict)
                        )
                    )
                }
                return ClassResults(
                    classRecord: Self.classRecord(classRow),
                    rows: students.map { ClassResults.Row(student: $0, cells: cells[$0.id] ?? []) }
                )
            }
        }
    }

    // MARK: Idempotent submissions

    public func idempotentResponse(studentID: String, key: String, since: Date) async throws -> String? {
        try await run { client in
            try await client.query(
                """
                SELECT response FROM idempotency_keys
                WHERE student_id = \(studentID) AND key = \(key) AND created_at >= \(since.timeIntervalSince1970)
                """
            ).decode(String.self).all().first
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
        let outcome = try await run { _ in
            try await self.transaction { connection -> IdempotentRecord in
                if let first = try await self.claim(claim, studentID: attempt.studentID, connection) {
                    return .replayed(first)
                }
                let saved = try await self.insert(attempt, connection)
                try await self.attach(claim, to: saved, connection)
                return .recorded(saved)
            }
        }
        await dropExpiredKeys(before: since, keeping: idempotencyKey, of: attempt.studentID)
        return outcome
    }

    /// Claims the key for this student in the caller's transaction: nil when claimed now (an expired claim is
    /// replaced), or the answer kept under it. A concurrent transaction holding the same key makes the insert wait
    /// for its end: then it either committed (nothing inserted here, its answer is read) or rolled back.
    func claim(_ claim: IdempotencyClaim, studentID: String, _ connection: PostgresConnection) async throws -> String? {
        try await connection.query(
            """
            DELETE FROM idempotency_keys
            WHERE student_id = \(studentID) AND key = \(claim.key) AND created_at < \(claim.since.timeIntervalSince1970)
            """,
            logger: logger
        )
        let claimed = try await connection.query(
            """
            INSERT INTO idempotency_keys (student_id, key, created_at, response)
            VALUES (\(studentID), \(claim.key), \(Date().timeIntervalSince1970), \(claim.response))
            ON CONFLICT (student_id, key) DO NOTHING RETURNING 1
            """,
            logger: logger
        ).decode(Int.self).all()
        guard claimed.isEmpty else { return nil }
        let first = try await connection.query(
            "SELECT response FROM idempotency_keys WHERE student_id = \(studentID) AND key = \(claim.key)",
            logger: logger
        ).decode(String.self).all().first
        return first ?? claim.response
    }

    /// Links a claimed key to the attempt recorded under it, in the caller's transaction.
    func attach(_ claim: IdempotencyClaim, to saved: AttemptRecord, _ connection: PostgresConnection) async throws {
        try await connection.query(
            """
            UPDATE idempotency_keys SET attempt_id = \(saved.id)
            WHERE student_id = \(saved.studentID) AND key = \(claim.key)
            """,
            logger: logger
        )
    }

    /// Keys past their day are dropped now and then, outside the transaction that answers; never the key just
    /// answered under (a caller's `since` may be later than that key's time).
    func dropExpiredKeys(before since: Date, keeping key: String, of studentID: String) async {
        guard Int.random(in: 0..<200) == 0 else { return }
        _ = try? await run { client in
            try await client.query(
                """
                DELETE FROM idempotency_keys WHERE created_at < \(since.timeIntervalSince1970)
                AND NOT (student_id = \(studentID) AND key = \(key))
                """
            )
        }
    }

    /// The attempt and its summary row, in the caller's transaction: the one place this store inserts an attempt.
    /// `late`: on an assignment's question, whether it came after the due time; nil outside any assignment.
    func insert(
        _ attempt: AttemptRecord,
        late: Bool? = nil,
        _ connection: PostgresConnection
    ) async throws
        -> AttemptRecord
    {
        let id = try await connection.query(
            """
            INSERT INTO attempts
                (student_id, question_id, kind, answer, verdict, score, tasks, created_at, version, seed, late)
            VALUES (\(attempt.studentID), \(attempt.questionID), \(attempt.kind), \(attempt.answer), \(attempt.verdict),
                    \(attempt.score), \(attempt.tasks), \(attempt.createdAt.timeIntervalSince1970), \(attempt.version),
                    \(attempt.seed), \(late))
            RETURNING id
            """,
            logger: logger
        ).decode(Int64.self).all().first
        try await connection.query(
            """
            INSERT INTO progress (student_id, question_id, best, attempts, last_verdict)
            VALUES (\(attempt.studentID), \(attempt.questionID), \(attempt.score), 1, \(attempt.verdict))
            ON CONFLICT (student_id, question_id) DO UPDATE SET
                best = GREATEST(progress.best, excluded.best), attempts = progress.attempts + 1,
                last_verdict = excluded.last_verdict
            """,
            logger: logger
        )
        var saved = attempt
        saved.id = id
        return saved
    }

    // MARK: Shared rate limits

    public func admit(scope: String, key: String, limit: Int, window: Double) async throws -> Int? {
        let wait = try await run { _ in
            try await self.transaction { connection -> Int? in
                // One key's events are counted and added by one transaction at a time, whichever instance asks.
                try await connection.query(
                    "SELECT pg_advisory_xact_lock(hashtextextended(\(scope + "\u{1F}" + key), 7271))::text",
                    logger: self.logger
                )
                let now =
                    try await connection.query(
                        "SELECT extract(epoch FROM clock_timestamp())::float8",
                        logger: self.logger
                    ).decode(Double.self).all().first ?? Date().timeIntervalSince1970
                try await connection.query(
                    "DELETE FROM rate_events WHERE scope = \(scope) AND key = \(key) AND at <= \(now - window)",
                    logger: self.logger
                )
                let (count, oldest) =
                    try await connection.query(
                        "SELECT count(*), coalesce(min(at), 0) FROM rate_events WHERE scope = \(scope) AND key = \(key)",
                        logger: self.logger
                    ).decode((Int, Double).self).all().first ?? (0, 0)
                if count >= limit {
                    return max(1, Int((window - (now - oldest)).rounded(.up)))
                }
                try await connection.query(
                    "INSERT INTO rate_events (scope, key, at) VALUES (\(scope), \(key), \(now))",
                    logger: self.logger
                )
                return nil
            }
        }
        if Int.random(in: 0..<500) == 0 {
            // Keys not seen for an hour: no window is that long.
            _ = try? await run { client in
                try await client.query(
                    "DELETE FROM rate_events WHERE at < extract(epoch FROM clock_timestamp())::float8 - 3600"
                )
            }
        }
        return wait
    }

    public func refund(scope: String, key: String) async throws {
        try await run { client in
            try await client.query(
                """
                DELETE FROM rate_events WHERE id = (
                    SELECT id FROM rate_events WHERE scope = \(scope) AND key = \(key) ORDER BY id DESC LIMIT 1)
                """
            )
        }
    }

    // MARK: Plumbing

    /// Runs `body` within the store's deadline; a lost or refused connection becomes `StoreError.unavailable`.
    func run<T: Sendable>(
        within limit: Duration? = nil,
        _ body: @escaping @Sendable (PostgresClient) async throws -> T
    ) async throws -> T {
        let client = self.client
        let deadline = limit ?? self.deadline
        return try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await body(client) }
            group.addTask {
                try await Task.sleep(for: deadline)
                throw StoreError.unavailable("the database did not answer within \(deadline)")
            }
            defer { group.cancelAll() }
            do {
                return try await group.next()!
            } catch let error as StoreError {
                throw error
            } catch let error as ClassroomStoreError {
                throw error
            } catch let error as TeacherSessionStoreError {
                throw error
            } catch let error as TeacherBankStoreError {
                throw error
            } catch {
                throw StoreError.unavailable("\(error)")
            }
        }
    }

    /// A transaction on one pooled connection: BEGIN, `body`, COMMIT; ROLLBACK when `body` throws, whose error is
    /// rethrown as it is (PostgresNIO's own `withTransaction` wraps it).
    func transaction<T: Sendable>(
        isolation: String = "READ COMMITTED",
        _ body: @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await client.withConnection { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "BEGIN ISOLATION LEVEL \(isolation)"), logger: logger)
            let value: T
            do {
                value = try await body(connection)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
            try await connection.query("COMMIT", logger: logger)
            return value
        }
    }

    static func classRecord(_ row: (String, String, Double)) -> ClassRecord {
        ClassRecord(code: row.0, name: row.1, createdAt: Date(timeIntervalSince1970: row.2))
    }
}

/// Where the database is: a `postgres://user:password@host:port/database` URL (libpq's form; `postgresql://` too).
/// `?host=/dir` (a folder, as libpq has it) connects over the Unix socket `DIR/.s.PGSQL.PORT` instead of TCP;
/// `?port=N` gives the port when the URL has no host.
public struct PostgresLocation: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var socketDirectory: String?

    public init(url: String) throws {
        guard let components = URLComponents(string: url),
            components.scheme == "postgres" || components.scheme == "postgresql"
        else { throw StoreError.unavailable("not a postgres:// URL: \(PostgresLocation.redacted(url))") }
        host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1"
        let query = components.queryItems ?? []
        port = components.port ?? query.first { $0.name == "port" }.flatMap { $0.value.flatMap(Int.init) } ?? 5432
        username = components.user?.removingPercentEncoding ?? "postgres"
        password = components.password?.removingPercentEncoding
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? username : path
        socketDirectory = query.first { $0.name == "host" }?.value
    }

    var configuration: PostgresClient.Configuration {
        if let socketDirectory {
            return PostgresClient.Configuration(
                unixSocketPath: socketDirectory + "/.s.PGSQL.\(port)",
                username: username,
                password: password,
                database: database
            )
        }
        return PostgresClient.Configuration(
            host: host,
            port: port,
            username: username,
            password: password,
            database: database,
            tls: .disable
        )
    }

    /// The URL with its password hidden, for messages and logs.
    public static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? url
    }
}

extension AsyncSequence {
    /// Every element, in order.
    func all() async throws -> [Element] {
        var elements: [Element] = []
        for try await element in self { elements.append(element) }
        return elements
    }
}
