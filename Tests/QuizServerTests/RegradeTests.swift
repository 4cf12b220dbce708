import Foundation
import GRDB
import Grader
import PostgresNIO
import Synchronization
import Testing

@testable import Store

/// The regrade's parts in process: the fair queue's background line (a regrade never goes before a student), and
/// the regrade tables in a real SQLite file, from a database the previous version made.
@Suite("Regrade")
struct RegradeTests {
    @Test func backgroundWorkGetsAGraderOnlyWhenNoStudentWaits() async throws {
        let queue = FairQueue(capacity: 1, waitingLimit: 100)
        let log = GrantLog()
        let first = try await queue.acquire(client: "student:A")
        let regrade = Task {
            let ticket = try await queue.acquire(client: "regrade:1", background: true)
            log.granted("R", client: "regrade:1")
            queue.release(ticket)
        }
        #expect(await eventually { queue.waitingInBackground == 1 })
        #expect(queue.waiting == 0, "background work is not counted against the students' queue")
        // A student who comes after the regrade asked still goes first.
        let student = FairQueueTests.job(queue, log, client: "student:B", label: "B")
        #expect(await eventually { queue.waiting == 1 })
        queue.release(first)
        try await student.value
        try await regrade.value
        #expect(log.order == ["B", "R"])
        #expect(queue.snapshot.busy == 0)
    }

    @Test func backgroundWorkIsNeverRefusedForAFullQueueAndLeavesItWhenCancelled() async throws {
        let queue = FairQueue(capacity: 1, waitingLimit: 0)
        let first = try await queue.acquire(client: "student:A")
        await #expect(throws: GradingError.self) { _ = try await queue.acquire(client: "student:B") }
        let waiting = Task { try await queue.acquire(client: "regrade:1", background: true) }
        #expect(await eventually { queue.waitingInBackground == 1 })
        waiting.cancel()
        await #expect(throws: CancellationError.self) { _ = try await waiting.value }
        #expect(queue.waitingInBackground == 0)
        queue.release(first)
        #expect(queue.snapshot.busy == 0)
        // A free grader goes to background work at once.
        let ticket = try await queue.acquire(client: "regrade:1", background: true)
        #expect(queue.snapshot.busy == 1)
        queue.release(ticket)
    }

    @Test func aDatabaseFromThePreviousVersionGetsTheRegradeTablesAndRegradesItsAttempts() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("regrade-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // The schema as the server before regrades left it (up to v8-join-policy): a class, two students, their
        // code attempts with version and seed, a choice attempt, and the summary rows.
        let old = try DatabaseQueue(path: directory + "/quiz.sqlite")
        try SQLiteStore.migrator.migrate(old, upTo: "v8-join-policy")
        try await old.write { db in
            try db.execute(sql: "INSERT INTO classes (code, name, created_at) VALUES ('ABC234', 'Old class', 10)")
            try db.execute(
                sql: """
                    INSERT INTO students (id, class_code, name, token_hash, created_at) VALUES
                        ('s1', 'ABC234', 'Ada', 'hash-ada', 11), ('s2', 'ABC234', 'Bob', 'hash-bob', 11)
                    """
            )
            try db.execute(
                sql: """
                    INSERT INTO attempts (id, student_id, question_id, kind, answer, verdict, score, tasks, created_at,
                        version, seed)
                    VALUES (1, 's1', 'q', 'code', '{"code":"a"}', 'passed', 1, '[]', 12, 'old', 7),
                        (2, 's2', 'q', 'code', '{"code":"b"}', 'failed', 0.25, '[]', 13, 'old', 8),
                        (3, 's2', 'q', 'code', '{"code":"c"}', 'failed', 0.5, '[]', 14, 'old', 9),
                        (4, 's2', 'other', 'single_choice', '{"choices":["a"]}', 'passed', 1, NULL, 15, NULL, NULL)
                    """
            )
            try db.execute(
                sql: """
                    INSERT INTO progress VALUES ('s1', 'q', 1, 1, 'passed'), ('s2', 'q', 0.5, 2, 'failed'),
                        ('s2', 'other', 1, 1, 'passed')
                    """
            )
        }
        try old.close()

        let store = try SQLiteStore(directory: directory)
        let applied = try await store.pool.read { db in try SQLiteStore.migrator.appliedIdentifiers(db) }
        #expect(applied.contains("v9-regrades"))
        #expect(try await store.unfinishedRegrades().isEmpty)

        let (job, created) = try await store.startRegrade(
            id: "r1",
            classCode: "ABC234",
            questionID: "q",
            kind: "code",
            now: Date()
        )
        #expect(created && job.status == .running)
        let (same, again) = try await store.startRegrade(
            id: "r2",
            classCode: "ABC234",
            questionID: "q",
            kind: "code",
            now: Date()
        )
        #expect(!again && same.id == "r1", "one running regrade per class and question")
        #expect(try await store.unfinishedRegrades().map(\.id) == ["r1"])
        #expect(try await store.pendingRegradeAttempts(id: "r1", limit: 10).map(\.id) == [1, 2, 3])
        #expect(
            try await store.regradeProgress(id: "r1") == RegradeProgress(total: 3, regraded: 0, unchanged: 0, failed: 0)
        )

        // Bob's worse attempt now passes; his better one drops to 0; Ada's was graded against the new version.
        #expect(
            try await store.completeRegradeItem(
                id: "r1",
                attemptID: 2,
                outcome: .regraded(verdict: "passed", score: 1, tasks: "[]", version: "new")
            )
        )
        #expect(
            try await store.completeRegradeItem(
                id: "r1",
                attemptID: 3,
                outcome: .regraded(verdict: "failed", score: 0, tasks: "[]", version: "new")
            )
        )
        #expect(try await store.completeRegradeItem(id: "r1", attemptID: 1, outcome: .unchanged))
        // An item is done once: a second completion (a resumed job, say) writes nothing.
        #expect(
            try await !store.completeRegradeItem(
                id: "r1",
                attemptID: 2,
                outcome: .regraded(verdict: "failed", score: 0, tasks: "[]", version: "newer")
            )
        )
        #expect(try await store.pendingRegradeAttempts(id: "r1", limit: 10).isEmpty)
        #expect(
            try await store.regradeProgress(id: "r1") == RegradeProgress(total: 3, regraded: 2, unchanged: 1, failed: 0)
        )
        #expect(
            try await store.regradeChanges(id: "r1") == [
                RegradeChange(
                    studentID: "s2",
                    attemptID: 2,
                    from: 0.25,
                    to: 1,
                    fromVerdict: "failed",
                    toVerdict: "passed"
                ),
                RegradeChange(
                    studentID: "s2",
                    attemptID: 3,
                    from: 0.5,
                    to: 0,
                    fromVerdict: "failed",
                    toVerdict: "failed"
                ),
            ]
        )
        let bob = try await store.studentAttempts(studentID: "s2", questionID: "q", limit: 10).map(\.record)
        #expect(bob.map(\.score) == [0, 1] && bob.map(\.version) == ["new", "new"] && bob.map(\.seed) == [9, 8])
        // The class's results read the summary rows: the best is now 1, the last verdict that of the last attempt.
        let results = try #require(try await store.results(classCode: "ABC234"))
        let cell = try #require(results.rows.first { $0.student.id == "s2" }?.results["q"])
        #expect(cell == ClassResults.Cell(best: 1, attempts: 2, lastVerdict: "failed"))

        try await store.setRegradeVersion(id: "r1", version: "new")
        try await store.finishRegrade(id: "r1", now: Date())
        #expect(try await store.regrade(id: "r1", classCode: "ABC234")?.status == .finished)
        #expect(try await store.regrade(id: "r1", classCode: "ABC234")?.versionTo == "new")
        #expect(try await store.regrade(id: "r1", classCode: "OTHER1") == nil)
        #expect(try await store.unfinishedRegrades().isEmpty)
        // Finished: the next request starts a new one. An attempt deleted meanwhile (its class deleted, say) is
        // closed as failed when the job finishes, so that done reaches total.
        #expect(
            try await store.startRegrade(id: "r3", classCode: "ABC234", questionID: "q", kind: "code", now: Date())
                .created
        )
        try await store.pool.write { db in try db.execute(sql: "DELETE FROM attempts WHERE id = 3") }
        for attempt in try await store.pendingRegradeAttempts(id: "r3", limit: 10) {
            #expect(try await store.completeRegradeItem(id: "r3", attemptID: attempt.id ?? 0, outcome: .unchanged))
        }
        try await store.finishRegrade(id: "r3", now: Date())
        #expect(
            try await store.regradeProgress(id: "r3")
                == RegradeProgress(total: 3, regraded: 0, unchanged: 2, failed: 1)
        )
        // And the file opens again (the migration is not applied twice).
        _ = try SQLiteStore(directory: directory)
    }

    /// The store's side of a regrade, on both stores: one running job per class and question, items done once,
    /// the summary rows kept right, and an item whose attempt is gone closed when the job finishes.
    @Test(arguments: StoreKind.allCases)
    func theStoreKeepsARegradeAndItsItemsOnBothStores(kind: StoreKind) async throws {
        let store = try await kind.makeRegrades()
        let run = { (sql: String) in try await AnalysisStoreTests.execute(store, sql, []) }
        try await run("INSERT INTO classes (code, name, created_at) VALUES ('ABC234', 'Class', 10)")
        try await run(
            """
            INSERT INTO students (id, class_code, name, token_hash, created_at) VALUES
                ('s1', 'ABC234', 'Ada', 'hash-ada', 11), ('s2', 'ABC234', 'Bob', 'hash-bob', 11)
            """
        )
        try await run(
            """
            INSERT INTO attempts (id, student_id, question_id, kind, answer, verdict, score, tasks, created_at,
                version, seed)
            VALUES (1, 's1', 'q', 'code', '{"code":"a"}', 'passed', 1, '[]', 12, 'old', 7),
                (2, 's2', 'q', 'code', '{"code":"b"}', 'failed', 0.25, '[]', 13, 'old', 8),
                (3, 's2', 'q', 'code', '{"code":"c"}', 'failed', 0.5, '[]', 14, 'old', 9),
                (4, 's2', 'other', 'single_choice', '{"choices":["a"]}', 'passed', 1, NULL, 15, NULL, NULL)
            """
        )
        try await run(
            """
            INSERT INTO progress VALUES ('s1', 'q', 1, 1, 'passed'), ('s2', 'q', 0.5, 2, 'failed'),
                ('s2', 'other', 1, 1, 'passed')
            """
        )
        await #expect(throws: StoreError.unknownClass("NOPE22")) {
            try await store.startRegrade(id: "r0", classCode: "NOPE22", questionID: "q", kind: "code", now: Date())
        }
        let (job, created) = try await store.startRegrade(
            id: "r1",
            classCode: "ABC234",
            questionID: "q",
            kind: "code",
            now: Date(timeIntervalSince1970: 100)
        )
        #expect(created && job.status == .running)
        let (same, again) = try await store.startRegrade(
            id: "r2",
            classCode: "ABC234",
            questionID: "q",
            kind: "code",
            now: Date()
        )
        #expect(!again && same.id == "r1", "one running regrade per class and question")
        #expect(try await store.unfinishedRegrades().map(\.id) == ["r1"])
        #expect(try await store.regrades(classCode: "ABC234").map(\.id) == ["r1"])
        #expect(try await store.pendingRegradeAttempts(id: "r1", limit: 2).map(\.id) == [1, 2])
        #expect(
            try await store.completeRegradeItem(
                id: "r1",
                attemptID: 2,
                outcome: .regraded(verdict: "passed", score: 1, tasks: "[]", version: "new")
            )
        )
        #expect(
            try await store.completeRegradeItem(
                id: "r1",
                attemptID: 3,
                outcome: .regraded(verdict: "failed", score: 0, tasks: "[]", version: "new")
            )
        )
        #expect(try await store.completeRegradeItem(id: "r1", attemptID: 1, outcome: .unchanged))
        #expect(
            try await !store.completeRegradeItem(
                id: "r1",
                attemptID: 2,
                outcome: .regraded(verdict: "failed", score: 0, tasks: "[]", version: "newer")
            ),
            "an item is done once"
        )
        #expect(
            try await store.regradeProgress(id: "r1") == RegradeProgress(total: 3, regraded: 2, unchanged: 1, failed: 0)
        )
        #expect(
            try await store.regradeChanges(id: "r1") == [
                RegradeChange(
                    studentID: "s2",
                    attemptID: 2,
                    from: 0.25,
                    to: 1,
                    fromVerdict: "failed",
                    toVerdict: "passed"
                ),
                RegradeChange(
                    studentID: "s2",
                    attemptID: 3,
                    from: 0.5,
                    to: 0,
                    fromVerdict: "failed",
                    toVerdict: "failed"
                ),
            ]
        )
        let results = try #require(try await store.results(classCode: "ABC234"))
        let cell = try #require(results.rows.first { $0.student.id == "s2" }?.results["q"])
        #expect(cell == ClassResults.Cell(best: 1, attempts: 2, lastVerdict: "failed"))
        try await store.setRegradeVersion(id: "r1", version: "new")
        try await store.finishRegrade(id: "r1", now: Date())
        let finished = try #require(try await store.regrade(id: "r1", classCode: "ABC234"))
        #expect(finished.status == .finished && finished.versionTo == "new" && finished.finishedAt != nil)
        #expect(try await store.regrade(id: "r1", classCode: "OTHER1") == nil)
        #expect(try await store.unfinishedRegrades().isEmpty)
        #expect(
            try await store.startRegrade(id: "r3", classCode: "ABC234", questionID: "q", kind: "code", now: Date())
                .created
        )
        try await run("DELETE FROM attempts WHERE id = 3")
        for attempt in try await store.pendingRegradeAttempts(id: "r3", limit: 10) {
            #expect(try await store.completeRegradeItem(id: "r3", attemptID: attempt.id ?? 0, outcome: .unchanged))
        }
        try await store.finishRegrade(id: "r3", now: Date())
        #expect(
            try await store.regradeProgress(id: "r3") == RegradeProgress(total: 3, regraded: 0, unchanged: 2, failed: 1)
        )
        // The claim works on both: SQLite runs the work at once.
        let ran = Mutex(false)
        try await store.withRegradeClaim(id: "r3") { ran.withLock { $0 = true } }
        #expect(ran.withLock { $0 })
    }

    /// The global queue's claim on PostgreSQL: a second instance waits in the database while the first holds a
    /// job, and takes it the moment the first one's session ends as a dead process's does (the server terminates
    /// it); each claim is told to the instances listening.
    @Test func aClaimedRegradeWaitsForItsHolderAndIsTakenOverWhenTheHolderDies() async throws {
        let url = try await TestPostgres.freshDatabase()
        let first = try await PostgresStore(url: url)
        let second = try await PostgresStore(url: url)
        let watcher = try await PostgresStore(url: url)
        defer {
            first.shutdown()
            second.shutdown()
            watcher.shutdown()
        }
        let (events, sink) = AsyncStream.makeStream(of: StoreEvent.self)
        let listening = Task { await watcher.listen { sink.yield($0) } }
        defer { listening.cancel() }
        var heard = events.makeAsyncIterator()
        #expect(await heard.next() == .listening)

        let (held, holding) = AsyncStream.makeStream(of: Void.self)
        let holder = Task {
            try await first.withRegradeClaim(id: "r1") {
                holding.yield()
                try await Task.sleep(for: .seconds(3600))
            }
        }
        defer { holder.cancel() }
        var heldIt = held.makeAsyncIterator()
        _ = await heldIt.next()
        #expect(await heard.next() == .regradeClaimed("r1"))
        let taker = Task {
            try await second.withRegradeClaim(id: "r1") {}
            return true
        }
        // The second waits in the database for the lock (not granted yet).
        // pg_locks is the whole server's (other tests' databases too): this database's regrade claims only.
        let claims = """
            FROM pg_locks WHERE locktype = 'advisory' AND classid = \(PostgresStore.regradeLockSpace) AND objsubid = 2
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """
        let waiting = "SELECT count(*)::bigint \(claims) AND NOT granted"
        try await Self.waitUntil { try await Self.count(watcher, waiting) == 1 }
        // The holder's session ends as a killed process's does.
        let ended = try await watcher.client.query(
            PostgresQuery(unsafeSQL: "SELECT pg_terminate_backend(pid) \(claims) AND granted")
        ).decode(Bool.self).all()
        #expect(ended == [true])
        #expect(try await taker.value)
        #expect(await heard.next() == .regradeClaimed("r1"))
    }

    static func count(_ store: PostgresStore, _ sql: String) async throws -> Int64 {
        try await store.client.query(PostgresQuery(unsafeSQL: sql)).decode(Int64.self).all().first ?? -1
    }

    /// Waits for the condition, checking every 20 ms; fails after 10 s.
    static func waitUntil(_ condition: () async throws -> Bool) async throws {
        let end = ContinuousClock.now + .seconds(10)
        while try await !condition() {
            guard ContinuousClock.now < end else {
                Issue.record("the condition did not hold within 10 s")
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
