import Foundation
import PostgresNIO

/// Study records (migration `v11-study`), in PostgreSQL: a student's schedule is the same on every instance.
extension PostgresStore: StudyStore {
    public func studyRecord(studentID: String, limit: Int) async throws -> StudyRecord {
        try await run { _ in
            try await self.transaction(isolation: "REPEATABLE READ, READ ONLY") { connection in
                var cards: [String: String] = [:]
                for try await (question, card) in try await connection.query(
                    "SELECT question_id, card FROM study_cards WHERE student_id = \(studentID)",
                    logger: self.logger
                ).decode((String, String).self) {
                    cards[question] = card
                }
                let answers = try await connection.query(
                    """
                    SELECT answer FROM (SELECT id, answer, at FROM study_answers WHERE student_id = \(studentID)
                    ORDER BY at DESC, id DESC LIMIT \(limit)) newest ORDER BY at, id
                    """,
                    logger: self.logger
                ).decode(String.self).all()
                let handedOver = try await connection.query(
                    "SELECT at FROM study_handovers WHERE student_id = \(studentID)",
                    logger: self.logger
                ).decode(Double.self).all().first
                return StudyRecord(
                    cards: cards,
                    answers: answers,
                    handedOverAt: handedOver.map(Date.init(timeIntervalSince1970:))
                )
            }
        }
    }

    public func recordReview(studentID: String, questionID: String, answer: String, card: String, at: Date) async throws
    {
        try await run { _ in
            try await self.transaction { connection in
                try await self.insert(
                    StudyAnswer(questionID: questionID, answer: answer, at: at),
                    studentID: studentID,
                    connection
                )
                try await self.upsert(
                    StudyCard(questionID: questionID, card: card, lastReview: at),
                    studentID: studentID,
                    connection
                )
            }
        }
    }

    public func handOver(studentID: String, cards: [StudyCard], answers: [StudyAnswer], at: Date) async throws -> Bool {
        try await run { _ in
            try await self.transaction { connection in
                let marked = try await connection.query(
                    """
                    INSERT INTO study_handovers (student_id, at) VALUES (\(studentID), \(at.timeIntervalSince1970))
                    ON CONFLICT (student_id) DO NOTHING RETURNING 1
                    """,
                    logger: self.logger
                ).decode(Int.self).all()
                guard !marked.isEmpty else { return false }
                for answer in answers { try await self.insert(answer, studentID: studentID, connection) }
                for card in cards { try await self.upsert(card, studentID: studentID, connection) }
                return true
            }
        }
    }

    private func insert(_ answer: StudyAnswer, studentID: String, _ connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO study_answers (student_id, question_id, answer, at)
            VALUES (\(studentID), \(answer.questionID), \(answer.answer), \(answer.at.timeIntervalSince1970))
            """,
            logger: logger
        )
    }

    /// The newer card wins: a hand-over of an older browser record never undoes a review made since.
    private func upsert(_ card: StudyCard, studentID: String, _ connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO study_cards (student_id, question_id, card, last_review)
            VALUES (\(studentID), \(card.questionID), \(card.card), \(card.lastReview.timeIntervalSince1970))
            ON CONFLICT (student_id, question_id) DO UPDATE SET card = excluded.card,
                last_review = excluded.last_review
            WHERE excluded.last_review >= study_cards.last_review
            """,
            logger: logger
        )
    }
}
