import Foundation
import PostgresNIO

/// Teachers' banks in PostgreSQL (migration `v10-teacher-banks`, in `ClassroomMigrations`): a namespace per teacher,
/// a row per bank, a row per question. Every change announces itself (`StoreEvent.banksChanged`, sent when its
/// transaction commits) so that the other instances serve the new questions without a restart.
extension PostgresStore: TeacherBankStore {
    public func bankNamespace(owner: String?, preferred: [String]) async throws -> String {
        let key = owner ?? ""
        return try await run { _ in
            try await self.transaction { connection in
                if let held = try await self.namespace(of: key, connection) { return held }
                for candidate in preferred {
                    // Either unique key (the owner, the namespace) taken by another transaction meanwhile: nothing
                    // inserted; the owner's own row, inserted by a concurrent call, is theirs to keep.
                    let taken = try await connection.query(
                        """
                        INSERT INTO bank_namespaces (owner, namespace) VALUES (\(key), \(candidate))
                        ON CONFLICT DO NOTHING RETURNING namespace
                        """,
                        logger: self.logger
                    ).decode(String.self).all()
                    if let namespace = taken.first { return namespace }
                    if let held = try await self.namespace(of: key, connection) { return held }
                }
                throw StoreError.unavailable("no free bank namespace")
            }
        }
    }

    private func namespace(of owner: String, _ connection: PostgresConnection) async throws -> String? {
        try await connection.query(
            "SELECT namespace FROM bank_namespaces WHERE owner = \(owner)",
            logger: logger
        ).decode(String.self).all().first
    }

    public func createBank(_ bank: TeacherBankRecord) async throws {
        try await run { _ in
            try await self.transaction { connection in
                try await connection.query(
                    """
                    INSERT INTO teacher_banks (id, owner, created_at, updated_at)
                    VALUES (\(bank.id), \(bank.owner ?? ""), \(bank.createdAt.timeIntervalSince1970),
                        \(bank.updatedAt.timeIntervalSince1970))
                    """,
                    logger: self.logger
                )
                try await self.insertQuestions(bank, connection)
                try await self.announce(.banksChanged, connection)
            }
        }
    }

    public func replaceBank(_ bank: TeacherBankRecord) async throws -> Bool {
        try await run { _ in
            try await self.transaction { connection in
                let found = try await connection.query(
                    """
                    UPDATE teacher_banks SET updated_at = \(bank.updatedAt.timeIntervalSince1970)
                    WHERE id = \(bank.id) RETURNING 1
                    """,
                    logger: self.logger
                ).decode(Int.self).all()
                guard !found.isEmpty else { return false }
                try await connection.query("DELETE FROM bank_questions WHERE bank_id = \(bank.id)", logger: self.logger)
                try await self.insertQuestions(bank, connection)
                try await self.announce(.banksChanged, connection)
                return true
            }
        }
    }

    /// Inserts the bank's questions; an id held by another bank rolls the whole transaction back. Two transactions
    /// inserting one id: the second waits for the first on the primary key, then inserts nothing and names its bank.
    private func insertQuestions(_ bank: TeacherBankRecord, _ connection: PostgresConnection) async throws {
        for (position, question) in bank.questions.enumerated() {
            let inserted = try await connection.query(
                """
                INSERT INTO bank_questions (question_id, bank_id, position, version, body)
                VALUES (\(question.id), \(bank.id), \(position), \(question.version), \(question.body))
                ON CONFLICT (question_id) DO NOTHING RETURNING 1
                """,
                logger: logger
            ).decode(Int.self).all()
            guard inserted.isEmpty else { continue }
            let other =
                try await connection.query(
                    "SELECT bank_id FROM bank_questions WHERE question_id = \(question.id)",
                    logger: logger
                ).decode(String.self).all().first ?? ""
            throw TeacherBankStoreError.questionTaken(question: question.id, bank: other)
        }
    }

    public func banks() async throws -> [TeacherBankRecord] {
        try await run { _ in
            try await self.transaction(isolation: "REPEATABLE READ, READ ONLY") { connection in
                let rows = try await connection.query(
                    "SELECT id, owner, created_at, updated_at FROM teacher_banks ORDER BY created_at, id",
                    logger: self.logger
                ).decode((String, String, Double, Double).self).all()
                var questions: [String: [TeacherBankQuestion]] = [:]
                for try await (id, bankID, version, body) in try await connection.query(
                    "SELECT question_id, bank_id, version, body FROM bank_questions ORDER BY bank_id, position",
                    logger: self.logger
                ).decode((String, String, String, String).self) {
                    questions[bankID, default: []].append(TeacherBankQuestion(id: id, version: version, body: body))
                }
                return rows.map { Self.bankRecord($0, questions: questions[$0.0] ?? []) }
            }
        }
    }

    public func bank(id: String) async throws -> TeacherBankRecord? {
        try await run { _ in
            try await self.transaction(isolation: "REPEATABLE READ, READ ONLY") { connection in
                guard
                    let row = try await connection.query(
                        "SELECT id, owner, created_at, updated_at FROM teacher_banks WHERE id = \(id)",
                        logger: self.logger
                    ).decode((String, String, Double, Double).self).all().first
                else { return nil }
                let questions = try await connection.query(
                    "SELECT question_id, version, body FROM bank_questions WHERE bank_id = \(id) ORDER BY position",
                    logger: self.logger
                ).decode((String, String, String).self).all().map {
                    TeacherBankQuestion(id: $0.0, version: $0.1, body: $0.2)
                }
                return Self.bankRecord(row, questions: questions)
            }
        }
    }

    public func deleteBank(id: String) async throws -> Bool {
        try await run { _ in
            try await self.transaction { connection in
                try await connection.query("DELETE FROM bank_questions WHERE bank_id = \(id)", logger: self.logger)
                let deleted = try await connection.query(
                    "DELETE FROM teacher_banks WHERE id = \(id) RETURNING 1",
                    logger: self.logger
                ).decode(Int.self).all()
                guard !deleted.isEmpty else { return false }
                try await self.announce(.banksChanged, connection)
                return true
            }
        }
    }

    private static func bankRecord(
        _ row: (String, String, Double, Double),
        questions: [TeacherBankQuestion]
    ) -> TeacherBankRecord {
        TeacherBankRecord(
            id: row.0,
            owner: row.1.isEmpty ? nil : row.1,
            questions: questions,
            createdAt: Date(timeIntervalSince1970: row.2),
            updatedAt: Date(timeIntervalSince1970: row.3)
        )
    }
}
