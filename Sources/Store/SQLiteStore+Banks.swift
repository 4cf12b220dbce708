import Foundation
import GRDB

/// Teachers' banks (migration `v10-teacher-banks`, in `ClassroomMigrations`): a namespace per teacher, a row per
/// bank, a row per question.
extension SQLiteStore: TeacherBankStore {
    public func bankNamespace(owner: String?, preferred: [String]) async throws -> String {
        try await pool.write { db in
            let key = owner ?? ""
            if let held = try String.fetchOne(
                db,
                sql: "SELECT namespace FROM bank_namespaces WHERE owner = ?",
                arguments: [key]
            ) {
                return held
            }
            for candidate in preferred {
                let holder = "SELECT 1 FROM bank_namespaces WHERE namespace = ?"
                if try Row.fetchOne(db, sql: holder, arguments: [candidate]) != nil { continue }
                try db.execute(
                    sql: "INSERT INTO bank_namespaces (owner, namespace) VALUES (?, ?)",
                    arguments: [key, candidate]
                )
                return candidate
            }
            throw StoreError.unavailable("no free bank namespace")
        }
    }

    public func createBank(_ bank: TeacherBankRecord) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO teacher_banks (id, owner, created_at, updated_at) VALUES (?, ?, ?, ?)",
                arguments: [
                    bank.id, bank.owner ?? "", bank.createdAt.timeIntervalSince1970,
                    bank.updatedAt.timeIntervalSince1970,
                ]
            )
            try Self.insertQuestions(bank, db)
        }
    }

    public func replaceBank(_ bank: TeacherBankRecord) async throws -> Bool {
        try await pool.write { db in
            guard try Row.fetchOne(db, sql: "SELECT 1 FROM teacher_banks WHERE id = ?", arguments: [bank.id]) != nil
            else { return false }
            try db.execute(
                sql: "UPDATE teacher_banks SET updated_at = ? WHERE id = ?",
                arguments: [bank.updatedAt.timeIntervalSince1970, bank.id]
            )
            try db.execute(sql: "DELETE FROM bank_questions WHERE bank_id = ?", arguments: [bank.id])
            try Self.insertQuestions(bank, db)
            return true
        }
    }

    /// Inserts the bank's questions; an id held by another bank rolls the whole transaction back.
    private static func insertQuestions(_ bank: TeacherBankRecord, _ db: Database) throws {
        for (position, question) in bank.questions.enumerated() {
            if let other = try String.fetchOne(
                db,
                sql: "SELECT bank_id FROM bank_questions WHERE question_id = ?",
                arguments: [question.id]
            ) {
                throw TeacherBankStoreError.questionTaken(question: question.id, bank: other)
            }
            try db.execute(
                sql: """
                    INSERT INTO bank_questions (question_id, bank_id, position, version, body)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [question.id, bank.id, position, question.version, question.body]
            )
        }
    }

    public func banks() async throws -> [TeacherBankRecord] {
        try await pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT id, owner, created_at, updated_at FROM teacher_banks ORDER BY created_at, id"
            )
            var questions: [String: [TeacherBankQuestion]] = [:]
            for row in try Row.fetchAll(
                db,
                sql: "SELECT question_id, bank_id, version, body FROM bank_questions ORDER BY bank_id, position"
            ) {
                questions[row["bank_id"], default: []].append(
                    TeacherBankQuestion(id: row["question_id"], version: row["version"], body: row["body"])
                )
            }
            return rows.map { Self.bankRecord($0, questions: questions[$0["id"]] ?? []) }
        }
    }

    public func bank(id: String) async throws -> TeacherBankRecord? {
        try await pool.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: "SELECT id, owner, created_at, updated_at FROM teacher_banks WHERE id = ?",
                    arguments: [id]
                )
            else { return nil }
            let questions = try Row.fetchAll(
                db,
                sql: "SELECT question_id, version, body FROM bank_questions WHERE bank_id = ? ORDER BY position",
                arguments: [id]
            ).map { TeacherBankQuestion(id: $0["question_id"], version: $0["version"], body: $0["body"]) }
            return Self.bankRecord(row, questions: questions)
        }
    }

    public func deleteBank(id: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM bank_questions WHERE bank_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM teacher_banks WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    private static func bankRecord(_ row: Row, questions: [TeacherBankQuestion]) -> TeacherBankRecord {
        let owner: String = row["owner"]
        return TeacherBankRecord(
            id: row["id"],
            owner: owner.isEmpty ? nil : owner,
            questions: questions,
            createdAt: Date(timeIntervalSince1970: row["created_at"]),
            updatedAt: Date(timeIntervalSince1970: row["updated_at"])
        )
    }
}
