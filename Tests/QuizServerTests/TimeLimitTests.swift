import Foundation
import GRDB
import Grader
import Logging
import QuizCore
import Testing

@testable import QuizApp
@testable import Store

/// An assignment's time limit from first opening: the start kept once in the store (SQLite and PostgreSQL, also
/// when two starts race), databases from the version before, and the lateness rule run with an injected clock.
@Suite("Time limits, SQLite and PostgreSQL")
struct TimeLimitTests {
    static func assignment(
        _ id: String,
        classCode: String,
        now: Date,
        minutes: Int?,
        questions: [String] = ["q1"]
    ) -> AssignmentRecord {
        AssignmentRecord(
            id: id,
            classCode: classCode,
            title: "Timed",
            questions: questions,
            opensAt: now.addingTimeInterval(-60),
            dueAt: now.addingTimeInterval(3600),
            opensAtText: "opens",
            dueAtText: "due",
            maxAttempts: nil,
            counts: "best",
            key: "after_due",
            createdAt: now,
            timeLimitMinutes: minutes
        )
    }

    @Test(arguments: StoreKind.allCases)
    func theFirstStartIsKeptAndEveryStartReadsIt(kind: StoreKind) async throws {
        let store = try await kind.makeClassroom()
        let group = try await store.createClass(name: "c")
        let ada = try await store.createStudent(name: "Ada", classCode: group.code, tokenHash: "ada")
        let bob = try await store.createStudent(name: "Bob", classCode: group.code, tokenHash: "bob")
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded())
        let timed = Self.assignment("a1", classCode: group.code, now: now, minutes: 30)
        let plain = Self.assignment("a2", classCode: group.code, now: now, minutes: nil)
        #expect(try await store.createAssignment(timed) == timed)
        _ = try await store.createAssignment(plain)
        #expect(try await store.assignment(id: "a1", classCode: group.code)?.timeLimitMinutes == 30)
        #expect(
            try await store.assignments(classCode: group.code).map(\.timeLimitMinutes).sorted { "\($0)" < "\($1)" } == [
                30, nil,
            ]
        )
        #expect(try await store.assignmentStarts(studentID: ada.id).isEmpty)

        let first = try await store.startAssignment(id: "a1", studentID: ada.id, now: now)
        #expect(first == now)
        let again = try await store.startAssignment(id: "a1", studentID: ada.id, now: now.addingTimeInterval(600))
        #expect(again == now, "starting again keeps the first start")
        _ = try await store.startAssignment(id: "a2", studentID: ada.id, now: now.addingTimeInterval(5))
        _ = try await store.startAssignment(id: "a1", studentID: bob.id, now: now.addingTimeInterval(7))
        #expect(try await store.assignmentStarts(studentID: ada.id) == ["a1": now, "a2": now.addingTimeInterval(5)])
        #expect(
            try await store.assignmentStarts(assignmentID: "a1")
                == [ada.id: now, bob.id: now.addingTimeInterval(7)]
        )
        #expect(timed.deadline(startedAt: now) == now.addingTimeInterval(1800))
        #expect(plain.deadline(startedAt: now) == plain.dueAt)
        #expect(timed.deadline(startedAt: nil) == timed.dueAt)
        #expect(timed.deadline(startedAt: now.addingTimeInterval(3000)) == timed.dueAt, "the due time caps the limit")
    }

    @Test(arguments: StoreKind.allCases)
    func startsRacingFromTwoInstancesAgreeOnOneTime(kind: StoreKind) async throws {
        // Two stores on one database, as two server instances are: each start at its own moment.
        let (one, two): (any ClassroomStore & AttemptStore, any ClassroomStore & AttemptStore)
        switch kind {
        case .sqlite:
            let directory = StoreTests.directory()
            (one, two) = (try SQLiteStore(directory: directory), try SQLiteStore(directory: directory))
        case .postgres:
            let url = try await TestPostgres.freshDatabase()
            (one, two) = (try await PostgresStore(url: url), try await PostgresStore(url: url))
        }
        let group = try await one.createClass(name: "c")
        let ada = try await one.createStudent(name: "Ada", classCode: group.code, tokenHash: "ada")
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded())
        _ = try await one.createAssignment(Self.assignment("a1", classCode: group.code, now: now, minutes: 10))
        let starts = try await withThrowingTaskGroup(of: Date.self) { tasks in
            for index in 0..<16 {
                let store = index.isMultiple(of: 2) ? one : two
                tasks.addTask {
                    try await store.startAssignment(
                        id: "a1",
                        studentID: ada.id,
                        now: now.addingTimeInterval(Double(index))
                    )
                }
            }
            return try await tasks.reduce(into: [Date]()) { $0.append($1) }
        }
        #expect(Set(starts).count == 1, "every start answered the same time")
        #expect(try await two.assignmentStarts(studentID: ada.id) == ["a1": starts[0]])
        #expect(try await one.assignmentStarts(assignmentID: "a1").count == 1)
    }

    @Test func aSQLiteDatabaseFromTheVersionBeforeKeepsItsAssignmentsWithNoLimit() async throws {
        let directory = StoreTests.directory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let old = try DatabaseQueue(path: directory + "/quiz.sqlite")
        try SQLiteStore.migrator.migrate(old, upTo: "v11-study")
        try await old.write { db in
            try db.execute(sql: "INSERT INTO classes (code, name, created_at) VALUES ('ABC234', 'Old', 10)")
            try db.execute(
                sql:
                    "INSERT INTO students (id, class_code, name, token_hash, created_at) VALUES ('s1', 'ABC234', 'Ada', 'h', 11)"
            )
            try db.execute(
                sql: """
                    INSERT INTO assignments (id, class_code, title, opens_at, due_at, opens_at_text, due_at_text,
                        max_attempts, counts, key, created_at)
                    VALUES ('a1', 'ABC234', 'Week 1', 0, 4102444800, 'o', 'd', 2, 'best', 'after_due', 12)
                    """
            )
            try db.execute(sql: "INSERT INTO assignment_questions VALUES ('a1', 'q1', 0)")
        }
        try old.close()
        let store = try SQLiteStore(directory: directory)
        let kept = try #require(try await store.assignment(id: "a1", classCode: "ABC234"))
        #expect(kept.title == "Week 1" && kept.questions == ["q1"] && kept.maxAttempts == 2)
        #expect(kept.timeLimitMinutes == nil)
        let start = Date(timeIntervalSince1970: 1_000_000)
        #expect(try await store.startAssignment(id: "a1", studentID: "s1", now: start) == start)
        #expect(kept.deadline(startedAt: start) == kept.dueAt)
        _ = try SQLiteStore(directory: directory)
    }

    @Test func aPostgreSQLDatabaseFromTheVersionBeforeKeepsItsAssignmentsWithNoLimit() async throws {
        let url = try await TestPostgres.freshDatabase()
        let old = try await PostgresStore(url: url, migratingUpTo: "v11-study")
        #expect(try await old.appliedMigrations().last == "v11-study")
        try await old.run { client in
            try await client.query("INSERT INTO classes (code, name, created_at) VALUES ('ABC234', 'Old', 10)")
            try await client.query(
                "INSERT INTO students (id, class_code, name, token_hash, created_at) VALUES ('s1', 'ABC234', 'Ada', 'h', 11)"
            )
            try await client.query(
                """
                INSERT INTO assignments (id, class_code, title, opens_at, due_at, opens_at_text, due_at_text,
                    max_attempts, counts, key, created_at)
                VALUES ('a1', 'ABC234', 'Week 1', 0, 4102444800, 'o', 'd', 2, 'best', 'after_due', 12)
                """
            )
            try await client.query("INSERT INTO assignment_questions VALUES ('a1', 'q1', 0)")
        }
        old.shutdown()
        let store = try await PostgresStore(url: url)
        #expect(try await store.appliedMigrations().contains("v12-assignment-time-limit"))
        let kept = try #require(try await store.assignment(id: "a1", classCode: "ABC234"))
        #expect(kept.title == "Week 1" && kept.questions == ["q1"] && kept.maxAttempts == 2)
        #expect(kept.timeLimitMinutes == nil)
        let start = Date(timeIntervalSince1970: 1_000_000)
        #expect(try await store.startAssignment(id: "a1", studentID: "s1", now: start) == start)
    }

    /// The rule with the clock injected: an attempt starts the clock; from start plus the limit on it is late; the
    /// due time still caps a late start; the report marks the same attempts late.
    @Test func attemptsAfterTheStudentsOwnEndAreLateAndTheReportAgrees() async throws {
        let store = try SQLiteStore(directory: StoreTests.directory())
        let app = QuizApplication(
            bank: try QuestionBank.load(contentsOf: Repository.root.appendingPathComponent("questions.json")),
            grader: GradingPool(
                configuration: GraderConfiguration(launch: URL(fileURLWithPath: Repository.path("grader/launch"))),
                logger: Logger(label: "test")
            ),
            store: store,
            teacher: TeacherToken(value: TestServer.teacherToken, source: "test"),
            paths: .init(publicDirectory: Repository.path("Public")),
            logger: Logger(label: "test")
        )
        let group = try await store.createClass(name: "c")
        let ada = try await store.createStudent(name: "Ada", classCode: group.code, tokenHash: "ada")
        let bob = try await store.createStudent(name: "Bob", classCode: group.code, tokenHash: "bob")
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded())
        let timed = try await store.createAssignment(
            Self.assignment("a1", classCode: group.code, now: now, minutes: 30)
        )
        let service = app.assignments

        // Ada's first attempt starts her clock; within 30 minutes she is on time, from then on late.
        #expect(try await service.terms(student: ada, questionID: "q1", now: now).late == false)
        #expect(try await store.assignmentStarts(studentID: ada.id) == ["a1": now])
        #expect(
            try await service.terms(student: ada, questionID: "q1", now: now.addingTimeInterval(1799)).late == false
        )
        #expect(try await service.terms(student: ada, questionID: "q1", now: now.addingTimeInterval(1800)).late == true)
        // Bob opens it 50 minutes in: his 30 minutes are cut at the due time (60 minutes in).
        _ = try await store.startAssignment(id: "a1", studentID: bob.id, now: now.addingTimeInterval(3000))
        #expect(
            try await service.terms(student: bob, questionID: "q1", now: now.addingTimeInterval(3599)).late == false
        )
        #expect(try await service.terms(student: bob, questionID: "q1", now: now.addingTimeInterval(3600)).late == true)
        // A question on no timed assignment is untouched; the pure rule says the same.
        #expect(AssignmentService.late([(timed, now)], now: now.addingTimeInterval(1800)))
        #expect(!AssignmentService.late([(timed, nil)], now: now.addingTimeInterval(1800)))

        // The report: Ada's attempt 40 minutes in is late, Bob's at the same moment is not.
        func attempt(_ student: String, at seconds: Double, id: Int64) -> AttemptRecord {
            var record = ClassroomStoreTests.attempt(student, "q1")
            record.createdAt = now.addingTimeInterval(seconds)
            record.id = id
            return record
        }
        let report = AssignmentReport(
            assignment: timed,
            classRecord: group,
            students: [ada, bob],
            attempts: [attempt(ada.id, at: 2400, id: 1), attempt(bob.id, at: 2400, id: 2)],
            deadlines: try await store.assignmentStarts(assignmentID: "a1").mapValues { timed.deadline(startedAt: $0) }
        )
        let late = Dictionary(uniqueKeysWithValues: report.students.map { ($0.name, $0.results["q1"]?.late) })
        #expect(late == ["Ada": true, "Bob": false])
        let rows = report.csv().split(whereSeparator: \.isNewline).map(String.init)
        #expect(rows.first { $0.hasPrefix("Ada,") }?.hasSuffix(",q1") == true, "the CSV names Ada's late question")
        #expect(rows.first { $0.hasPrefix("Bob,") }?.hasSuffix(",") == true, "and none of Bob's")
    }
}
