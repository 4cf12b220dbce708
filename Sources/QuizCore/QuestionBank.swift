import Foundation

/// The question bank: topics and questions, loaded once at start-up and immutable afterwards.
public struct QuestionBank: Codable, Sendable {
    public var version: Int
    public var topics: [Topic]
    public var questions: [Question]
    /// Whether the file named its topics (a whole bank) or left them out (a teacher's bank of questions only).
    public var declaresTopics = true

    public init(version: Int = 1, topics: [Topic], questions: [Question]) {
        self.version = version
        self.topics = topics
        self.questions = questions
    }

    enum CodingKeys: String, CodingKey { case version, topics, questions }

    /// A bank file may hold questions only (a teacher's bank of code questions): its topics are then the other
    /// banks' (`BankLoader` merges them).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decodeIfPresent(Int.self, forKey: .version) ?? 1
        declaresTopics = container.contains(.topics)
        topics = try container.decodeIfPresent([Topic].self, forKey: .topics) ?? []
        questions = try container.decode([Question].self, forKey: .questions)
    }

    public func question(_ id: String) -> Question? {
        questions.first { $0.id == id }
    }

    public func topic(_ id: String) -> Topic? {
        topics.first { $0.id == id }
    }

    /// Reads a bank file. A file that is not even the right shape gives one problem naming the place.
    public static func load(contentsOf url: URL) throws(BankError) -> QuestionBank {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadable(file: url.lastPathComponent, reason: "cannot be read (\(error.localizedDescription))")
        }
        return try decode(data, file: url.lastPathComponent)
    }

    public static func decode(_ data: Data, file: String) throws(BankError) -> QuestionBank {
        do {
            return try JSONDecoder().decode(QuestionBank.self, from: data)
        } catch let error as DecodingError {
            throw .unreadable(file: file, reason: describe(error))
        } catch {
            throw .unreadable(file: file, reason: "is not valid JSON")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func place(_ path: [any CodingKey]) -> String {
            path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(place(context.codingPath + [key])) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? "is not valid JSON (\(context.debugDescription))"
                : "\(place(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "does not have the expected shape"
        }
    }
}

public enum BankError: Error, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case invalid([String])

    public var description: String {
        switch self {
        case .unreadable(let file, let reason): "\(file): \(reason)"
        case .invalid(let lines): lines.joined(separator: "\n")
        }
    }
}
