import Foundation
import GRDB

/// The classroom in the same SQLite file: teachers and who teaches which class, the roster's removals and one-time
/// readmission codes, assignments, and each attempt's lateness. Plain SQL; the schema is `ClassroomMigrations`.
extension SQLiteStore: ClassroomStore {
    /// The classroom's migrations (`ClassroomMigrations.all`), after the shared ones, recorded by GRDB.
    static func registerClassroomMigrations(_ migrator: inout DatabaseMigrator) {
        for migration in ClassroomMigrations.all {
            migrator.registerMigration(migration.identifier) { db in
                for statement in migration.sqlite { try db.execute(sql: statement) }
            }
        }
        registerRegradeMigrations(&migrator)
        registerAnalysisMigrations(&migrator)
    }

    // MARK: - Teachers

    public func createTeacher(name: String, tokenHash: String) async throws -> TeacherRecord {
        let record = TeacherRecord(id: UUID().uuidString.lowercased(), name: name, createdAt: Date())
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO teachers (id, name, token_hash, created_at) VALUES (?, ?, ?, ?)",
                arguments: [record.id, name, tokenHash, record.createdAt.timeIntervalSince1970]
            )
        }
        return record
    }

    public func teacher(tokenHash: String) async throws -> TeacherRecord? {
        try await pool.read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT id, name, created_at FROM teachers WHERE token_hash = ? AND deleted_at IS NULL",
                arguments: [tokenHash]
            ).map(Self.teacherRecord)
        }
    }

    public func teacher(id: String) async throws -> TeacherRecord? {
        try await pool.read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT id, name, created_at FROM teachers WHERE id = ? AND deleted_at IS NULL",
                arguments: [id]
            ).map(Self.teacherRecord)
        }
    }

    public func teachers() async throws -> [TeacherRecord] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT id, name, created_at FROM teachers WHERE deleted_at IS NULL ORDER BY created_at, id"
            ).map(Self.teacherRecord)
        }
    }

    public func deleteTeacher(id: String) async throws -> Bool {
        try await pool.write { db in
            // The hash is replaced as well as the row marked: the token can never match again.
            try db.execute(
                sql: """
                    UPDATE teachers SET deleted_at = ?, token_hash = 'deleted:' || id || ':' || hex(randomblob(16))
                    WHERE id = ? AND deleted_at IS NULL
                    """,
                arguments: [Date().timeIntervalSince1970, id]
            )
            return db.changesCount > 0
        }
    }

    // MARK: - Classes

    public func createClass(name: String, owner: String?) async throws -> ClassRecord {
        try await pool.write { db in
            for _ in 0..<20 {
                let code = String((0..<6).map { _ in Self.codeAlphabet.randomElement()! })
                if try Row.fetchOne(db, sql: "SELECT 1 FROM classes WHERE code = ?", arguments: [code]) != nil {
                    continue
                }
                let record = ClassRecord(code: code, name: name, createdAt: Date())
                try db.execute(
                    sql: "INSERT INTO classes (code, name, created_at) VALUES (?, ?, ?)",
                    arguments: [code, name, record.createdAt.timeIntervalSince1970]
                )
                if let owner {
                    try db.execute(
                        sql: "INSERT INTO class_teachers (class_code, teacher_id, role) VALUES (?, ?, 'owner')",
                        arguments: [code, owner]
                    )
                }
                return record
            }
            throw StoreError.unavailable("no free class code")
        }
    }

    public func classes(teacherID: String) async throws -> [ClassRecord] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT c.code, c.name, c.created_at FROM classes c
                    JOIN class_teachers t ON t.class_code = c.code
                    WHERE t.teacher_id = ? ORDER BY c.created_at DESC
                    """,
                arguments: [teacherID]
            ).map {
                ClassRecord(
                    code: $0["code"],
                    name: $0["name"],
                    createdAt: Date(timeIntervalSince1970: $0["created_at"])
                )
            }
        }
    }

    public func role(teacherID: String, classCode: String) async throws -> ClassRole? {
        try await pool.read { db in
            let role = try String.fetchOne(
                db,
                sql: "SELECT role FROM class_teachers WHERE class_code = ? AND teacher_id = ?",
                arguments: [classCode, teacherID]
            )
            return role.flatMap(ClassRole.init(rawValue:))
        }
    }

    public func addCoTeacher(teacherID: String, classCode: String) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO class_teachers (class_code, teacher_id, role) VALUES (?, ?, 'co_teacher')
                    ON CONFLICT (class_code, teacher_id) DO NOTHING
                    """,
                arguments: [classCode, teacherID]
            )
        }
    }

    // MARK: - Roster

    public func roster(classCode: String) async throws -> [RosterEntry] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, name, class_code, removed_at, token_hash FROM students WHERE class_code = ?
                    ORDER BY name COLLATE NOCASE
                    """,
                arguments: [classCode]
            ).map(Self.rosterEntry)
        }
    }

    public func rosterEntry(studentID: String, classCode: String) async throws -> RosterEntry? {
        try await pool.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT id, name, class_code, removed_at, token_hash FROM students WHERE id = ? AND class_code = ?
                    """,
                arguments: [studentID, classCode]
            ).map(Self.rosterEntry)
        }
    }

    public func uncountedStudents(classCode: String) async throws -> Set<String> {
        try await pool.read { db in
            Set(
                try String.fetchAll(
                    db,
                    sql: """
                        SELECT id FROM students
                        WHERE class_code = ? AND (removed_at IS NOT NULL OR token_hash LIKE ?)
                        """,
                    arguments: [classCode, Self.pendingPrefix + "%"]
                )
            )
        }
    }

    public func renameStudent(id: String, classCode: String, name: String) async throws -> StudentRecord? {
        try await pool.write { db in
            guard
                try Row.fetchOne(
                    db,
                    sql: "SELECT 1 FROM students WHERE id = ? AND class_code = ?",
                    arguments: [id, classCode]
                ) != nil
            else { return nil }
            if try Row.fetchOne(
                db,
                sql: "SELECT 1 FROM students WHERE class_code = ? AND name = ? COLLATE NOCASE AND id != ?",
                arguments: [classCode, name, id]
            ) != nil {
                throw StoreError.nameTaken(name)
            }
            try db.execute(sql: "UPDATE students SET name = ? WHERE id = ?", arguments: [name, id])
            return StudentRecord(id: id, name: name, classCode: classCode)
        }
    }

    public func removeStudent(id: String, classCode: String) async throws -> Bool {
        try await pool.write { db in
            guard
                try Row.fetchOne(
                    db,
                    sql: "SELECT 1 FROM students WHERE id = ? AND class_code = ?",
                    arguments: [id, classCode]
                ) != nil
            else { return false }
            try db.execute(
                sql: """
                    UPDATE students SET removed_at = COALESCE(removed_at, ?),
                        token_hash = 'removed:' || id || ':' || hex(randomblob(16))
                    WHERE id = ?
                    """,
                arguments: [Date().timeIntervalSince1970, id]
            )
            // Codes handed out before the removal no longer bring the student back.
            try db.execute(
                sql: "UPDATE readmit_codes SET used_at = ? WHERE student_id = ? AND used_at IS NULL",
                arguments: [Date().timeIntervalSince1970, id]
            )
            return true
        }
    }

    public func createReadmitCode(studentID: String, codeHash: String, expiresAt: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO readmit_codes (code_hash, student_id, expires_at) VALUES (?, ?, ?)",
                arguments: [codeHash, studentID, expiresAt.timeIntervalSince1970]
            )
        }
    }

    public func redeemReadmitCode(codeHash: String, newTokenHash: String, now: Date) async throws -> ReadmitOutcome {
        try await pool.write { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: "SELECT student_id, expires_at, used_at FROM readmit_codes WHERE code_hash = ?",
                    arguments: [codeHash]
                )
            else { return .unknown }
            if (row["used_at"] as Double?) != nil { return .used }
            if (row["expires_at"] as Double) <= now.timeIntervalSince1970 { return .expired }
            let studentID: String = row["student_id"]
            try db.execute(
                sql: "UPDATE readmit_codes SET used_at = ? WHERE code_hash = ?",
                arguments: [now.timeIntervalSince1970, codeHash]
            )
            try db.execute(
                sql: "UPDATE students SET token_hash = ?, removed_at = NULL WHERE id = ?",
                arguments: [newTokenHash, studentID]
            )
            guard
                let student = try Row.fetchOne(
                    db,
                    sql: "SELECT id, name, class_code FROM students WHERE id = ?",
                    arguments: [studentID]
                )
            else { return .unknown }
            return .readmitted(
                StudentRecord(id: student["id"], name: student["name"], classCode: student["class_code"])
            )
        }
    }

    public func studentAttempts(studentID: String, questionID: String?, limit: Int) async throws -> [StoredAttempt] {
        try await pool.read { db in
            var sql = "SELECT \(Self.attemptColumns) FROM attempts WHERE student_id = ?"
            var arguments: StatementArguments = [studentID]
            if let questionID {
                sql += " AND question_id = ?"
                arguments += [questionID]
            }
            sql += " ORDER BY id DESC LIMIT ?"
            arguments += [limit]
            return try Self.storedAttempts(db, sql: sql, arguments: arguments)
        }
    }

    // MARK: - Assignments

    public func createAssignment(_ assignment: AssignmentRecord) async throws -> AssignmentRecord {
        try await pool.write { db in
            guard
                try Row.fetchOne(db, sql: "SELECT 1 FROM classes WHERE code = ?", arguments: [assignment.classCode])
                    != nil
            else { throw StoreError.unknownClass(assignment.classCode) }
            try db.execute(
                sql: """
                    INSERT INTO assignments (id, class_code, title, opens_at, due_at, opens_at_text, due_at_text,
                        max_attempts, counts, key, created_at, time_limit_minutes)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    assignment.id, assignment.classCode, assignment.title, assignment.opensAt.timeIntervalSince1970,
                    assignment.dueAt.timeIntervalSince1970, assignment.opensAtText, assignment.dueAtText,
                    assignment.maxAttempts, assignment.counts, assignment.key,
                    assignment.createdAt.timeIntervalSince1970, assignment.timeLimitMinutes,
                ]
            )
            try Self.insertQuestions(of: assignment, db)
            return assignment
        }
    }

    /// The assignment's questions, in its order (`assignment_questions`).
    static func insertQuestions(of assignment: AssignmentRecord, _ db: Database) throws {
        for (position, question) in assignment.questions.enumerated() {
            try db.execute(
                sql: "INSERT INTO assignment_questions (assignment_id, question_id, position) VALUES (?, ?, ?)",
                arguments: [assignment.id, question, position]
            )
        }
    }

    public func assignments(classCode: String) async throws -> [AssignmentRecord] {
        try await pool.read { db in
            try Self.assignments(db, where: "a.class_code = ?", arguments: [classCode])
        }
    }

    public func assignment(id: String, classCode: String) async throws -> AssignmentRecord? {
        try await pool.read { db in
            try Self.assignments(db, where: "a.id = ? AND a.class_code = ?", arguments: [id, classCode]).first
        }
    }

    public func attemptContext(
        questionID: String,
        student: (id: String, classCode: String)?,
        now: Date
    ) async throws -> AttemptContext {
        try await pool.read { db in
            let hiddenUntil = try Double.fetchOne(
                db,
                sql: """
                    SELECT MAX(a.due_at) FROM assignments a JOIN assignment_questions q ON q.assignment_id = a.id
                    WHERE q.question_id = ? AND a.key = 'after_due' AND a.due_at > ?
                    """,
                arguments: [questionID, now.timeIntervalSince1970]
            ).map(Date.init(timeIntervalSince1970:))
            guard let student else { return AttemptContext(keyHiddenUntil: hiddenUntil, opened: []) }
            let opened = try Self.assignments(
                db,
                where: """
                    a.class_code = ? AND a.opens_at <= ?
                    AND a.id IN (SELECT assignment_id FROM assignment_questions WHERE question_id = ?)
                    """,
                arguments: [student.classCode, now.timeIntervalSince1970, questionID]
            )
            return AttemptContext(
                keyHiddenUntil: hiddenUntil,
                opened: try opened.map { assignment in
                    let made = try Self.attemptCount(
                        db,
                        studentID: student.id,
                        questionID: questionID,
                        since: assignment.opensAt
                    )
                    return (assignment, made)
                }
            )
        }
    }

    public func record(
        _ attempt: AttemptRecord,
        late: Bool,
        limit: AttemptLimit?,
        claim: IdempotencyClaim?
    ) async throws -> IdempotentRecord {
        let outcome = try await pool.write { db -> IdempotentRecord in
            // A replayed key first: the limit counts the attempt that the key's first answer recorded.
            if let claim, let first = try Self.replay(claim, studentID: attempt.studentID, db) {
                return .replayed(first)
            }
            if let limit,
                try Self.attemptCount(
                    db,
                    studentID: attempt.studentID,
                    questionID: attempt.questionID,
                    since: limit.since
                )
                    >= limit.maximum
            {
                throw ClassroomStoreError.attemptLimit(maximum: limit.maximum)
            }
            let saved = try Self.insert(attempt, late: late, db)
            if let claim { try Self.keep(claim, for: saved, db) }
            return .recorded(saved)
        }
        if let claim { await dropExpiredKeys(before: claim.since, keeping: claim.key, of: attempt.studentID) }
        return outcome
    }

    public func attemptMarks(classCode: String, questionIDs: [String]) async throws -> [StoredAttempt] {
        guard !questionIDs.isEmpty else { return [] }
        return try await pool.read { db in
            let marks = Array(repeating: "?", count: questionIDs.count).joined(separator: ",")
            var arguments: StatementArguments = [classCode]
            for id in questionIDs { arguments += [id] }
            return try Self.storedAttempts(
                db,
                sql: """
                    SELECT \(Self.markColumns) FROM attempts
                    WHERE student_id IN (SELECT id FROM students WHERE class_code = ?) AND question_id IN (\(marks))
                    ORDER BY id
                    """,
                arguments: arguments
            )
        }
    }

    public func passed(studentID: String, questionIDs: [String]) async throws -> Set<String> {
        guard !questionIDs.isEmpty else { return [] }
        return try await pool.read { db in
            let marks = Array(repeating: "?", count: questionIDs.count).joined(separator: ",")
            var arguments: StatementArguments = [studentID]
            for id in questionIDs { arguments += [id] }
            return Set(
                try String.fetchAll(
                    db,
                    sql: """
                        SELECT DISTINCT question_id FROM attempts
                        WHERE student_id = ? AND verdict = 'passed' AND question_id IN (\(marks))
                        """,
                    arguments: arguments
                )
            )
        }
    }

    // MARK: - Rows

    static let attemptColumns =
        "id, student_id, question_id, kind, answer, verdict, score, tasks, created_at, version, seed, late"
    /// `attemptColumns` without the answer and the tasks.
    static let markColumns =
        "id, student_id, question_id, kind, '' AS answer, verdict, score, NULL AS tasks, created_at, version, seed, late"

    private static func attemptCount(_ db: Database, studentID: String, questionID: String, since: Date) throws -> Int {
        try Int.fetchOne(
            db,
            sql: "SELECT COUNT(*) FROM attempts WHERE student_id = ? AND question_id = ? AND created_at >= ?",
            arguments: [studentID, questionID, since.timeIntervalSince1970]
        ) ?? 0
    }

    /// One attempt from a row of `attemptColumns` or `markColumns`, read by position: the columns are fixed by those
    /// two lists, and a lookup by name costs a lowercased copy of the name per column and row (an assignment's
    /// report reads thousands of rows).
    static func storedAttempt(_ row: Row) -> StoredAttempt {
        StoredAttempt(
            record: AttemptRecord(
                id: row[0],
                studentID: row[1],
                questionID: row[2],
                kind: row[3],
                answer: row[4],
                verdict: row[5],
                score: row[6],
                tasks: row[7],
                createdAt: Date(timeIntervalSince1970: row[8]),
                version: row[9],
                seed: row[10]
            ),
            late: row[11]
        )
    }

    /// The attempts a query of `attemptColumns` or `markColumns` selects, read through a cursor: its rows are not
    /// copied one by one as `Row.fetchAll`'s are.
    static func storedAttempts(_ db: Database, sql: String, arguments: StatementArguments) throws -> [StoredAttempt] {
        var attempts: [StoredAttempt] = []
        let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try rows.next() { attempts.append(storedAttempt(row)) }
        return attempts
    }

    private static func teacherRecord(_ row: Row) -> TeacherRecord {
        TeacherRecord(id: row["id"], name: row["name"], createdAt: Date(timeIntervalSince1970: row["created_at"]))
    }

    static func rosterEntry(_ row: Row) -> RosterEntry {
        RosterEntry(
            student: StudentRecord(id: row["id"], name: row["name"], classCode: row["class_code"]),
            removed: (row["removed_at"] as Double?) != nil,
            pending: (row["token_hash"] as String).hasPrefix(Self.pendingPrefix)
        )
    }

    static func assignments(
        _ db: Database,
        where condition: String,
        arguments: StatementArguments
    ) throws -> [AssignmentRecord] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT a.id, a.class_code, a.title, a.opens_at, a.due_at, a.opens_at_text, a.due_at_text,
                    a.max_attempts, a.counts, a.key, a.created_at, a.time_limit_minutes
                FROM assignments a WHERE \(condition) ORDER BY a.due_at, a.created_at
                """,
            arguments: arguments
        )
        return try rows.map { row in
            let id: String = row["id"]
            let questions = try String.fetchAll(
                db,
                sql: "SELECT question_id FROM assignment_questions WHERE assignment_id = ? ORDER BY position",
                arguments: [id]
            )
            return AssignmentRecord(
                id: id,
                classCode: row["class_code"],
                title: row["title"],
                questions: questions,
                opensAt: Date(timeIntervalSince1970: row["opens_at"]),
                dueAt: Date(timeIntervalSince1970: row["due_at"]),
                opensAtText: row["opens_at_text"],
                dueAtText: row["due_at_text"],
                maxAttempts: row["max_attempts"],
                counts: row["counts"],
                key: row["key"],
                createdAt: Date(timeIntervalSince1970: row["created_at"]),
                timeLimitMinutes: row["time_limit_minutes"]
            )
        }
    }
}
