import Foundation
import HTTP
import QuizCore
import Store

/// A class student's study record on the server (`StudyStore`): the FSRS cards and graded answers that the browser
/// keeps in `localStorage` for an anonymous student (`Public/js/study.js`, the same shapes), so that the schedule
/// follows the student to any device. The browser computes each card with its FSRS port (checked against py-fsrs on
/// 1,000+ histories) and sends it with the answer; the server keeps the newer card per question.
///
/// - `GET /api/v1/me/study` → `{"cards":{id: card},"attempts":[answer…],"handed_over_at"}` (the newest 5,000 answers)
/// - `POST /api/v1/me/study/reviews` `{"question","card","answer"}` → `204`
/// - `POST /api/v1/me/study/handover` `{"cards","attempts"}` → `201 {"cards","attempts"}` once; `409` afterwards
///
/// Every route needs a student's token (`401` otherwise); a card needs `due` and `last_review` (RFC 3339 times), an
/// answer `question` and `at`.
struct StudyService: Sendable {
    let classroom: ClassroomService

    static let answerLimit = 5000

    func record(_ request: Request) async throws -> Response {
        let (student, store) = try await caller(request)
        let record = try await classroom.wrap {
            try await store.studyRecord(studentID: student.id, limit: Self.answerLimit)
        }
        var out = "{\"cards\":{"
        out += record.cards.sorted { $0.key < $1.key }.map { "\(JSONText.string($0.key)):\($0.value)" }
            .joined(separator: ",")
        out += "},\"attempts\":[" + record.answers.joined(separator: ",") + "],\"handed_over_at\":"
        out += record.handedOverAt.map { JSONText.string(RFC3339.string($0)) } ?? "null"
        out += "}"
        return Response(
            status: 200,
            headers: HTTPHeaders([("Content-Type", "application/json; charset=utf-8")]),
            body: Data(out.utf8)
        )
    }

    func review(_ request: Request) async throws -> Response {
        let (student, store) = try await caller(request)
        struct Review: Decodable {
            var question: String
            var card: JSONValue
            var answer: JSONValue
        }
        let body = try request.decodeJSON(Review.self)
        let question = try Self.questionID(body.question, field: "question")
        let card = try Self.card(body.card, field: "card")
        let answer = try Self.answer(body.answer, field: "answer")
        try await classroom.wrap {
            try await store.recordReview(
                studentID: student.id,
                questionID: question,
                answer: answer.answer,
                card: card.card,
                at: card.lastReview
            )
        }
        return Response(status: 204)
    }

    func handOver(_ request: Request) async throws -> Response {
        let (student, store) = try await caller(request)
        struct Handover: Decodable {
            var cards: [String: JSONValue]
            var attempts: [JSONValue]
        }
        let body = try request.decodeJSON(Handover.self)
        guard body.attempts.count <= Self.answerLimit else {
            throw QuizError.invalidField("attempts", "at most \(Self.answerLimit) answers.")
        }
        var cards: [StudyCard] = []
        for (id, value) in body.cards.sorted(by: { $0.key < $1.key }) {
            let question = try Self.questionID(id, field: "cards")
            var card = try Self.card(value, field: "cards.\(question)")
            card.questionID = question
            cards.append(card)
        }
        let answers = try body.attempts.enumerated().map { try Self.answer($1, field: "attempts[\($0)]") }
        let taken = try await classroom.wrap {
            try await store.handOver(studentID: student.id, cards: cards, answers: answers, at: Date())
        }
        guard taken else {
            throw QuizError.conflict("This student's browser record was handed over already; it moves once.")
        }
        return .json(["cards": cards.count, "attempts": answers.count], status: 201)
    }

    // MARK: - Input

    private func caller(_ request: Request) async throws -> (StudentRecord, any StudyStore) {
        guard let student = try await classroom.student(for: request) else {
            throw QuizError.unauthorized("This needs a student's token: join a class first.")
        }
        guard let store = classroom.store as? any StudyStore else {
            throw QuizError.notImplemented("This server's database does not keep study records.")
        }
        return (student, store)
    }

    static func questionID(_ id: String, field: String) throws -> String {
        guard (1...200).contains(id.utf8.count), !id.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
            throw QuizError.invalidField(field, "a question id is 1 to 200 characters.")
        }
        return id
    }

    /// A card as py-fsrs's `Card.to_dict()` has it; `last_review` orders two cards of one question.
    static func card(_ value: JSONValue, field: String) throws -> StudyCard {
        guard case .object(let members) = value else {
            throw QuizError.invalidField(field, "a card is an object, as FSRS's Card.to_dict() gives.")
        }
        guard case .string(let due)? = members["due"], Self.date(due) != nil else {
            throw QuizError.invalidField("\(field).due", "an RFC 3339 time.")
        }
        guard case .string(let last)? = members["last_review"], let lastReview = Self.date(last) else {
            throw QuizError.invalidField("\(field).last_review", "an RFC 3339 time.")
        }
        return StudyCard(questionID: "", card: try Self.text(value), lastReview: lastReview)
    }

    static func answer(_ value: JSONValue, field: String) throws -> StudyAnswer {
        guard case .object(let members) = value, case .string(let question)? = members["question"] else {
            throw QuizError.invalidField("\(field).question", "the answer's question id.")
        }
        guard case .string(let at)? = members["at"], let date = Self.date(at) else {
            throw QuizError.invalidField("\(field).at", "an RFC 3339 time.")
        }
        return StudyAnswer(
            questionID: try questionID(question, field: "\(field).question"),
            answer: try text(value),
            at: date
        )
    }

    static func date(_ text: String) -> Date? {
        RFC3339.date(text)
    }

    static func text(_ value: JSONValue) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
