public struct Topic: Codable, Sendable, Equatable {
    public var id: String
    public var title: String
    public var summary: String

    public init(id: String, title: String, summary: String) {
        self.id = id
        self.title = title
        self.summary = summary
    }

    /// A topic known only by its id ("event-loop" -> "Event loop"), for banks that bring no topics of their own.
    public static func named(_ id: String) -> Topic {
        let words = id.split(separator: "-").joined(separator: " ")
        return Topic(id: id, title: words.prefix(1).uppercased() + words.dropFirst(), summary: "Questions on \(words).")
    }

    /// The topics every bank must have (the contract's list).
    public static let requiredIDs = [
        "awaitables", "coroutines", "event-loop", "non-blocking", "single-threaded", "tasks", "cancellation-timeouts",
        "error-handling", "synchronization", "nested-async", "async-iteration", "async-oop", "async-libraries",
    ]
}
