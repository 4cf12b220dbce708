import Foundation
import GRDB
import Testing

@testable import Store

/// Teachers' banks in a real SQLite file and a real PostgreSQL: the upgrade from the previous version's database,
/// namespaces that two teachers never share, ids that two banks never share, and (PostgreSQL) every change told to
/// the other instances.
@Suite("Teacher bank store, SQLite and PostgreSQL")
struct TeacherBankStoreTests {
    static func bank(
        _ id: String,
        owner: String?,
        questions: [String],
        version: String = "0123456789abcdef"
    )
        -> TeacherBankRecord
    {
        TeacherBankRecord(
            id: id,
            owner: owner,
            questions: questions.map { TeacherBankQuestion(id: $0, version: version, body: #"{"id":"\#($0)"}"#) },
            createdAt: Date(timeIntervalSince1970: 100),
            updatedAt: Date(timeIntervalSince1970: 100)
        )
    }

    @Test func aDatabaseFromThePreviousVersionGetsTheBankTablesWithItsDataIntact() async throws {
        let directory = ClassroomStoreTests.directory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // The schema as the server before banks left it (up to v9-hints-taken), with a teacher, their class, a
        // student and an attempt.
        let old = try DatabaseQueue(path: directory + "/quiz.sqlite")
        try SQLiteStore.migrator.migrate(old, upTo: "v9-hints-taken")
        try await old.write { db in
            try db.execute(sql: "INSERT INTO teachers (id, name, token_hash, created_at) VALUES ('t1', 'T', 'h', 1)")
            try db.execute(sql: "INSERT INTO classes (code, name, created_at) VALUES ('ABC234', 'Old class', 10)")
            try db.execute(sql: "INSERT INTO class_teachers VALUES ('ABC234', 't1', 'owner')")
            try db.execute(
                sql:
                    "INSERT INTO students (id, class_code, name, token_hash, created_at) VALUES ('s1', 'ABC234', 'Ada', 'hash-ada', 11)"
            )
            try db.execute(
                sql: """
                    INSERT INTO attempts (student_id, question_id, kind, answer, verdict, score, created_at)
                    VALUES ('s1', 'code-fetch-all', 'code', '{"code":"x"}', 'passed', 1, 12)
                    """
            )
        }
        try old.close()

        let store = try SQLiteStore(directory: directory)
        let applied = try await store.pool.read { db in try SQLiteStore.migrator.appliedIdentifiers(db) }
        #expect(applied.contains("v10-teacher-banks"))
        #expect(try await store.banks().isEmpty)
        #expect(try await store.role(teacherID: "t1", classCode: "ABC234") == .owner)
        #expect(try await store.student(tokenHash: "hash-ada")?.id == "s1")
        #expect(try await store.studentAttempts(studentID: "s1", questionID: nil, limit: 5).count == 1)
        // The new tables work on the upgraded file, and it opens again.
        #expect(try await store.bankNamespace(owner: "t1", preferred: ["tt1"]) == "tt1")
        try await store.createBank(Self.bank("b1", owner: "t1", questions: ["tt1_q"]))
        let again = try SQLiteStore(directory: directory)
        #expect(try await again.banks().map(\.id) == ["b1"])
    }

    @Test(arguments: StoreKind.allCases)
    func twoTeachersNeverShareANamespaceAndEachKeepsTheirs(kind: StoreKind) async throws {
        let store = try await kind.makeBanks()
        #expect(try await store.bankNamespace(owner: "a", preferred: ["t0f", "t0f1"]) == "t0f")
        // The same prefix for another teacher: the next candidate.
        #expect(try await store.bankNamespace(owner: "b", preferred: ["t0f", "t0f2"]) == "t0f2")
        // Held forever: later calls give the same, whatever is preferred.
        #expect(try await store.bankNamespace(owner: "a", preferred: ["zzz"]) == "t0f")
        #expect(try await store.bankNamespace(owner: nil, preferred: ["admin"]) == "admin")
        await #expect(throws: StoreError.self) {
            try await store.bankNamespace(owner: "c", preferred: ["t0f", "admin"])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func anIdIsInOneBankOnlyAndReplacingOrDeletingABankFreesItsIds(kind: StoreKind) async throws {
        let store = try await kind.makeBanks()
        try await store.createBank(Self.bank("b1", owner: "a", questions: ["ta_x", "ta_y"]))
        await #expect(throws: TeacherBankStoreError.questionTaken(question: "ta_y", bank: "b1")) {
            try await store.createBank(Self.bank("b2", owner: "a", questions: ["ta_z", "ta_y"]))
        }
        // Refused whole: nothing of b2 was kept.
        #expect(try await store.banks().map(\.id) == ["b1"])
        #expect(try await store.bank(id: "b2") == nil)

        var replaced = Self.bank("b1", owner: "a", questions: ["ta_y", "ta_w"], version: "fedcba9876543210")
        replaced.updatedAt = Date(timeIntervalSince1970: 200)
        #expect(try await store.replaceBank(replaced))
        let read = try #require(try await store.bank(id: "b1"))
        #expect(read.questions.map(\.id) == ["ta_y", "ta_w"])
        #expect(read.questions.allSatisfy { $0.version == "fedcba9876543210" })
        #expect(
            read.createdAt == Date(timeIntervalSince1970: 100) && read.updatedAt == Date(timeIntervalSince1970: 200)
        )
        #expect(try await store.replaceBank(Self.bank("nope", owner: "a", questions: ["ta_q"])) == false)
        // ta_x left b1 with the replacement: another bank may take it now.
        try await store.createBank(Self.bank("b2", owner: nil, questions: ["ta_x"]))
        #expect(try await store.banks().map(\.owner) == ["a", nil])

        #expect(try await store.deleteBank(id: "b1"))
        #expect(try await store.deleteBank(id: "b1") == false)
        #expect(try await store.banks().map(\.id) == ["b2"])
        try await store.createBank(Self.bank("b3", owner: "a", questions: ["ta_y"]))
    }

    @Test func aBankChangedByOneInstanceIsToldToTheOthers() async throws {
        let url = try await TestPostgres.freshDatabase()
        let writer = try await PostgresStore(url: url)
        let reader = try await PostgresStore(url: url)
        defer {
            writer.shutdown()
            reader.shutdown()
        }
        let (events, sink) = AsyncStream.makeStream(of: StoreEvent.self)
        let listening = Task { await reader.listen { sink.yield($0) } }
        defer { listening.cancel() }
        var heard = events.makeAsyncIterator()
        #expect(await heard.next() == .listening)
        try await writer.createBank(Self.bank("b1", owner: "a", questions: ["ta_x"]))
        #expect(await heard.next() == .banksChanged)
        #expect(try await writer.replaceBank(Self.bank("b1", owner: "a", questions: ["ta_y"])))
        #expect(await heard.next() == .banksChanged)
        // A refused change tells nothing: the next event is the deletion's.
        await #expect(throws: TeacherBankStoreError.self) {
            try await writer.createBank(Self.bank("b2", owner: "a", questions: ["ta_y"]))
        }
        #expect(try await writer.deleteBank(id: "b1"))
        #expect(await heard.next() == .banksChanged)
        #expect(try await reader.banks().isEmpty)
    }
}
