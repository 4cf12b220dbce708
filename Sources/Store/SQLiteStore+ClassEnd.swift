import Foundation
import GRDB

/// The end of a term in SQLite: a class read whole for its export, and deleted whole.
extension SQLiteStore {
    public func classExport(classCode: String) async throws -> ClassExportData? {
        try await pool.read { db in
            guard
                let classRow = try Row.fetchOne(
                    db,
                    sql: "SELECT code, name, created_at, join_policy FROM classes WHERE code = ?",
                    arguments: [classCode]
                )
            else { return nil }
            let teachers = try Row.fetchAll(
                db,
                sql: """
                    SELECT t.id, t.name, c.role FROM class_teachers c JOIN teachers t ON t.id = c.teacher_id
                    WHERE c.class_code = ? ORDER BY c.role = 'owner' DESC, t.name, t.id
                    """,
                arguments: [classCode]
            ).map {
                ClassExportData.Teacher(id: $0[0], name: $0[1], role: ClassRole(rawValue: $0[2]) ?? .coTeacher)
            }
            let students = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, name, class_code, removed_at, token_hash, created_at FROM students WHERE class_code = ?
                    ORDER BY name COLLATE NOCASE, id
                    """,
                arguments: [classCode]
            ).map {
                ClassExportData.Student(
                    entry: Self.rosterEntry($0),
                    joinedAt: Date(timeIntervalSince1970: $0["created_at"])
                )
            }
            let attempts = try Self.storedAttempts(
                db,
                sql: """
                    SELECT \(Self.attemptColumns) FROM attempts
                    WHERE student_id IN (SELECT id FROM students WHERE class_code = ?) ORDER BY id
                    """,
                arguments: [classCode]
            )
            return ClassExportData(
                classRecord: ClassRecord(
                    code: classRow["code"],
                    name: classRow["name"],
                    createdAt: Date(timeIntervalSince1970: classRow["created_at"])
                ),
                joining: classRow["join_policy"],
                teachers: teachers,
                students: students,
                assignments: try Self.assignments(db, where: "a.class_code = ?", arguments: [classCode]),
                attempts: attempts
            )
        }
    }

    /// Every row that belongs to the class, children first (foreign keys are on). A table added later that refers
    /// to a class, its students, their attempts or its assignments must be emptied here too;
    /// `Tests/api/test_class_end.py` looks through every table of the file for what is left.
    /// `secure_delete` overwrites the freed content with zeros rather than leaving it in free pages.
    public func deleteClass(code: String) async throws -> Bool {
        try await pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA secure_delete = ON")
            defer { try? db.execute(sql: "PRAGMA secure_delete = OFF") }
            var found = false
            try db.inTransaction {
                guard try Row.fetchOne(db, sql: "SELECT 1 FROM classes WHERE code = ?", arguments: [code]) != nil
                else { return .commit }
                found = true
                let students = "SELECT id FROM students WHERE class_code = ?"
                let attempts = """
                    SELECT a.id FROM attempts a JOIN students s ON s.id = a.student_id WHERE s.class_code = ?
                    """
                for statement in [
                    // The analysis summaries first: the triggers on `attempts` then find nothing left to update.
                    "DELETE FROM item_stats WHERE student_id IN (\(students))",
                    "DELETE FROM task_outcomes WHERE attempt_id IN (\(attempts))",
                    "DELETE FROM class_task_tallies WHERE class_code = ?",
                    "DELETE FROM idempotency_keys WHERE student_id IN (\(students))",
                    "DELETE FROM hints_taken WHERE student_id IN (\(students))",
                    "DELETE FROM assignment_starts WHERE student_id IN (\(students))",
                    "DELETE FROM study_cards WHERE student_id IN (\(students))",
                    "DELETE FROM study_answers WHERE student_id IN (\(students))",
                    "DELETE FROM study_handovers WHERE student_id IN (\(students))",
                    "DELETE FROM regrade_items WHERE regrade_id IN (SELECT id FROM regrades WHERE class_code = ?)",
                    "DELETE FROM regrades WHERE class_code = ?",
                    "DELETE FROM readmit_codes WHERE student_id IN (\(students))",
                    "DELETE FROM progress WHERE student_id IN (\(students))",
                    "DELETE FROM rate_events WHERE key IN (\(students))",
                    "DELETE FROM attempts WHERE student_id IN (\(students))",
                    "DELETE FROM students WHERE class_code = ?",
                    """
                    DELETE FROM assignment_questions
                    WHERE assignment_id IN (SELECT id FROM assignments WHERE class_code = ?)
                    """,
                    "DELETE FROM assignments WHERE class_code = ?",
                    "DELETE FROM class_teachers WHERE class_code = ?",
                    "DELETE FROM classes WHERE code = ?",
                ] {
                    try db.execute(sql: statement, arguments: [code])
                }
                return .commit
            }
            return found
        }
    }
}
