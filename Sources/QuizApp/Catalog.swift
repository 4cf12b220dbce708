import Foundation
import HTTP
import QuizCore

/// The read-only half of the API, encoded once at start-up: the bank never changes while the server runs, so
/// topics and question lists are bytes ready to send (plain and gzipped, with ETags), and a read costs no encoding.
struct Catalog: Sendable {
    let bank: QuestionBank
    private let topicsBody: StaticBody
    private let lists: [String: StaticBody]
    private let questions: [String: StaticBody]

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
        topicsBody = Self.body((try? encoder.encode(["topics": entries])) ?? Data())

        var lists: [String: StaticBody] = [:]
        for topic in [nil] + bank.topics.map(\.id) {
            for kind in [nil] + QuestionKind.allCases {
                let selected = bank.questions.filter {
                    (topic == nil || $0.topic == topic) && (kind == nil || $0.kind == kind)
                }
                let encoded = (try? encoder.encode(["questions": selected.map(PublicQuestion.init)])) ?? Data()
                lists[Self.key(topic, kind)] = Self.body(encoded)
            }
        }
        self.lists = lists
        var questions: [String: StaticBody] = [:]
        for question in bank.questions {
            questions[question.id] = Self.body((try? encoder.encode(PublicQuestion(question))) ?? Data())
        }
        self.questions = questions
    }

    private static func key(_ topic: String?, _ kind: QuestionKind?) -> String {
        "\(topic ?? "*")|\(kind?.rawValue ?? "*")"
    }

    static func body(_ data: Data) -> StaticBody {
        StaticBody(data, contentType: "application/json; charset=utf-8")
    }

    func topics(_ request: Request) -> Response {
        topicsBody.response(for: request)
    }

    func questions(_ request: Request) throws -> Response {
        let topic = request.query["topic"]
        let kind = request.query["kind"]
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
        return (lists[Self.key(topic, questionKind)] ?? Self.body(Data())).response(for: request)
    }

    func question(_ request: Request) throws -> Response {
        let id = request.parameters["id"] ?? ""
        guard let body = questions[id] else { throw QuizError.unknownQuestion(id) }
        return body.response(for: request)
    }

    /// `GET /api/v1/questions/{id}/hints/{n}`: the n-th hint (from 1), `{"question","n","of","hint"}`; 404 for an
    /// unknown question or a hint it does not have.
    func hint(_ request: Request) throws -> Response {
        let id = request.parameters["id"] ?? ""
        guard let question = bank.question(id) else { throw QuizError.unknownQuestion(id) }
        return try Self.hint(question, request)
    }

    /// The hint `{n}` of the request's path, of this question.
    static func hint(_ question: Question, _ request: Request) throws -> Response {
        let id = question.id
        let hints = question.hints ?? []
        guard let n = Int(request.parameters["n"] ?? ""), n >= 1, n <= hints.count else {
            throw QuizError.unknownHint(question: id, count: hints.count)
        }
        struct Hint: Encodable {
            var question: String
            var n, of: Int
            var hint: String
        }
        let body = try JSONEncoder().encode(Hint(question: id, n: n, of: hints.count, hint: hints[n - 1]))
        return Self.json(body)
    }

    static func json(_ body: Data) -> Response {
        Response(status: 200, headers: HTTPHeaders([("Content-Type", "application/json; charset=utf-8")]), body: body)
    }
}
