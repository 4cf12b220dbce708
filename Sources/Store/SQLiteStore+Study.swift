import Foundation
import GRDB

/// Study records (migration `v11-study`), in the same SQLite file.
extension SQLiteStore: StudyStore {
    public func studyRecord(studentID: String, limit: Int) async throws -> StudyRecord {
        try await pool.read { db in
            var cards: [String: String] = [:]
            for row in try Row.fetchAll(
                db,
                sql: "SELECT question_id, card FROM study_cards WHERE student_id = ?",
                arguments: [studentID]
            ) {
                cards[row["question_id"]] = row["card"]
            }
            let answers = try String.fetchAll(
                db,
                sql: """
                    SELECT answer FROM (SELECT id, answer, at FROM study_answers WHERE student_id = ?
                    ORDER BY at DESC, id DESC LIMIT ?) ORDER BY at, id
                    """,
                arguments: [studentID, limit]
            )
            let handedOver = try Double.fetchOne(
                db,
                sql: "SELECT at FROM study_handovers WHERE student_id = ?",
                arguments: [studentID]
            )
            return StudyRecord(
                cards: cards,
                answers: answers,
                handedOverAt: handedOver.map(Date.init(timeIntervalSince1970:))
            )
        }
    }

    public func recordReview(studentID: String, questionID: String, answer: String, card: String, at: Date) async throws
    {
        try await pool.write { db in
            try Self.insertAnswer(StudyAnswer(questionID: questionID, answer: answer, at: at), studentID: studentID, db)
            try Self.upsertCard(StudyCard(questionID: questionID, card: card, lastReview: at), studentID: studentID, db)
        }
    }

    public func handOver(studentID: String, cards: [StudyCard], answers: [StudyAnswer], at: Date) async throws -> Bool {
        try await pool.write { db in
            if try Row.fetchOne(db, sql: "SELECT 1 FROM study_handovers WHERE student_id = ?", arguments: [studentID])
                != nil
            {
                return false
            }
            try db.execute(
                sql: "INSERT INTO study_handovers (student_id, at) VALUES (?, ?)",
                arguments: [studentID, at.timeIntervalSince1970]
            )
            for answer in answers { try Self.insertAnswer(answer, studentID: studentID, db) }
            for card in cards { try Self.upsertCard(card, studentID: studentID, db) }
            return true
        }
    }

    private static func insertAnswer(_ answer: StudyAnswer, studentID: String, _ db: Database) throws {
        try db.execute(
            sql: "INSERT INTO study_answers (student_id, question_id, answer, at) VALUES (?, ?, ?, ?)",
            arguments: [studentID, answer.questionID, answer.answer, answer.at.timeIntervalSince1970]
        )
    }

    /// The newer card wins: a hand-over of an older browser record never undoes a review made since.
    private static func upsertCard(_ card: StudyCard, studentID: String, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO study_cards (student_id, question_id, card, last_review) VALUES (?, ?, ?, ?)
                ON CONFLICT (student_id, question_id) DO UPDATE SET card = excluded.card,
                    last_review = excluded.last_review
                WHERE excluded.last_review >= study_cards.last_review
                """,
            arguments: [studentID, card.questionID, card.card, card.lastReview.timeIntervalSince1970]
        )
    }
}
