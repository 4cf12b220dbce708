import Foundation

/// The study record of a student in a class, on the server (issue: "for a student in a class, the schedule lives on
/// the server"): one FSRS card per question and the graded answers that feed the mastery estimate, in the shape the
/// browser keeps for an anonymous student (`Public/js/study.js`), as JSON text the store does not interpret. The
/// browser computes each card with its FSRS port (tested against py-fsrs); the server keeps them, so the schedule
/// follows the student to any device.
public protocol StudyStore: Sendable {
    /// The student's cards (question id → card JSON), their answers (JSON, oldest first, the newest `limit`), and
    /// when their browser's own record was handed over (nil: not yet).
    func studyRecord(studentID: String, limit: Int) async throws -> StudyRecord
    /// Adds one graded answer and sets the question's card, in one transaction.
    func recordReview(studentID: String, questionID: String, answer: String, card: String, at: Date) async throws
    /// Takes over a browser's record once: every card whose review is newer than the one kept, and every answer,
    /// in one transaction with the mark. - Returns: false (and changes nothing) when it was handed over before.
    func handOver(studentID: String, cards: [StudyCard], answers: [StudyAnswer], at: Date) async throws -> Bool
}

public struct StudyRecord: Sendable, Equatable {
    public var cards: [String: String]
    public var answers: [String]
    public var handedOverAt: Date?

    public init(cards: [String: String], answers: [String], handedOverAt: Date?) {
        self.cards = cards
        self.answers = answers
        self.handedOverAt = handedOverAt
    }
}

/// One question's card, with the time of its last review (the newer of two cards wins a hand-over).
public struct StudyCard: Sendable, Equatable {
    public var questionID: String
    public var card: String
    public var lastReview: Date

    public init(questionID: String, card: String, lastReview: Date) {
        self.questionID = questionID
        self.card = card
        self.lastReview = lastReview
    }
}

/// One graded answer as the browser recorded it (JSON), with its question and time.
public struct StudyAnswer: Sendable, Equatable {
    public var questionID: String
    public var answer: String
    public var at: Date

    public init(questionID: String, answer: String, at: Date) {
        self.questionID = questionID
        self.answer = answer
        self.at = at
    }
}
