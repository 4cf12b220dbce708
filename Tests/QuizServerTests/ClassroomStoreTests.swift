import Foundation
import GRDB
import Testing

@testable import Store

/// The classroom's tables in a real SQLite file and a real PostgreSQL server: upgrading a database the previous
/// version made, readmission codes, and attempt limits that hold under concurrent submissions.
@Suite("Classroom store, SQLite and PostgreSQL")
struct ClassroomStoreTests {
    static func directory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("classroom-\(UUID().uuidString)").path
    }

    static func attempt(_ student: String, _ question: String, score: Double = 1) -> AttemptRecord {
        AttemptRecord(
            studentID: student,
            questionID: question,
            kind: "single_choice",
            answer: #"{"choices":["a"]}"#,
            verdict: score >= 1 ? "passed" : "failed",
            score: score,
            tasks: nil,
            createdAt: Date()
        )
    }

    @Test func aDatabaseFromThePreviousVersionOpensWithItsDataIntact() async throws {
        let directory = Self.directory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // The schema as the server before this change left it (v1 … v3-version-seed), with a class, a student and
        // a code attempt whose tasks kept only name and status.
        let old = try DatabaseQueue(path: directory + "/quiz.sqlite")
        try SQLiteStore.migrator.migrate(old, upTo: "v3-version-seed")
        try await old.write { db in
            try db.execute(sql: "INSERT INTO classes VALUES ('ABC234', 'Old class', 10)")
            try db.execute(sql: "INSERT INTO students VALUES ('s1', 'ABC234', 'Ada', 'hash-ada', 11)")
            try db.execute(
                sql: """
                    INSERT INTO attempts (student_id, question_id, kind, answer, verdict, score, tasks, created_at,
                        version, seed)
                    VALUES ('s1', 'code-fetch-all', 'code', '{"code":"x"}', 'failed', 0.5,
                        '[{"name":"three items","status":"passed"}]', 12, 'v', 7)
                    """
            )
            try db.execute(
                sql: "INSERT INTO progress VALUES ('s1', 'code-fetch-all', 0.5, 1, 'failed')"
            )
        }
        try old.close()

        let store = try SQLiteStore(directory: directory)
        let applied = try await store.pool.read { db in try SQLiteStore.migrator.appliedIdentifiers(db) }
        #expect(applied.isSuperset(of: ["v4-teachers", "v5-roster", "v6-assignments", "v7-sign-in", "v8-join-policy"]))
        // The old class is the administrator's: no teacher owns it, the administrator's list has it.
        #expect(try await store.classes().map(\.code) == ["ABC234"])
        #expect(try await store.joinPolicy(classCode: "ABC234") == .open, "classes from before are joined by code")
        let teacher = try await store.createTeacher(name: "T", tokenHash: "hash-t")
        #expect(try await store.classes(teacherID: teacher.id).isEmpty)
        #expect(try await store.role(teacherID: teacher.id, classCode: "ABC234") == nil)
        // The student and their token still work; the roster has them, not removed.
        #expect(try await store.student(tokenHash: "hash-ada")?.id == "s1")
        #expect(
            try await store.roster(classCode: "ABC234")
                == [RosterEntry(student: StudentRecord(id: "s1", name: "Ada", classCode: "ABC234"), removed: false)]
        )
        // The old attempt shows what it has: tasks with name and status, no late mark.
        let attempts = try await store.studentAttempts(studentID: "s1", questionID: nil, limit: 10)
        #expect(attempts.count == 1)
        #expect(attempts.first?.late == nil)
        #expect(attempts.first?.record.tasks == #"[{"name":"three items","status":"passed"}]"#)
        #expect(attempts.first?.record.seed == 7)
        // The results the old code computed are the same.
        let results = try #require(try await store.results(classCode: "ABC234"))
        #expect(results.rows.first?.results["code-fetch-all"]?.best == 0.5)
        // And it opens again (the migrations are not applied twice).
        _ = try SQLiteStore(directory: directory)
    }

    @Test(arguments: StoreKind.allCases)
    func aReadmissionCodeWorksOnceAndNotAfterItExpires(kind: StoreKind) async throws {
        let store = try await kind.makeClassroom()
        let group = try await store.createClass(name: "c")
        let ada = try await store.createStudent(name: "Ada", classCode: group.code, tokenHash: "old")
        let now = Date()
        try await store.createReadmitCode(studentID: ada.id, codeHash: "code", expiresAt: now.addingTimeInterval(60))
        #expect(try await store.redeemReadmitCode(codeHash: "nope", newTokenHash: "x", now: now) == .unknown)
        #expect(
            try await store.redeemReadmitCode(codeHash: "code", newTokenHash: "new", now: now.addingTimeInterval(61))
                == .expired
        )
        #expect(try await store.student(tokenHash: "old")?.id == ada.id, "an expired code changes nothing")
        #expect(try await store.redeemReadmitCode(codeHash: "code", newTokenHash: "new", now: now) == .readmitted(ada))
        #expect(try await store.student(tokenHash: "old") == nil)
        #expect(try await store.student(tokenHash: "new")?.id == ada.id)
        #expect(try await store.redeemReadmitCode(codeHash: "code", newTokenHash: "newer", now: now) == .used)
        #expect(try await store.student(tokenHash: "new")?.id == ada.id)
    }

    @Test(arguments: StoreKind.allCases)
    func removingAStudentRevokesTheirTokenAndKeepsTheirAttempts(kind: StoreKind) async throws {
        let store = try await kind.makeClassroom()
        let group = try await store.createClass(name: "c")
        let ada = try await store.createStudent(name: "Ada", classCode: group.code, tokenHash: "ada")
        _ = try await store.record(Self.attempt(ada.id, "q"))
        #expect(try await store.removeStudent(id: ada.id, classCode: "OTHER1") == false)
        #expect(try await store.removeStudent(id: ada.id, classCode: group.code))
        #expect(try await store.student(tokenHash: "ada") == nil)
        #expect(try await store.roster(classCode: group.code).first?.removed == true)
        #expect(try await store.studentAttempts(studentID: ada.id, questionID: "q", limit: 10).count == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func anAttemptLimitHoldsUnderConcurrentSubmissions(kind: StoreKind) async throws {
        let store = try await kind.makeClassroom()
        let group = try await store.createClass(name: "c")
        let ada = try await store.createStudent(name: "Ada", classCode: group.code, tokenHash: "ada")
        let limit = AttemptLimit(maximum: 3, since: Date().addingTimeInterval(-60))
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<12 {
                group.addTask {
                    do {
                        let attempt = Self.attempt(ada.id, "q", score: 0)
                        _ = try await store.record(attempt, late: true, limit: limit, claim: nil)
                        return true
                    } catch {
                        return false
                    }
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 3)
        let kept = try await store.studentAttempts(studentID: ada.id, questionID: "q", limit: 100)
        #expect(kept.count == 3)
        #expect(kept.allSatisfy { $0.late == true })
        let results = try #require(try await store.results(classCode: group.code))
        #expect(results.rows.first?.results["q"]?.attempts == 3, "the summary row counts the same attempts")
    }

    @Test(arguments: StoreKind.allCases)
    func aWaitingStudentsTokenFindsNoOneUntilApproved(kind: StoreKind) async throws {
        let store = try await kind.makeClassroom()
        let group = try await store.createClass(name: "c")
        try await store.setJoinPolicy(classCode: group.code, .approval)
        #expect(try await store.joinPolicy(classCode: group.code) == .approval)
        #expect(try await store.joinPolicy(classCode: "NOPE22") == nil)
        let ada = try await store.createPendingStudent(name: "Ada", classCode: group.code, tokenHash: "ada")
        #expect(try await store.student(tokenHash: "ada") == nil)
        #expect(try await store.pendingStudent(tokenHash: "ada") == ada)
        #expect(try await store.roster(classCode: group.code).first?.pending == true)
        #expect(try await store.approve(studentID: ada.id, classCode: "OTHER2") == false)
        #expect(try await store.approve(studentID: ada.id, classCode: group.code))
        #expect(try await store.student(tokenHash: "ada") == ada)
        #expect(try await store.pendingStudent(tokenHash: "ada") == nil)
        #expect(try await store.roster(classCode: group.code).first?.counted == true)
        let added = try await store.createUnclaimedStudent(name: "Bob", classCode: group.code)
        #expect(try await store.roster(classCode: group.code).map(\.student) == [ada, added])
    }

    @Test(arguments: StoreKind.allCases)
    func aDeletedTeacherIsFoundByNeitherTokenNorId(kind: StoreKind) async throws {
        let store = try await kind.makeClassroom()
        let teacher = try await store.createTeacher(name: "T", tokenHash: "t")
        let group = try await store.createClass(name: "mine", owner: teacher.id)
        #expect(try await store.role(teacherID: teacher.id, classCode: group.code) == .owner)
        #expect(try await store.teacher(tokenHash: "t")?.id == teacher.id)
        #expect(try await store.deleteTeacher(id: teacher.id))
        #expect(try await store.teacher(tokenHash: "t") == nil)
        #expect(try await store.teacher(id: teacher.id) == nil)
        #expect(try await store.deleteTeacher(id: teacher.id) == false)
        #expect(try await store.teachers().isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func sessionsEndWhenTheyExpireThePasswordChangesOrTheTeacherGoes(kind: StoreKind) async throws {
        let store = try await kind.makeClassroom()
        let teacher = try await store.createTeacher(name: "T", tokenHash: "t")
        let other = try await store.createTeacher(name: "O", tokenHash: "o")
        try await store.setSignIn(teacherID: teacher.id, login: "t", passwordHash: "h1")
        await #expect(throws: TeacherSessionStoreError.loginTaken("t")) {
            try await store.setSignIn(teacherID: other.id, login: "t", passwordHash: "h2")
        }
        #expect(try await store.signIn(login: "t")?.passwordHash == "h1")
        let now = Date()
        try await store.createSession(teacherID: teacher.id, tokenHash: "s1", expiresAt: now.addingTimeInterval(60))
        #expect(try await store.teacher(sessionHash: "s1", now: now)?.id == teacher.id)
        #expect(try await store.teacher(sessionHash: "s1", now: now.addingTimeInterval(61)) == nil)
        try await store.setSignIn(teacherID: teacher.id, login: "t", passwordHash: "h3")
        #expect(try await store.teacher(sessionHash: "s1", now: now) == nil)
        try await store.createSession(teacherID: teacher.id, tokenHash: "s2", expiresAt: now.addingTimeInterval(60))
        try await store.deleteSession(tokenHash: "s2")
        #expect(try await store.teacher(sessionHash: "s2", now: now) == nil)
        try await store.createSession(teacherID: teacher.id, tokenHash: "s3", expiresAt: now.addingTimeInterval(60))
        #expect(try await store.deleteTeacher(id: teacher.id))
        #expect(try await store.teacher(sessionHash: "s3", now: now) == nil)
        #expect(try await store.signIn(login: "t") == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func assignmentsKeepTheirFieldsAndTellAnAttemptItsTerms(kind: StoreKind) async throws {
        let store = try await kind.makeClassroom()
        let teacher = try await store.createTeacher(name: "T", tokenHash: "t")
        let co = try await store.createTeacher(name: "C", tokenHash: "c")
        let group = try await store.createClass(name: "mine", owner: teacher.id)
        try await store.addCoTeacher(teacherID: co.id, classCode: group.code)
        try await store.addCoTeacher(teacherID: co.id, classCode: group.code)
        #expect(try await store.role(teacherID: co.id, classCode: group.code) == .coTeacher)
        #expect(try await store.classes(teacherID: co.id).map(\.code) == [group.code])
        let ada = try await store.createStudent(name: "Ada", classCode: group.code, tokenHash: "ada")
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded())
        let week = AssignmentRecord(
            id: "a1",
            classCode: group.code,
            title: "Week 1",
            questions: ["q2", "q1"],
            opensAt: now.addingTimeInterval(-60),
            dueAt: now.addingTimeInterval(3600),
            opensAtText: "opens",
            dueAtText: "due",
            maxAttempts: 2,
            counts: "best",
            key: "after_due",
            createdAt: now
        )
        #expect(try await store.createAssignment(week) == week)
        #expect(try await store.assignments(classCode: group.code) == [week])
        #expect(try await store.assignment(id: "a1", classCode: "OTHER3") == nil)
        let context = try await store.attemptContext(questionID: "q1", student: (ada.id, group.code), now: now)
        #expect(context.opened.map(\.assignment) == [week] && context.opened.map(\.attempts) == [0])
        #expect(context.keyHiddenUntil.map { abs($0.timeIntervalSince(week.dueAt)) < 0.001 } == true)
        let claim = IdempotencyClaim(key: "k", response: "first", since: now.addingTimeInterval(-86_400))
        let limit = AttemptLimit(maximum: 2, since: week.opensAt)
        guard
            case .recorded = try await store.record(Self.attempt(ada.id, "q1"), late: false, limit: limit, claim: claim)
        else { throw TestPostgres.Failure(description: "not recorded") }
        #expect(
            try await store.record(Self.attempt(ada.id, "q1"), late: false, limit: limit, claim: claim)
                == .replayed("first")
        )
        #expect(try await store.passed(studentID: ada.id, questionIDs: ["q1", "q2"]) == ["q1"])
        let stored = try await store.attemptMarks(classCode: group.code, questionIDs: ["q1"])
        #expect(stored.count == 1 && stored.first?.late == false)
        #expect(stored.first?.record.answer == "" && stored.first?.record.tasks == nil)
        #expect(try await store.uncountedStudents(classCode: group.code).isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func anAssignmentIsReplacedOrDeletedWithItsLateMarksInOneGo(kind: StoreKind) async throws {
        let store = try await kind.makeClassroom()
        let teacher = try await store.createTeacher(name: "T", tokenHash: "t")
        let group = try await store.createClass(name: "mine", owner: teacher.id)
        let ada = try await store.createStudent(name: "Ada", classCode: group.code, tokenHash: "ada")
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded())
        var week = AssignmentRecord(
            id: "a1",
            classCode: group.code,
            title: "Week 1",
            questions: ["q1"],
            opensAt: now.addingTimeInterval(-600),
            dueAt: now.addingTimeInterval(-60),
            opensAtText: "opens",
            dueAtText: "due",
            maxAttempts: nil,
            counts: "best",
            key: "now",
            createdAt: now
        )
        _ = try await store.createAssignment(week)
        guard case .recorded = try await store.record(Self.attempt(ada.id, "q1"), late: true, limit: nil, claim: nil)
        else { throw TestPostgres.Failure(description: "not recorded") }
        let id = try #require(try await store.attemptMarks(classCode: group.code, questionIDs: ["q1"]).first?.record.id)

        week.title = "Week 1, extended"
        week.questions = ["q2", "q1"]
        week.dueAt = now.addingTimeInterval(3600)
        week.maxAttempts = 3
        week.timeLimitMinutes = 30
        #expect(try await store.replaceAssignment(week, late: [id: false]))
        #expect(try await store.assignment(id: "a1", classCode: group.code) == week)
        #expect(try await store.attemptMarks(classCode: group.code, questionIDs: ["q1"]).map(\.late) == [false])
        var elsewhere = week
        elsewhere.classCode = "OTHER3"
        #expect(try await store.replaceAssignment(elsewhere, late: [id: true]) == false)
        #expect(try await store.attemptMarks(classCode: group.code, questionIDs: ["q1"]).map(\.late) == [false])

        _ = try await store.startAssignment(id: "a1", studentID: ada.id, now: now)
        #expect(try await store.deleteAssignment(id: "a1", classCode: "OTHER3", late: [:]) == false)
        #expect(try await store.deleteAssignment(id: "a1", classCode: group.code, late: [id: nil]))
        #expect(try await store.assignments(classCode: group.code).isEmpty)
        #expect(try await store.assignmentStarts(studentID: ada.id).isEmpty)
        let kept = try await store.attemptMarks(classCode: group.code, questionIDs: ["q1"])
        #expect(kept.count == 1 && kept.first?.late == nil, "the attempt stays, with no mark")
        #expect(try await store.deleteAssignment(id: "a1", classCode: group.code, late: [:]) == false)
    }

    @Test(arguments: StoreKind.allCases)
    func hintsTakenKeepTheHighestAndStayInTheirClass(kind: StoreKind) async throws {
        let store = try await kind.makeClassroom()
        let hints = try #require(store as? any HintStore)
        let mine = try await store.createClass(name: "mine")
        let other = try await store.createClass(name: "other")
        let ada = try await store.createStudent(name: "Ada", classCode: mine.code, tokenHash: "ada")
        let bob = try await store.createStudent(name: "Bob", classCode: other.code, tokenHash: "bob")
        for n in [1, 2, 1] { try await hints.recordHint(studentID: ada.id, questionID: "q", n: n, at: Date()) }
        try await hints.recordHint(studentID: ada.id, questionID: "r", n: 1, at: Date())
        try await hints.recordHint(studentID: bob.id, questionID: "q", n: 3, at: Date())
        #expect(try await hints.hintsTaken(classCode: mine.code) == [ada.id: ["q": 2, "r": 1]])
        #expect(try await hints.hintsTaken(classCode: other.code) == [bob.id: ["q": 3]])
    }

    @Test(arguments: StoreKind.allCases)
    func aRenamedStudentKeepsTheirTokenAndANameTakenIsRefused(kind: StoreKind) async throws {
        let store = try await kind.makeClassroom()
        let group = try await store.createClass(name: "c")
        let ada = try await store.createStudent(name: "Alice", classCode: group.code, tokenHash: "ada")
        _ = try await store.createStudent(name: "Bob", classCode: group.code, tokenHash: "bob")
        let renamed = try await store.renameStudent(id: ada.id, classCode: group.code, name: "Ada")
        #expect(renamed == StudentRecord(id: ada.id, name: "Ada", classCode: group.code))
        #expect(try await store.student(tokenHash: "ada") == renamed)
        await #expect(throws: StoreError.nameTaken("BOB")) {
            try await store.renameStudent(id: ada.id, classCode: group.code, name: "BOB")
        }
        #expect(try await store.renameStudent(id: ada.id, classCode: "OTHER4", name: "X") == nil)
        // The name freed is free: another may join as Alice.
        _ = try await store.createStudent(name: "alice", classCode: group.code, tokenHash: "alice")
    }

    @Test(arguments: StoreKind.allCases)
    func aStudyRecordIsHandedOverOnceAndTheNewerCardWins(kind: StoreKind) async throws {
        let store = try await kind.makeClassroom()
        let study = try #require(store as? any StudyStore)
        let group = try await store.createClass(name: "c")
        let ada = try await store.createStudent(name: "Ada", classCode: group.code, tokenHash: "ada")
        let day = Date(timeIntervalSince1970: 1_800_000_000)
        try await study.recordReview(
            studentID: ada.id,
            questionID: "q",
            answer: #"{"n":2}"#,
            card: "new",
            at: day.addingTimeInterval(60)
        )
        let old = [
            StudyCard(questionID: "q", card: "old", lastReview: day),
            StudyCard(questionID: "r", card: "r", lastReview: day),
        ]
        let answers = [StudyAnswer(questionID: "q", answer: #"{"n":1}"#, at: day)]
        #expect(try await study.handOver(studentID: ada.id, cards: old, answers: answers, at: day))
        #expect(try await study.handOver(studentID: ada.id, cards: old, answers: answers, at: day) == false)
        let record = try await study.studyRecord(studentID: ada.id, limit: 10)
        #expect(record.cards == ["q": "new", "r": "r"])
        #expect(record.answers == [#"{"n":1}"#, #"{"n":2}"#])
        #expect(record.handedOverAt == day)
        #expect(try await study.studyRecord(studentID: ada.id, limit: 1).answers == [#"{"n":2}"#])
    }
}
