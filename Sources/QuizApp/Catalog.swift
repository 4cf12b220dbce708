import Foundation
import HTTP
import QuizCore

/// The read-only half of the API, encoded once at start-up: the bank never changes while the server runs, so
/// topics and question lists are bytes ready to send, and a read costs no JSON encoding.
struct Catalog: Sendable {
    let bank: QuestionBank
    private let topicsBody: Data
    private let lists: [String: Data]
    private let questions: [String: Data]

    init(bank: QuestionBank) {
        self.bank = bank
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]

        struct TopicEntry: Encodable {
            var id, title, summary: String
            var count: Int
        }
        let entries = bank.topics.map { topic in
            TopicEntry(
                id: topic.id,
                title: topic.title,
                summary: topic.summary,
                count: bank.questions.count { $0.topic == topic.id }
            )
        }
        topicsBody = (try? encoder.encode(["topics": entries])) ?? Data()

        var lists: [String: Data] = [:]
        for topic in [nil] + bank.topics.map(\.id) {
            for kind in [nil] + QuestionKind.allCases {
                let selected = bank.questions.filter {
                    (topic == nil || $0.topic == topic) && (kind == nil || $0.kind == kind)
                }
                lists[Self.key(topic, kind)] = try? encoder.encode(["questions": selected.map(PublicQuestion.init)])
            }
        }
        self.lists = lists
        var questions: [String: Data] = [:]
        for question in bank.questions {
            questions[question.id] = try? encoder.encode(PublicQuestion(question))
        }
        self.questions = questions
    }

    private static func key(_ topic: String?, _ kind: QuestionKind?) -> String {
        "\(topic ?? "*")|\(kind?.rawValue ?? "*")"
    }

    func topics() -> Response {
        Self.json(topicsBody)
    }

    func questions(topic: String?, kind: String?) throws -> Response {
        if let topic, bank.topic(topic) == nil {
            throw QuizError.invalidQuery("topic", "unknown topic \"\(topic)\"; see /api/v1/topics.")
        }
        var questionKind: QuestionKind?
        if let kind {
            guard let parsed = QuestionKind(rawValue: kind) else {
                let kinds = QuestionKind.allCases.map(\.rawValue).joined(separator: ", ")
                throw QuizError.invalidQuery("kind", "unknown kind \"\(kind)\"; one of \(kinds).")
            }
            questionKind = parsed
        }
        return Self.json(lists[Self.key(topic, questionKind)] ?? Data())
    }

    func question(_ id: String) throws -> Response {
        guard let body = questions[id] else { throw QuizError.unknownQuestion(id) }
        return Self.json(body)
    }

    static func json(_ body: Data) -> Response {
        Response(status: 200, headers: HTTPHeaders([("Content-Type", "application/json; charset=utf-8")]), body: body)
    }
}
