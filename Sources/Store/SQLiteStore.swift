import Foundation
import GRDB

/// The store in one SQLite file (WAL), through GRDB. Writes are serialized by GRDB's writer; reads run beside them.
public final class SQLiteStore: AttemptStore {
    let pool: DatabasePool

    /// Opens (creating if needed) `DIR/quiz.sqlite` and brings its schema up to date.
    public init(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            // NORMAL in WAL mode: a commit survives the process being killed (it is in the OS), not a power cut.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        pool = try DatabasePool(path: directory + "/quiz.sqlite", configuration: configuration)
        try Self.migrator.migrate(pool)
    }

    /// The shared migrations (`StoreMigrations.all`), each in one transaction, recorded by GRDB.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in StoreMigrations.all {
            migrator.registerMigration(migration.identifier) { db in
                for statement in migration.sqlite { try db.execute(sql: statement) }
            }
        }
        registerClassroomMigrations(&migrator)
        return migrator
    }

    /// Class codes: six characters a class can read off a projector without confusing 0 and O or 1 and I.
    static let codeAlphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")

    public func createClass(name: String) async throws -> ClassRecord {
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
                return record
            }
            throw StoreError.unavailable("no free class code")
        }
    }

    public func classRecord(code: String) async throws -> ClassRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT code, name, created_at FROM classes WHERE code = ?", arguments: [code])
                .map(Self.classRecord)
        }
    }

    public func classes() async throws -> [ClassRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT code, name, created_at FROM classes ORDER BY created_at DESC").map(
                Self.classRecord
            )
        }
    }

    public func createStudent(name: String, classCode: String, tokenHash: String) async throws -> StudentRecord {
        try await pool.write { db in
            guard try Row.fetchOne(db, sql: "SELECT 1 FROM classes WHERE code = ?", arguments: [classCode]) != nil
            else {
                throw StoreError.unknownClass(classCode)
            }
            if try Row.fetchOne(
                db,
                sql: "SELECT 1 FROM students WHERE class_code = ? AND name = ? COLLATE NOCASE",
                arguments: [classCode, name]
            )
                != nil
            {
                throw StoreError.nameTaken(name)
            }
            let student = StudentRecord(id: UUID().uuidString.lowercased(), name: name, classCode: classCode)
            try db.execute(
                sql: "INSERT INTO students (id, class_code, name, token_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [student.id, classCode, name, tokenHash, Date().timeIntervalSince1970]
            )
            return student
        }
    }

    public func student(tokenHash: String) async throws -> StudentRecord? {
        try await pool.read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT id, name, class_code FROM students WHERE token_hash = ?",
                arguments: [tokenHash]
            )
            .map { StudentRecord(id: $0["id"], name: $0["name"], classCode: $0["class_code"]) }
        }
    }

    public func record(_ attempt: AttemptRecord) async throws -> AttemptRecord {
        try await pool.write { db in try Self.insert(attempt, db) }
    }

    public func attempts(studentID: String, limit: Int) async throws -> [AttemptRecord] {
        try await pool.read { db in
            try Self.storedAttempts(
                db,
                sql: "SELECT \(Self.attemptColumns) FROM attempts WHERE student_id = ? ORDER BY id DESC LIMIT ?",
                arguments: [studentID, limit]
            ).map(\.record)
        }
    }

    public func results(classCode: String) async throws -> ClassResults? {
        try await pool.read { db in
            guard
                let classRow = try Row.fetchOne(
                    db,
                    sql: "SELECT code, name, created_at FROM classes WHERE code = ?",
                    arguments: [classCode]
                )
            else { return nil }
            let students = try Row.fetchAll(
                db,
                sql: "SELECT id, name, class_code FROM students WHERE class_code = ? ORDER BY name COLLATE NOCASE",
                arguments: [classCode]
            ).map { StudentRecord(id: $0["id"], name: $0["name"], classCode: $0["class_code"]) }
            // Each student's cells from `progress`'s primary key (student_id, question_id), a WITHOUT ROWID table
            // kept in that order, so they come in question order; one cached statement run per student, read
            // through a cursor by position: a class of 300 has 30,000 cells, and copying each row, looking its
            // columns up by name, or decoding the student's id again on each of them cost more than the read.
            let statement = try db.cachedStatement(
                sql: "SELECT question_id, best, attempts, last_verdict FROM progress WHERE student_id = ?"
            )
            var rows: [ClassResults.Row] = []
            rows.reserveCapacity(students.count)
            for student in students {
                var cells: [ClassResults.QuestionCell] = []
                let found = try Row.fetchCursor(statement, arguments: [student.id])
                while let next = try found.next() {
                    cells.append(
                        ClassResults.QuestionCell(
                            question: next[0],
                            cell: ClassResults.Cell(best: next[1], attempts: next[2], lastVerdict: next[3])
                        )
                    )
                }
                rows.append(ClassResults.Row(student: student, cells: cells))
            }
            return ClassResults(
                classRecord: Self.classRecord(classRow),
                rows: rows
            )
        }
    }

    private static func classRecord(_ row: Row) -> ClassRecord {
        ClassRecord(code: row["code"], name: row["name"], createdAt: Date(timeIntervalSince1970: row["created_at"]))
    }
}
