import Foundation
import PostgresNIO

/// The end of a term in PostgreSQL: a class read whole for its export (one snapshot), and deleted whole.
extension PostgresStore {
    /// A whole class is more than the usual operation (60,000 attempts for a class of 300): it may take up to
    /// `classDeadline`, the HTTP handler's default deadline, rather than the store's usual 5 s.
    static let classDeadline = Duration.seconds(30)

    public func classExport(classCode: String) async throws -> ClassExportData? {
        try await run(within: Self.classDeadline) { _ in
            try await self.transaction(isolation: "REPEATABLE READ, READ ONLY") { connection in
                guard
                    let classRow = try await connection.query(
                        "SELECT code, name, created_at, join_policy FROM classes WHERE code = \(classCode)",
                        logger: self.logger
                    ).decode((String, String, Double, String).self).all().first
                else { return nil }
                let teachers = try await connection.query(
                    """
                    SELECT t.id, t.name, c.role FROM class_teachers c JOIN teachers t ON t.id = c.teacher_id
                    WHERE c.class_code = \(classCode)
                    ORDER BY c.role = 'owner' DESC, t.name COLLATE "C", t.id COLLATE "C"
                    """,
                    logger: self.logger
                ).decode((String, String, String).self).all().map {
                    ClassExportData.Teacher(id: $0.0, name: $0.1, role: ClassRole(rawValue: $0.2) ?? .coTeacher)
                }
                let students = try await connection.query(
                    """
                    SELECT id, name, class_code, removed_at, token_hash, created_at FROM students
                    WHERE class_code = \(classCode) ORDER BY lower(name COLLATE "C"), id COLLATE "C"
                    """,
                    logger: self.logger
                ).decode((String, String, String, Double?, String, Double).self).all().map {
                    ClassExportData.Student(
                        entry: Self.rosterEntry(($0.0, $0.1, $0.2, $0.3, $0.4)),
                        joinedAt: Date(timeIntervalSince1970: $0.5)
                    )
                }
                let attempts = try await Self.storedAttempts(
                    connection.query(
                        """
                        SELECT \(unescaped: Self.attemptColumns) FROM attempts
                        WHERE student_id IN (SELECT id FROM students WHERE class_code = \(classCode)) ORDER BY id
                        """,
                        logger: self.logger
                    )
                )
                let assignments = try await self.assignments(
                    connection,
                    "SELECT \(unescaped: Self.assignmentColumns) FROM assignments a WHERE a.class_code = \(classCode)"
                )
                return ClassExportData(
                    classRecord: Self.classRecord((classRow.0, classRow.1, classRow.2)),
                    joining: classRow.3,
                    teachers: teachers,
                    students: students,
                    assignments: assignments,
                    attempts: attempts
                )
            }
        }
    }

    /// Every row that belongs to the class, children first (the foreign keys hold), in one transaction: the class
    /// row locked first, so an attempt being recorded for one of its students either commits before (and is deleted)
    /// or finds no student. A table added later that refers to a class, its students, their attempts or its
    /// assignments must be emptied here too; `Tests/cluster/test_cluster_teaching.py` looks through every column of
    /// every table for what is left. (`task_outcomes` goes with its attempts: ON DELETE CASCADE.)
    public func deleteClass(code: String) async throws -> Bool {
        // 4.2 s for a class of 300 with 60,000 attempts on the shared 2-core test machine under load: more than the
        // store's usual deadline.
        try await run(within: Self.classDeadline) { _ in
            try await self.transaction { connection in
                guard
                    try await !connection.query(
                        "SELECT 1 FROM classes WHERE code = \(code) FOR UPDATE",
                        logger: self.logger
                    ).decode(Int.self).all().isEmpty
                else { return false }
                // The summaries are deleted whole below: the triggers on `attempts` skip their per attempt updates.
                try await connection.query("SET LOCAL quiz.deleting_class = 'on'", logger: self.logger)
                let students = "SELECT id FROM students WHERE class_code = $1"
                for statement in [
                    "DELETE FROM item_stats WHERE student_id IN (\(students))",
                    "DELETE FROM idempotency_keys WHERE student_id IN (\(students))",
                    "DELETE FROM hints_taken WHERE student_id IN (\(students))",
                    "DELETE FROM study_cards WHERE student_id IN (\(students))",
                    "DELETE FROM study_answers WHERE student_id IN (\(students))",
                    "DELETE FROM study_handovers WHERE student_id IN (\(students))",
                    "DELETE FROM regrade_items WHERE regrade_id IN (SELECT id FROM regrades WHERE class_code = $1)",
                    "DELETE FROM regrades WHERE class_code = $1",
                    "DELETE FROM readmit_codes WHERE student_id IN (\(students))",
                    "DELETE FROM progress WHERE student_id IN (\(students))",
                    "DELETE FROM rate_events WHERE key IN (\(students))",
                    "DELETE FROM attempts WHERE student_id IN (\(students))",
                    "DELETE FROM students WHERE class_code = $1",
                    """
                    DELETE FROM assignment_questions
                    WHERE assignment_id IN (SELECT id FROM assignments WHERE class_code = $1)
                    """,
                    "DELETE FROM assignments WHERE class_code = $1",
                    "DELETE FROM class_teachers WHERE class_code = $1",
                    "DELETE FROM classes WHERE code = $1",
                ] {
                    var bindings = PostgresBindings()
                    bindings.append(code)
                    try await connection.query(
                        PostgresQuery(unsafeSQL: statement, binds: bindings),
                        logger: self.logger
                    )
                }
                return true
            }
        }
    }
}
