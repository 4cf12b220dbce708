public struct Topic: Codable, Sendable, Equatable {
    public var id: String
    public var title: String
    public var summary: String

    public init(id: String, title: String, summary: String) {
        self.id = id
        self.title = title
        self.summary = summary
    }

    /// The topics every bank must have (the contract's list).
    public static let requiredIDs = [
        "awaitables", "coroutines", "event-loop", "non-blocking", "single-threaded", "tasks", "cancellation-timeouts",
        "error-handling", "synchronization", "nested-async", "async-iteration", "async-oop", "async-libraries",
    ]
}
