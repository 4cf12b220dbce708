import Foundation
import GRDB
import Testing

@testable import Store

/// The two stores behind `AttemptStore`: every test here runs against SQLite (a real file) and PostgreSQL (a real
/// server, `TestPostgres`), so the two cannot drift apart.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    /// A store with the classroom: teachers, rosters, assignments, sessions, join policies.
    func makeClassroom() async throws -> any AttemptStore & ClassroomStore & EnrolmentStore & TeacherSessionStore {
        switch self {
        case .sqlite: try SQLiteStore(directory: StoreTests.directory())
        case .postgres: try await PostgresStore(url: try await TestPostgres.freshDatabase())
        }
    }

    /// A store with everything both stores keep: the classroom, banks, item analysis and the end of a term.
    func makeFull() async throws -> any AttemptStore & ClassroomStore & EnrolmentStore & TeacherBankStore
        & AnalysisStore
    {
        switch self {
        case .sqlite: try SQLiteStore(directory: StoreTests.directory())
        case .postgres: try await PostgresStore(url: try await TestPostgres.freshDatabase())
        }
    }

    /// A store with regrades.
    func makeRegrades() async throws -> any AttemptStore & ClassroomStore & AnalysisStore & RegradeStore {
        switch self {
        case .sqlite: try SQLiteStore(directory: StoreTests.directory())
        case .postgres: try await PostgresStore(url: try await TestPostgres.freshDatabase())
        }
    }

    /// A store with teachers' banks.
    func makeBanks() async throws -> any AttemptStore & TeacherBankStore {
        switch self {
        case .sqlite: try SQLiteStore(directory: StoreTests.directory())
        case .postgres: try await PostgresStore(url: try await TestPostgres.freshDatabase())
        }
    }

    func make() async throws -> any AttemptStore {
        switch self {
        case .sqlite: try SQLiteStore(directory: StoreTests.directory())
        case .postgres: try await PostgresStore(url: try await TestPostgres.freshDatabase())
        }
    }
}

@Suite("Store contract, SQLite and PostgreSQL")
struct StoreContractTests {
    static func attempt(
        _ student: StudentRecord,
        _ question: String = "q",
        score: Double = 1,
        verdict: String = "passed",
        tasks: String? = nil,
        at date: Date = Date()
    ) -> AttemptRecord {
        AttemptRecord(
            studentID: student.id,
            questionID: question,
            kind: "code",
            answer: #"{"code":"pass"}"#,
            verdict: verdict,
            score: score,
            tasks: tasks,
            createdAt: date
        )
    }

    @Test(arguments: StoreKind.allCases)
    func classesAndStudents(kind: StoreKind) async throws {
        let store = try await kind.make()
        let first = try await store.createClass(name: "Monday")
        let second = try await store.createClass(name: "Tuesday")
        #expect(first.code.count == 6 && first.code != second.code)
        #expect(try await store.classRecord(code: first.code)?.name == "Monday")
        #expect(try await store.classRecord(code: "NOPE22") == nil)
        #expect(try await store.classes().map(\.code).sorted() == [first.code, second.code].sorted())

        let ada = try await store.createStudent(name: "Ada", classCode: first.code, tokenHash: "h-ada")
        #expect(ada.classCode == first.code && ada.name == "Ada")
        await #expect(throws: StoreError.nameTaken("ada")) {
            try await store.createStudent(name: "ada", classCode: first.code, tokenHash: "h-ada2")
        }
        await #expect(throws: StoreError.unknownClass("NOPE22")) {
            try await store.createStudent(name: "Bob", classCode: "NOPE22", tokenHash: "h-bob")
        }
        // The same name in another class is another student.
        let otherAda = try await store.createStudent(name: "Ada", classCode: second.code, tokenHash: "h-ada3")
        #expect(otherAda.id != ada.id)
        #expect(try await store.student(tokenHash: "h-ada") == ada)
        #expect(try await store.student(tokenHash: "nobody") == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func attemptsComeBackNewestFirstAsRecorded(kind: StoreKind) async throws {
        let store = try await kind.make()
        let group = try await store.createClass(name: "c")
        let ada = try await store.createStudent(name: "Ada", classCode: group.code, tokenHash: "h1")
        let when = Date(timeIntervalSince1970: 1_800_000_000.25)
        let first = try await store.record(Self.attempt(ada, "q1", score: 0.5, verdict: "failed", at: when))
        let second = try await store.record(
            Self.attempt(ada, "q2", tasks: #"[{"name":"t","status":"passed"}]"#, at: when.addingTimeInterval(1))
        )
        #expect(first.id != nil && second.id != nil && first.id! < second.id!)
        let all = try await store.attempts(studentID: ada.id, limit: 10)
        #expect(all == [second, first])
        #expect(all[1].tasks == nil)
        #expect(all[0].createdAt == when.addingTimeInterval(1))
        #expect(try await store.attempts(studentID: ada.id, limit: 1) == [second])
        #expect(try await store.attempts(studentID: "nobody", limit: 10).isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func theSummaryAgreesWithTheAttemptsItSummarises(kind: StoreKind) async throws {
        let store = try await kind.make()
        let group = try await store.createClass(name: "c")
        let bob = try await store.createStudent(name: "bob", classCode: group.code, tokenHash: "h2")
        let ada = try await store.createStudent(name: "Ada", classCode: group.code, tokenHash: "h1")
        for (score, verdict) in [(0.5, "failed"), (1.0, "passed"), (0.0, "failed")] {
            _ = try await store.record(Self.attempt(ada, score: score, verdict: verdict))
        }
        let results = try #require(try await store.results(classCode: group.code))
        #expect(results.classRecord.code == group.code)
        // Students by name, without case.
        #expect(results.rows.map(\.student) == [ada, bob])
        #expect(results.rows[0].results["q"] == ClassResults.Cell(best: 1, attempts: 3, lastVerdict: "failed"))
        #expect(results.rows[1].results.isEmpty)
        #expect(try await store.results(classCode: "NOPE22") == nil)
    }

    /// A regrade reads the version and seed an attempt was graded with: both ways of recording keep them.
    @Test(arguments: StoreKind.allCases)
    func anAttemptKeepsTheVersionAndSeedItWasGradedWith(kind: StoreKind) async throws {
        let store = try await kind.make()
        let group = try await store.createClass(name: "c")
        let ada = try await store.createStudent(name: "Ada", classCode: group.code, tokenHash: "h1")
        var plain = Self.attempt(ada)
        (plain.version, plain.seed) = ("v-plain", 7)
        var keyed = Self.attempt(ada)
        (keyed.version, keyed.seed) = ("v-keyed", 1 << 40)
        _ = try await store.record(plain)
        let dayAgo = Date().addingTimeInterval(-86_400)
        _ = try await store.record(keyed, idempotencyKey: "k", response: "r", since: dayAgo)
        let kept = try await store.attempts(studentID: ada.id, limit: 10)
        #expect(kept.map(\.version) == ["v-keyed", "v-plain"])
        #expect(kept.map(\.seed) == [1 << 40, 7])
    }

    @Test(arguments: StoreKind.allCases)
    func anIdempotencyKeyRecordsOnceAndReplaysTheFirstAnswer(kind: StoreKind) async throws {
        let store = try await kind.make()
        let group = try await store.createClass(name: "c")
        let ada = try await store.createStudent(name: "Ada", classCode: group.code, tokenHash: "h1")
        let bob = try await store.createStudent(name: "Bob", classCode: group.code, tokenHash: "h2")
        let dayAgo = Date().addingTimeInterval(-86_400)
        #expect(try await store.idempotentResponse(studentID: ada.id, key: "k", since: dayAgo) == nil)

        let first = try await store.record(Self.attempt(ada), idempotencyKey: "k", response: "first", since: dayAgo)
        guard case .recorded(let saved) = first else { throw TestPostgres.Failure(description: "not recorded") }
        #expect(saved.id != nil)
        #expect(
            try await store.record(Self.attempt(ada, score: 0), idempotencyKey: "k", response: "second", since: dayAgo)
                == .replayed("first")
        )
        #expect(try await store.idempotentResponse(studentID: ada.id, key: "k", since: dayAgo) == "first")
        #expect(try await store.attempts(studentID: ada.id, limit: 10).map(\.id) == [saved.id])
        let cell = try await store.results(classCode: group.code)?.rows.first?.results["q"]
        #expect(cell == ClassResults.Cell(best: 1, attempts: 1, lastVerdict: "passed"))

        // Another student's key of the same name is theirs.
        guard
            case .recorded = try await store.record(
                Self.attempt(bob),
                idempotencyKey: "k",
                response: "b",
                since: dayAgo
            )
        else { throw TestPostgres.Failure(description: "bob's key was not his") }
        // A key older than `since` has expired: used afresh.
        let later = Date().addingTimeInterval(1)
        #expect(try await store.idempotentResponse(studentID: ada.id, key: "k", since: later) == nil)
        guard
            case .recorded = try await store.record(
                Self.attempt(ada),
                idempotencyKey: "k",
                response: "new",
                since: later
            )
        else { throw TestPostgres.Failure(description: "an expired key was not used afresh") }
        #expect(try await store.attempts(studentID: ada.id, limit: 10).count == 2)
        #expect(try await store.idempotentResponse(studentID: ada.id, key: "k", since: dayAgo) == "new")
    }

    @Test(arguments: StoreKind.allCases)
    func concurrentRequestsWithOneKeyRecordOneAttempt(kind: StoreKind) async throws {
        let store = try await kind.make()
        let group = try await store.createClass(name: "c")
        let ada = try await store.createStudent(name: "Ada", classCode: group.code, tokenHash: "h1")
        let dayAgo = Date().addingTimeInterval(-86_400)
        let outcomes = try await withThrowingTaskGroup(of: IdempotentRecord.self) { group in
            for index in 0..<12 {
                group.addTask {
                    try await store.record(
                        Self.attempt(ada),
                        idempotencyKey: "same",
                        response: "answer \(index)",
                        since: dayAgo
                    )
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let recorded = outcomes.filter { if case .recorded = $0 { true } else { false } }
        #expect(recorded.count == 1)
        let first = try #require(try await store.idempotentResponse(studentID: ada.id, key: "same", since: dayAgo))
        #expect(outcomes.filter { $0 == .replayed(first) }.count == 11)
        #expect(try await store.attempts(studentID: ada.id, limit: 100).count == 1)
        let cell = try await store.results(classCode: group.code)?.rows.first?.results["q"]
        #expect(cell?.attempts == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func everyMigrationIsAppliedInOrder(kind: StoreKind) async throws {
        let store = try await kind.make()
        let applied: [String]
        switch store {
        case let sqlite as SQLiteStore:
            applied = try await sqlite.pool.read { db in
                try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid")
            }
        case let postgres as PostgresStore:
            applied = try await postgres.appliedMigrations()
        default:
            Issue.record("an unknown store")
            return
        }
        // The shared migrations first, then the classroom's (teachers, roster, assignments, sign-in, join policy),
        // in order, on both stores.
        let shared = StoreMigrations.all.map(\.identifier)
        let classroom = [
            "v4-teachers", "v5-roster", "v6-assignments", "v7-sign-in", "v8-join-policy", "v9-hints-taken",
            "v10-teacher-banks", "v11-study", "v12-assignment-time-limit",
        ]
        #expect(ClassroomMigrations.all.map(\.identifier) == classroom)
        #expect(Array(applied.prefix(shared.count + classroom.count)) == shared + classroom)
        try await store.ping()
    }

    @Test func upgradingPostgreSQLFromTheFirstSchemaSummarisesExistingAttempts() async throws {
        let url = try await TestPostgres.freshDatabase()
        let old = try await PostgresStore(url: url, migratingUpTo: "v1")
        #expect(try await old.appliedMigrations() == ["v1"])
        try await old.run { client in
            try await client.query("INSERT INTO classes VALUES ('ABC234', 'c', 0)")
            try await client.query("INSERT INTO students VALUES ('s1', 'ABC234', 'Ada', 'h', 0)")
            for (id, score, verdict) in [
                (1, 0.25, "failed"), (2, 0.75, "failed"), (3, 0.5, "failed"), (4, 1.0, "passed"),
            ] {
                let question = id == 4 ? "other" : "q"
                try await client.query(
                    """
                    INSERT INTO attempts (id, student_id, question_id, kind, answer, verdict, score, tasks, created_at)
                    VALUES (\(id), 's1', \(question), 'code', '{}', \(verdict), \(score), NULL, 0)
                    """
                )
            }
        }
        old.shutdown()
        let store = try await PostgresStore(url: url)
        let cells = try #require(try await store.results(classCode: "ABC234")?.rows.first?.results)
        #expect(cells["q"] == ClassResults.Cell(best: 0.75, attempts: 3, lastVerdict: "failed"))
        #expect(cells["other"] == ClassResults.Cell(best: 1, attempts: 1, lastVerdict: "passed"))
    }

    @Test func rateLimitsAreSharedByEveryInstanceOnOneDatabase() async throws {
        let url = try await TestPostgres.freshDatabase()
        let one = try await PostgresStore(url: url)
        let two = try await PostgresStore(url: url)
        #expect(try await one.admit(scope: "code", key: "s1", limit: 3, window: 60) == nil)
        #expect(try await two.admit(scope: "code", key: "s1", limit: 3, window: 60) == nil)
        #expect(try await one.admit(scope: "code", key: "s1", limit: 3, window: 60) == nil)
        let wait = try #require(try await two.admit(scope: "code", key: "s1", limit: 3, window: 60))
        #expect((55...60).contains(wait))
        // Other keys and scopes are apart.
        #expect(try await two.admit(scope: "code", key: "s2", limit: 3, window: 60) == nil)
        #expect(try await two.admit(scope: "anonymous", key: "s1", limit: 3, window: 60) == nil)
        // A refund on one instance frees a place for the other.
        try await two.refund(scope: "code", key: "s1")
        #expect(try await one.admit(scope: "code", key: "s1", limit: 3, window: 60) == nil)
        #expect(try await one.admit(scope: "code", key: "s1", limit: 3, window: 60) != nil)
    }

    @Test func anUnreachableDatabaseIsReportedWithinTheDeadline() async throws {
        let store = try await PostgresStore(url: try await TestPostgres.freshDatabase())
        try await store.ping()
        // A port nothing listens on: the store cannot even start, and says so.
        let started = ContinuousClock.now
        await #expect(throws: StoreError.self) {
            _ = try await PostgresStore(url: "postgres://quiz:quiz@127.0.0.1:\(ServerProcess.freePort())/x")
        }
        #expect(ContinuousClock.now - started < .seconds(8))
    }

    @Test func urlsAreReadAsLibpqReadsThem() throws {
        let tcp = try PostgresLocation(url: "postgres://quiz:s%40cret@db.example:6543/quiz")
        #expect(tcp.host == "db.example" && tcp.port == 6543 && tcp.username == "quiz")
        #expect(tcp.password == "s@cret" && tcp.database == "quiz" && tcp.socketDirectory == nil)
        let socket = try PostgresLocation(url: "postgresql://quiz@/quiz?host=/run/postgresql&port=5433")
        #expect(socket.socketDirectory == "/run/postgresql" && socket.port == 5433 && socket.password == nil)
        #expect(throws: StoreError.self) { try PostgresLocation(url: "mysql://x@y/z") }
        #expect(PostgresLocation.redacted("postgres://quiz:secret@h/db").contains("secret") == false)
    }

    @Test func aUnixSocketURLConnects() async throws {
        let url = try await TestPostgres.freshDatabase()
        let server = try await TestPostgres.server.value
        let name = try #require(URLComponents(string: url)?.path.dropFirst())
        let store = try await PostgresStore(
            url: "postgres://quiz@/\(name)?host=\(server.directory)&port=\(server.port)"
        )
        try await store.ping()
        let group = try await store.createClass(name: "over the socket")
        #expect(try await store.classRecord(code: group.code)?.name == "over the socket")
    }
}
