import Foundation
import PostgresNIO

/// The classroom in PostgreSQL: the same tables and statements as `SQLiteStore`'s (schema in
/// `ClassroomMigrations`), so teachers, rosters, assignments and their deadlines are one set for every instance
/// on the database. Checks and writes that must agree (an attempt limit, a readmission code used once) run in one
/// transaction with the rows they read locked.
extension PostgresStore: ClassroomStore {
    // MARK: - Teachers

    public func createTeacher(name: String, tokenHash: String) async throws -> TeacherRecord {
        let record = TeacherRecord(id: UUID().uuidString.lowercased(), name: name, createdAt: Date())
        try await run { client in
            try await client.query(
                """
                INSERT INTO teachers (id, name, token_hash, created_at)
                VALUES (\(record.id), \(name), \(tokenHash), \(record.createdAt.timeIntervalSince1970))
                """
            )
        }
        return record
    }

    public func teacher(tokenHash: String) async throws -> TeacherRecord? {
        try await teachers(where: "token_hash = $1 AND deleted_at IS NULL", tokenHash).first
    }

    public func teacher(id: String) async throws -> TeacherRecord? {
        try await teachers(where: "id = $1 AND deleted_at IS NULL", id).first
    }

    public func teachers() async throws -> [TeacherRecord] {
        try await teachers(where: "deleted_at IS NULL", nil)
    }

    public func deleteTeacher(id: String) async throws -> Bool {
        try await run { client in
            // The hash is replaced as well as the row marked: the token can never match again.
            try await !client.query(
                """
                UPDATE teachers SET deleted_at = \(Date().timeIntervalSince1970),
                    token_hash = 'deleted:' || id || ':' || gen_random_uuid()::text
                WHERE id = \(id) AND deleted_at IS NULL RETURNING 1
                """
            ).decode(Int.self).all().isEmpty
        }
    }

    // MARK: - Classes

    public func createClass(name: String, owner: String?) async throws -> ClassRecord {
        try await run { _ in
            try await self.transaction { connection in
                for _ in 0..<20 {
                    let code = String((0..<6).map { _ in SQLiteStore.codeAlphabet.randomElement()! })
                    let record = ClassRecord(code: code, name: name, createdAt: Date())
                    let created = try await connection.query(
                        """
                        INSERT INTO classes (code, name, created_at)
                        VALUES (\(code), \(name), \(record.createdAt.timeIntervalSince1970))
                        ON CONFLICT (code) DO NOTHING RETURNING code
                        """,
                        logger: self.logger
                    ).decode(String.self).all()
                    guard !created.isEmpty else { continue }
                    if let owner {
                        try await connection.query(
                            "INSERT INTO class_teachers (class_code, teacher_id, role) VALUES (\(code), \(owner), 'owner')",
                            logger: self.logger
                        )
                    }
                    return record
                }
                throw StoreError.unavailable("no free class code")
            }
        }
    }

    public func classes(teacherID: String) async throws -> [ClassRecord] {
        try await run { client in
            try await client.query(
                """
                SELECT c.code, c.name, c.created_at FROM classes c JOIN class_teachers t ON t.class_code = c.code
                WHERE t.teacher_id = \(teacherID) ORDER BY c.created_at DESC
                """
            ).decode((String, String, Double).self).all().map(Self.classRecord)
        }
    }

    public func role(teacherID: String, classCode: String) async throws -> ClassRole? {
        try await run { client in
            try await client.query(
                "SELECT role FROM class_teachers WHERE class_code = \(classCode) AND teacher_id = \(teacherID)"
            ).decode(String.self).all().first.flatMap(ClassRole.init(rawValue:))
        }
    }

    public func addCoTeacher(teacherID: String, classCode: String) async throws {
        try await run { client in
            try await client.query(
                """
                INSERT INTO class_teachers (class_code, teacher_id, role) VALUES (\(classCode), \(teacherID), 'co_teacher')
                ON CONFLICT (class_code, teacher_id) DO NOTHING
                """
            )
        }
    }

    // MARK: - Roster

    public func roster(classCode: String) async throws -> [RosterEntry] {
        try await run { client in
            try await client.query(
                """
                SELECT id, name, class_code, removed_at, token_hash FROM students WHERE class_code = \(classCode)
                ORDER BY lower(name COLLATE "C"), name COLLATE "C"
                """
            ).decode((String, String, String, Double?, String).self).all().map(Self.rosterEntry)
        }
    }

    public func rosterEntry(studentID: String, classCode: String) async throws -> RosterEntry? {
        try await run { client in
            try await client.query(
                """
                SELECT id, name, class_code, removed_at, token_hash FROM students
                WHERE id = \(studentID) AND class_code = \(classCode)
                """
            ).decode((String, String, String, Double?, String).self).all().first.map(Self.rosterEntry)
        }
    }

    public func uncountedStudents(classCode: String) async throws -> Set<String> {
        try await run { client in
            Set(
                try await client.query(
                    """
                    SELECT id FROM students WHERE class_code = \(classCode)
                    AND (removed_at IS NOT NULL OR token_hash LIKE \(SQLiteStore.pendingPrefix + "%"))
                    """
                ).decode(String.self).all()
            )
        }
    }

    public func renameStudent(id: String, classCode: String, name: String) async throws -> StudentRecord? {
        try await run { _ in
            try await self.transaction { connection in
                do {
                    let renamed = try await connection.query(
                        "UPDATE students SET name = \(name) WHERE id = \(id) AND class_code = \(classCode) RETURNING 1",
                        logger: self.logger
                    ).decode(Int.self).all()
                    return renamed.isEmpty ? nil : StudentRecord(id: id, name: name, classCode: classCode)
                } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
                    // The unique index on the class and the folded name: another student has it.
                    throw StoreError.nameTaken(name)
                }
            }
        }
    }

    public func removeStudent(id: String, classCode: String) async throws -> Bool {
        try await run { _ in
            try await self.transaction { connection in
                let now = Date().timeIntervalSince1970
                let removed = try await connection.query(
                    """
                    UPDATE students SET removed_at = COALESCE(removed_at, \(now)),
                        token_hash = 'removed:' || id || ':' || gen_random_uuid()::text
                    WHERE id = \(id) AND class_code = \(classCode) RETURNING 1
                    """,
                    logger: self.logger
                ).decode(Int.self).all()
                guard !removed.isEmpty else { return false }
                // Codes handed out before the removal no longer bring the student back.
                try await connection.query(
                    "UPDATE readmit_codes SET used_at = \(now) WHERE student_id = \(id) AND used_at IS NULL",
                    logger: self.logger
                )
                return true
            }
        }
    }

    public func createReadmitCode(studentID: String, codeHash: String, expiresAt: Date) async throws {
        try await run { client in
            try await client.query(
                """
                INSERT INTO readmit_codes (code_hash, student_id, expires_at)
                VALUES (\(codeHash), \(studentID), \(expiresAt.timeIntervalSince1970))
                """
            )
        }
    }

    public func redeemReadmitCode(codeHash: String, newTokenHash: String, now: Date) async throws -> ReadmitOutcome {
        try await run { _ in
            try await self.transaction { connection in
                // Locked: two instances redeeming one code at once use it once.
                guard
                    let (studentID, expiresAt, usedAt) = try await connection.query(
                        """
                        SELECT student_id, expires_at, used_at FROM readmit_codes WHERE code_hash = \(codeHash)
                        FOR UPDATE
                        """,
                        logger: self.logger
                    ).decode((String, Double, Double?).self).all().first
                else { return .unknown }
                if usedAt != nil { return .used }
                if expiresAt <= now.timeIntervalSince1970 { return .expired }
                try await connection.query(
                    "UPDATE readmit_codes SET used_at = \(now.timeIntervalSince1970) WHERE code_hash = \(codeHash)",
                    logger: self.logger
                )
                guard
                    let (id, name, classCode) = try await connection.query(
                        """
                        UPDATE students SET token_hash = \(newTokenHash), removed_at = NULL WHERE id = \(studentID)
                        RETURNING id, name, class_code
                        """,
                        logger: self.logger
                    ).decode((String, String, String).self).all().first
                else { return .unknown }
                return .readmitted(StudentRecord(id: id, name: name, classCode: classCode))
            }
        }
    }

    public func studentAttempts(studentID: String, questionID: String?, limit: Int) async throws -> [StoredAttempt] {
        try await run { client in
            let query: PostgresQuery
            if let questionID {
                query = """
                    SELECT \(unescaped: Self.attemptColumns) FROM attempts
                    WHERE student_id = \(studentID) AND question_id = \(questionID) ORDER BY id DESC LIMIT \(limit)
                    """
            } else {
                query = """
                    SELECT \(unescaped: Self.attemptColumns) FROM attempts
                    WHERE student_id = \(studentID) ORDER BY id DESC LIMIT \(limit)
                    """
            }
            return try await Self.storedAttempts(client.query(query))
        }
    }

    // MARK: - Assignments

    public func createAssignment(_ assignment: AssignmentRecord) async throws -> AssignmentRecord {
        try await run { _ in
            try await self.transaction { connection in
                try await self.lockClass(assignment.classCode, connection)
                try await connection.query(
                    """
                    INSERT INTO assignments (id, class_code, title, opens_at, due_at, opens_at_text, due_at_text,
                        max_attempts, counts, key, created_at, time_limit_minutes)
                    VALUES (\(assignment.id), \(assignment.classCode), \(assignment.title),
                        \(assignment.opensAt.timeIntervalSince1970), \(assignment.dueAt.timeIntervalSince1970),
                        \(assignment.opensAtText), \(assignment.dueAtText), \(assignment.maxAttempts.map(Int32.init)),
                        \(assignment.counts), \(assignment.key), \(assignment.createdAt.timeIntervalSince1970),
                        \(assignment.timeLimitMinutes.map(Int32.init)))
                    """,
                    logger: self.logger
                )
                try await self.insertQuestions(of: assignment, connection)
                return assignment
            }
        }
    }

    /// The assignment's questions, in its order (`assignment_questions`).
    func insertQuestions(of assignment: AssignmentRecord, _ connection: PostgresConnection) async throws {
        for (position, question) in assignment.questions.enumerated() {
            try await connection.query(
                """
                INSERT INTO assignment_questions (assignment_id, question_id, position)
                VALUES (\(assignment.id), \(question), \(Int32(position)))
                """,
                logger: logger
            )
        }
    }

    public func assignments(classCode: String) async throws -> [AssignmentRecord] {
        try await run { _ in
            try await self.transaction(isolation: "REPEATABLE READ, READ ONLY") { connection in
                try await self.assignments(
                    connection,
                    "SELECT \(unescaped: Self.assignmentColumns) FROM assignments a WHERE a.class_code = \(classCode)"
                )
            }
        }
    }

    public func assignment(id: String, classCode: String) async throws -> AssignmentRecord? {
        try await run { _ in
            try await self.transaction(isolation: "REPEATABLE READ, READ ONLY") { connection in
                try await self.assignments(
                    connection,
                    """
                    SELECT \(unescaped: Self.assignmentColumns) FROM assignments a
                    WHERE a.id = \(id) AND a.class_code = \(classCode)
                    """
                ).first
            }
        }
    }

    public func attemptContext(
        questionID: String,
        student: (id: String, classCode: String)?,
        now: Date
    ) async throws -> AttemptContext {
        let moment = now.timeIntervalSince1970
        return try await run { _ in
            try await self.transaction(isolation: "REPEATABLE READ, READ ONLY") { connection in
                let hiddenUntil = try await connection.query(
                    """
                    SELECT MAX(a.due_at) FROM assignments a JOIN assignment_questions q ON q.assignment_id = a.id
                    WHERE q.question_id = \(questionID) AND a.key = 'after_due' AND a.due_at > \(moment)
                    """,
                    logger: self.logger
                ).decode(Double?.self).all().first?.map(Date.init(timeIntervalSince1970:))
                guard let student else { return AttemptContext(keyHiddenUntil: hiddenUntil, opened: []) }
                let opened = try await self.assignments(
                    connection,
                    """
                    SELECT \(unescaped: Self.assignmentColumns) FROM assignments a
                    WHERE a.class_code = \(student.classCode) AND a.opens_at <= \(moment)
                    AND a.id IN (SELECT assignment_id FROM assignment_questions WHERE question_id = \(questionID))
                    """
                )
                var counted: [(assignment: AssignmentRecord, attempts: Int)] = []
                for assignment in opened {
                    let made = try await self.attemptCount(
                        connection,
                        studentID: student.id,
                        questionID: questionID,
                        since: assignment.opensAt
                    )
                    counted.append((assignment, made))
                }
                return AttemptContext(keyHiddenUntil: hiddenUntil, opened: counted)
            }
        }
    }

    public func record(
        _ attempt: AttemptRecord,
        late: Bool,
        limit: AttemptLimit?,
        claim: IdempotencyClaim?
    ) async throws -> IdempotentRecord {
        let outcome = try await run { _ in
            try await self.transaction { connection -> IdempotentRecord in
                // One student's attempts on one question are counted and added by one transaction at a time,
                // whichever instance records them (the count and the insert must agree).
                try await connection.query(
                    """
                    SELECT pg_advisory_xact_lock(hashtextextended(\(attempt.studentID + "\u{1F}" + attempt.questionID), 7272))::text
                    """,
                    logger: self.logger
                )
                // A replayed key first: the limit counts the attempt that the key's first answer recorded.
                if let claim, let first = try await self.claim(claim, studentID: attempt.studentID, connection) {
                    return .replayed(first)
                }
                if let limit,
                    try await self.attemptCount(
                        connection,
                        studentID: attempt.studentID,
                        questionID: attempt.questionID,
                        since: limit.since
                    ) >= limit.maximum
                {
                    throw ClassroomStoreError.attemptLimit(maximum: limit.maximum)
                }
                let saved = try await self.insert(attempt, late: late, connection)
                if let claim { try await self.attach(claim, to: saved, connection) }
                return .recorded(saved)
            }
        }
        if let claim { await dropExpiredKeys(before: claim.since, keeping: claim.key, of: attempt.studentID) }
        return outcome
    }

    public func attemptMarks(classCode: String, questionIDs: [String]) async throws -> [StoredAttempt] {
        guard !questionIDs.isEmpty else { return [] }
        return try await run { client in
            try await Self.storedAttempts(
                client.query(
                    """
                    SELECT \(unescaped: Self.markColumns) FROM attempts
                    WHERE student_id IN (SELECT id FROM students WHERE class_code = \(classCode))
                    AND question_id = ANY(\(questionIDs)) ORDER BY id
                    """
                )
            )
        }
    }

    public func passed(studentID: String, questionIDs: [String]) async throws -> Set<String> {
        guard !questionIDs.isEmpty else { return [] }
        return try await run { client in
            Set(
                try await client.query(
                    """
                    SELECT DISTINCT question_id FROM attempts
                    WHERE student_id = \(studentID) AND verdict = 'passed' AND question_id = ANY(\(questionIDs))
                    """
                ).decode(String.self).all()
            )
        }
    }

    // MARK: - Rows

    static let attemptColumns =
        "id, student_id, question_id, kind, answer, verdict, score, tasks, created_at, version, seed, late"
    /// `attemptColumns` without the answer and the tasks.
    static let markColumns =
        "id, student_id, question_id, kind, '' AS answer, verdict, score, NULL::text AS tasks, created_at, version, seed, late"
    static let assignmentColumns = """
        a.id, a.class_code, a.title, a.opens_at, a.due_at, a.opens_at_text, a.due_at_text, a.max_attempts, a.counts,
        a.key, a.created_at, a.time_limit_minutes
        """

    func teachers(where condition: String, _ argument: String?) async throws -> [TeacherRecord] {
        try await run { client in
            var bindings = PostgresBindings()
            if let argument { bindings.append(argument) }
            let query = PostgresQuery(
                unsafeSQL: """
                    SELECT id, name, created_at FROM teachers WHERE \(condition) ORDER BY created_at, id
                    """,
                binds: bindings
            )
            return try await client.query(query).decode((String, String, Double).self).all().map {
                TeacherRecord(id: $0.0, name: $0.1, createdAt: Date(timeIntervalSince1970: $0.2))
            }
        }
    }

    func attemptCount(
        _ connection: PostgresConnection,
        studentID: String,
        questionID: String,
        since: Date
    ) async throws -> Int {
        try await connection.query(
            """
            SELECT COUNT(*) FROM attempts
            WHERE student_id = \(studentID) AND question_id = \(questionID) AND created_at >= \(since.timeIntervalSince1970)
            """,
            logger: logger
        ).decode(Int.self).all().first ?? 0
    }

    /// The assignments the query selects (`assignmentColumns`), each with its questions in order.
    func assignments(_ connection: PostgresConnection, _ query: PostgresQuery) async throws -> [AssignmentRecord] {
        var ordered = query
        ordered.sql += " ORDER BY a.due_at, a.created_at"
        var records: [AssignmentRecord] = []
        for try await row in try await connection.query(ordered, logger: logger) {
            let columns = row.makeRandomAccess()
            records.append(
                AssignmentRecord(
                    id: try columns[0].decode(String.self),
                    classCode: try columns[1].decode(String.self),
                    title: try columns[2].decode(String.self),
                    questions: [],
                    opensAt: Date(timeIntervalSince1970: try columns[3].decode(Double.self)),
                    dueAt: Date(timeIntervalSince1970: try columns[4].decode(Double.self)),
                    opensAtText: try columns[5].decode(String.self),
                    dueAtText: try columns[6].decode(String.self),
                    maxAttempts: try columns[7].decode(Int32?.self).map(Int.init),
                    counts: try columns[8].decode(String.self),
                    key: try columns[9].decode(String.self),
                    createdAt: Date(timeIntervalSince1970: try columns[10].decode(Double.self)),
                    timeLimitMinutes: try columns[11].decode(Int32?.self).map(Int.init)
                )
            )
        }
        for index in records.indices {
            records[index].questions = try await connection.query(
                """
                SELECT question_id FROM assignment_questions WHERE assignment_id = \(records[index].id) ORDER BY position
                """,
                logger: logger
            ).decode(String.self).all()
        }
        return records
    }

    static func storedAttempts(_ rows: PostgresRowSequence) async throws -> [StoredAttempt] {
        var attempts: [StoredAttempt] = []
        for try await row in rows {
            let columns = row.makeRandomAccess()
            attempts.append(
                StoredAttempt(
                    record: AttemptRecord(
                        id: try columns[0].decode(Int64.self),
                        studentID: try columns[1].decode(String.self),
                        questionID: try columns[2].decode(String.self),
                        kind: try columns[3].decode(String.self),
                        answer: try columns[4].decode(String.self),
                        verdict: try columns[5].decode(String.self),
                        score: try columns[6].decode(Double.self),
                        tasks: try columns[7].decode(String?.self),
                        createdAt: Date(timeIntervalSince1970: try columns[8].decode(Double.self)),
                        version: try columns[9].decode(String?.self),
                        seed: try columns[10].decode(Int64?.self)
                    ),
                    late: try columns[11].decode(Bool?.self)
                )
            )
        }
        return attempts
    }

    static func rosterEntry(_ row: (String, String, String, Double?, String)) -> RosterEntry {
        RosterEntry(
            student: StudentRecord(id: row.0, name: row.1, classCode: row.2),
            removed: row.3 != nil,
            pending: row.4.hasPrefix(SQLiteStore.pendingPrefix)
        )
    }
}
