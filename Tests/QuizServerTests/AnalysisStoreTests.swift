import Foundation
import GRDB
import PostgresNIO
import QuizCore
import Testing

@testable import QuizApp
@testable import Store

/// Item analysis's summaries in a real SQLite file and a real PostgreSQL: made from a database the previous version
/// left, kept right by the triggers through every insert, update (a regrade) and delete, and gone with a deleted
/// class; and the measures computed from them.
@Suite("Item analysis, SQLite and PostgreSQL")
struct AnalysisStoreTests {
    static func directory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("analysis-\(UUID().uuidString)").path
    }

    static let tasksHalf = #"[{"name":"one","status":"passed"},{"name":"two","status":"not_concurrent"}]"#
    static let tasksAll = #"[{"name":"one","status":"passed"},{"name":"two","status":"passed"}]"#

    static func attempt(
        _ student: String,
        _ question: String,
        kind: String = "single_choice",
        answer: String = #"{"choices":["a"]}"#,
        score: Double,
        tasks: String? = nil
    ) -> AttemptRecord {
        AttemptRecord(
            studentID: student,
            questionID: question,
            kind: kind,
            answer: answer,
            verdict: score >= 1 ? "passed" : "failed",
            score: score,
            tasks: tasks,
            createdAt: Date()
        )
    }

    /// The analysis's sums and tallies, in a form that compares regardless of order.
    static func normal(_ data: ItemAnalysisData) -> [String] {
        data.questions.map { id, s in
            "\(id) n=\(s.students) a=\(s.attempts) f=\(s.firstPassed) x=\(s.x) y=\(s.y) xx=\(s.xx) yy=\(s.yy) "
                + "xy=\(s.xy) o=\(s.options.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ","))"
        }.sorted()
            + data.taskTallies.map { "\($0.questionID) \($0.task) \($0.status) \($0.count)" }.sorted()
    }

    /// The summaries agree with the attempts themselves (the scoped analysis reads those) over all time.
    static func expectSummariesAgree(_ store: any AnalysisStore, _ code: String, questions: [String]) async throws {
        let fromSummaries = try await store.itemAnalysis(classCode: code, scope: nil)
        let fromAttempts = try await store.itemAnalysis(
            classCode: code,
            scope: AnalysisScope(questionIDs: questions, since: .distantPast)
        )
        #expect(normal(fromSummaries) == normal(fromAttempts))
    }

    @Test func aDatabaseFromThePreviousVersionGetsItsSummaries() async throws {
        let directory = Self.directory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let old = try DatabaseQueue(path: directory + "/quiz.sqlite")
        try SQLiteStore.migrator.migrate(old, upTo: "v8-join-policy")
        try await old.write { db in
            try db.execute(sql: "INSERT INTO classes (code, name, created_at) VALUES ('ABC234', 'Old', 10)")
            for (id, removed) in [("s1", "NULL"), ("s2", "NULL"), ("s3", "20")] {
                try db.execute(
                    sql: """
                        INSERT INTO students (id, class_code, name, token_hash, created_at, removed_at)
                        VALUES (?, 'ABC234', ?, ?, 11, \(removed))
                        """,
                    arguments: [id, id, "hash-" + id]
                )
            }
            let rows: [(String, String, String, String, String, Double, String?)] = [
                ("s1", "q-choice", "single_choice", #"{"choices":["b"]}"#, "failed", 0, nil),
                ("s1", "q-choice", "single_choice", #"{"choices":["a"]}"#, "passed", 1, nil),
                ("s2", "q-choice", "single_choice", #"{"choices":["a"]}"#, "passed", 1, nil),
                ("s1", "q-code", "code", #"{"code":"x"}"#, "failed", 0.5, Self.tasksHalf),
                ("s2", "q-code", "code", #"{"code":"x"}"#, "failed", 0, "not json at all"),
                ("s3", "q-code", "code", #"{"code":"x"}"#, "passed", 1, Self.tasksAll),
                ("s3", "q-choice", "single_choice", #"{"choices":["c"]}"#, "failed", 0, nil),
            ]
            for (student, question, kind, answer, verdict, score, tasks) in rows {
                try db.execute(
                    sql: """
                        INSERT INTO attempts (student_id, question_id, kind, answer, verdict, score, tasks, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, 12)
                        """,
                    arguments: [student, question, kind, answer, verdict, score, tasks]
                )
            }
        }
        try old.close()

        let store = try SQLiteStore(directory: directory)
        let applied = try await store.pool.read { db in try SQLiteStore.migrator.appliedIdentifiers(db) }
        #expect(applied.contains("v9-item-analysis"))
        let data = try await store.itemAnalysis(classCode: "ABC234", scope: nil)
        // s3 is removed: left out, their tasks too.
        #expect(
            Self.normal(data) == [
                "q-choice n=2 a=3 f=1 x=2.0 y=0.5 xx=2.0 yy=0.25 xy=0.5 o=a:1,b:1",
                "q-code n=2 a=2 f=0 x=0.5 y=2.0 xx=0.25 yy=2.0 xy=0.5 o=",
                "q-code one passed 1",
                "q-code two not_concurrent 1",
            ]
        )
        try await Self.expectSummariesAgree(store, "ABC234", questions: ["q-choice", "q-code"])
        // Recording goes on after the upgrade, the summaries with it.
        _ = try await store.record(Self.attempt("s2", "q-code", kind: "code", score: 1, tasks: Self.tasksAll))
        try await Self.expectSummariesAgree(store, "ABC234", questions: ["q-choice", "q-code"])
        _ = try SQLiteStore(directory: directory)
    }

    @Test func aPostgreSQLDatabaseFromThePreviousVersionGetsItsTaskOutcomes() async throws {
        let url = try await TestPostgres.freshDatabase()
        let old = try await PostgresStore(url: url, migratingUpTo: "v11-study")
        try await Self.execute(old, "INSERT INTO classes (code, name, created_at) VALUES ('ABC234', 'Old', 10)", [])
        for (id, removed) in [("s1", "NULL"), ("s2", "NULL"), ("s3", "20")] {
            try await Self.execute(
                old,
                """
                INSERT INTO students (id, class_code, name, token_hash, created_at, removed_at)
                VALUES (?, 'ABC234', ?, ?, 11, \(removed))
                """,
                [id, id, "hash-" + id]
            )
        }
        let rows: [(String, String, String, String, String, String, String?)] = [
            ("s1", "q-choice", "single_choice", #"{"choices":["b"]}"#, "failed", "0", nil),
            ("s1", "q-choice", "single_choice", #"{"choices":["a"]}"#, "passed", "1", nil),
            ("s2", "q-choice", "single_choice", #"{"choices":["a"]}"#, "passed", "1", nil),
            ("s1", "q-code", "code", #"{"code":"x"}"#, "failed", "0.5", Self.tasksHalf),
            ("s2", "q-code", "code", #"{"code":"x"}"#, "failed", "0", "not json at all"),
            ("s3", "q-code", "code", #"{"code":"x"}"#, "passed", "1", Self.tasksAll),
            ("s3", "q-choice", "single_choice", #"{"choices":["c"]}"#, "failed", "0", nil),
        ]
        for (student, question, kind, answer, verdict, score, tasks) in rows {
            try await Self.execute(
                old,
                """
                INSERT INTO attempts (student_id, question_id, kind, answer, verdict, score, tasks, created_at)
                VALUES (?, ?, ?, ?, ?, CAST(? AS DOUBLE PRECISION), \(tasks == nil ? "NULL" : "?"), 12)
                """,
                [student, question, kind, answer, verdict, score] + (tasks.map { [$0] } ?? [])
            )
        }
        old.shutdown()

        let store = try await PostgresStore(url: url)
        defer { store.shutdown() }
        #expect(
            try await store.appliedMigrations().suffix(3) == [
                "v13-pg-item-analysis", "v13-pg-regrades", "v13-pg-class-delete",
            ]
        )
        let data = try await store.itemAnalysis(classCode: "ABC234", scope: nil)
        // The same figures as SQLite's upgrade gives: s3 is removed, left out with their tasks.
        #expect(
            Self.normal(data) == [
                "q-choice n=2 a=3 f=1 x=2.0 y=0.5 xx=2.0 yy=0.25 xy=0.5 o=a:1,b:1",
                "q-code n=2 a=2 f=0 x=0.5 y=2.0 xx=0.25 yy=2.0 xy=0.5 o=",
                "q-code one passed 1",
                "q-code two not_concurrent 1",
            ]
        )
        _ = try await store.record(Self.attempt("s2", "q-code", kind: "code", score: 1, tasks: Self.tasksAll))
        try await Self.expectSummariesAgree(store, "ABC234", questions: ["q-choice", "q-code"])
        #expect(try await store.itemAnalysis(classCode: "ABC234", scope: nil).taskTallies.count == 3)
    }

    /// Runs one statement on the store's database, as a regrade or a deletion would (`?` marks the arguments).
    static func execute(_ store: any AnalysisStore, _ sql: String, _ arguments: [String]) async throws {
        if let store = store as? SQLiteStore {
            try await store.pool.write { db in try db.execute(sql: sql, arguments: StatementArguments(arguments)) }
        } else if let store = store as? PostgresStore {
            var numbered = ""
            var bindings = PostgresBindings()
            for character in sql {
                if character == "?" {
                    bindings.append(arguments[bindings.count])
                    numbered += "$\(bindings.count)"
                } else {
                    numbered.append(character)
                }
            }
            try await store.client.query(PostgresQuery(unsafeSQL: numbered, binds: bindings))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func theSummariesFollowEveryInsertUpdateAndDelete(kind: StoreKind) async throws {
        let store = try await kind.makeFull()
        let classRecord = try await store.createClass(name: "Live")
        let ada = try await store.createStudent(name: "Ada", classCode: classRecord.code, tokenHash: "h-ada")
        let bob = try await store.createStudent(name: "Bob", classCode: classRecord.code, tokenHash: "h-bob")
        let questions = ["q-choice", "q-multi", "q-code"]
        let code = classRecord.code
        _ = try await store.record(Self.attempt(ada.id, "q-choice", answer: #"{"choices":["b"]}"#, score: 0))
        _ = try await store.record(Self.attempt(ada.id, "q-choice", score: 1))
        _ = try await store.record(
            Self.attempt(bob.id, "q-multi", kind: "multiple_choice", answer: #"{"choices":["a","c"]}"#, score: 0.5),
            late: true,
            limit: nil,
            claim: nil
        )
        let first = try await store.record(
            Self.attempt(ada.id, "q-code", kind: "code", answer: #"{"code":"x"}"#, score: 0.5, tasks: Self.tasksHalf)
        )
        _ = try await store.record(
            Self.attempt(ada.id, "q-code", kind: "code", answer: #"{"code":"y"}"#, score: 0.5, tasks: Self.tasksHalf)
        )
        try await Self.expectSummariesAgree(store, code, questions: questions)
        let before = try await store.itemAnalysis(classCode: code, scope: nil)
        #expect(before.questions["q-multi"]?.options == ["a": 1, "c": 1])
        #expect(
            before.taskTallies.contains(
                TaskTally(questionID: "q-code", task: "two", status: "not_concurrent", count: 2)
            )
        )

        // A regrade rewrites the first code attempt: its score, verdict and tasks.
        try await Self.execute(
            store,
            "UPDATE attempts SET score = 1, verdict = 'passed', tasks = ? WHERE id = CAST(? AS BIGINT)",
            [Self.tasksAll, String(first.id ?? 0)]
        )
        try await Self.expectSummariesAgree(store, code, questions: questions)
        let regraded = try await store.itemAnalysis(classCode: code, scope: nil)
        let row = try #require(regraded.questions["q-code"])
        #expect(row.x == 1 && row.firstPassed == 1 && row.attempts == 2)
        #expect(regraded.taskTallies.contains(TaskTally(questionID: "q-code", task: "two", status: "passed", count: 1)))

        // Deleting the first attempt makes the next one first.
        try await Self.execute(store, "DELETE FROM attempts WHERE id = CAST(? AS BIGINT)", [String(first.id ?? 0)])
        try await Self.expectSummariesAgree(store, code, questions: questions)
        let after = try await store.itemAnalysis(classCode: code, scope: nil)
        let left = try #require(after.questions["q-code"])
        #expect(left.x == 0.5 && left.firstPassed == 0 && left.attempts == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func deletingAClassLeavesNothingOfItAndTheOthersWhole(kind: StoreKind) async throws {
        let store = try await kind.makeFull()
        let doomed = try await store.createClass(name: "Doomed", owner: nil)
        let kept = try await store.createClass(name: "Kept", owner: nil)
        let teacher = try await store.createTeacher(name: "T", tokenHash: "h-t")
        try await store.addCoTeacher(teacherID: teacher.id, classCode: doomed.code)
        for (name, classCode) in [("Ada", doomed.code), ("Bob", kept.code)] {
            let student = try await store.createStudent(name: name, classCode: classCode, tokenHash: "h-" + name)
            _ = try await store.record(
                Self.attempt(
                    student.id,
                    "q-code",
                    kind: "code",
                    answer: #"{"code":"x"}"#,
                    score: 1,
                    tasks: Self.tasksAll
                )
            )
            try await store.createReadmitCode(studentID: student.id, codeHash: "c-" + name, expiresAt: Date())
        }
        let keptBefore = try await store.itemAnalysis(classCode: kept.code, scope: nil)
        #expect(try await store.deleteClass(code: doomed.code))
        #expect(try await store.deleteClass(code: doomed.code) == false)
        #expect(try await store.classRecord(code: doomed.code) == nil)
        #expect(try await store.student(tokenHash: "h-Ada") == nil)
        // What is left is the kept class's: one student, one attempt (two tasks), one of each summary.
        switch kind {
        case .sqlite:
            let counts = try await (store as! SQLiteStore).pool.read { db in
                try [
                    "students", "attempts", "progress", "item_stats", "task_outcomes", "class_task_tallies",
                    "readmit_codes", "class_teachers",
                ].map { try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \($0)") ?? -1 }
            }
            #expect(counts == [1, 1, 1, 1, 2, 2, 1, 0])
        case .postgres:
            var counts: [Int] = []
            for table in [
                "students", "attempts", "progress", "item_stats", "task_outcomes", "readmit_codes", "class_teachers",
            ] {
                let rows = try await (store as! PostgresStore).client.query(
                    PostgresQuery(unsafeSQL: "SELECT count(*)::bigint FROM \(table)")
                ).decode(Int64.self).all()
                counts.append(Int(rows.first ?? -1))
            }
            #expect(counts == [1, 1, 1, 1, 2, 1, 0])
        }
        #expect(Self.normal(try await store.itemAnalysis(classCode: kept.code, scope: nil)) == Self.normal(keptBefore))
    }

    @Test func theMeasuresAreTheDefinitions() throws {
        let record = ClassRecord(code: "ABC234", name: "x", createdAt: Date())
        func row(
            _ student: String,
            _ question: String,
            _ best: Double,
            first: Bool = false,
            choices: [String]? = nil
        )
            -> ItemRow
        {
            ItemRow(
                studentID: student,
                questionID: question,
                attempts: 1,
                best: best,
                firstPassed: first,
                firstChoices: choices
            )
        }
        // q1 (like q4 and q5) ranks the students as the rest does (r = 1); q2 the other way round (r = -1); q3 has
        // one student only.
        let items = [
            row("a", "q1", 1, first: true, choices: ["x"]), row("a", "q2", 0), row("a", "q4", 1), row("a", "q5", 1),
            row("b", "q1", 0.5, choices: ["y", "x"]), row("b", "q2", 0.5), row("b", "q4", 0.5), row("b", "q5", 0.5),
            row("c", "q1", 0, choices: []), row("c", "q2", 1), row("c", "q4", 0), row("c", "q5", 0),
            row("d", "q3", 1),
        ]
        let data = ItemAnalysisData(
            items: items,
            taskTallies: [TaskTally(questionID: "q3", task: "t", status: "passed", count: 3)]
        )
        let analysis = ItemAnalysis(
            classRecord: record,
            assignment: nil,
            questions: ["q2", "q1"],
            data: data,
            bank: QuestionBank(topics: [], questions: [])
        )
        #expect(analysis.questions.map(\.id) == ["q2", "q1", "q3", "q4", "q5"])
        let q1 = analysis.questions[1]
        #expect(q1.students == 3 && q1.attempts == 3)
        #expect(q1.firstTryRight == ItemAnalysis.round(1.0 / 3) && q1.meanBest == 0.5)
        #expect(q1.discrimination == 1)
        #expect(q1.options == ["x": 2, "y": 1])
        #expect(analysis.questions[0].discrimination == -1)
        let q3 = analysis.questions[2]
        #expect(q3.students == 1 && q3.discrimination == nil && q3.taskStatuses == ["t": ["passed": 3]])
        #expect(q3.options == nil)
    }
}
