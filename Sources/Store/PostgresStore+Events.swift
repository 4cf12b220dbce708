import Foundation
import PostgresNIO

/// Events between instances through PostgreSQL's `LISTEN`/`NOTIFY` on one channel. A notification is sent by the
/// transaction that made the change and delivered when (and only if) it commits, within milliseconds, to every
/// session listening; nothing asks the database on a timer.
///
/// Why not a generation number checked on each request: that costs a query per request (or serves stale questions
/// for the cache's lifetime), and still needs a timer to notice a dead instance's regrade. A listening session
/// costs one idle connection per instance. What it cannot do is deliver to a session that was not listening (its
/// link lost, the database restarting): each time it listens anew it says `.listening`, and the receiver reads the
/// banks and the running regrades again.
extension PostgresStore: StoreEventSource {
    static let eventChannel = "quiz_events"

    /// Sends the event when the caller's transaction commits.
    func announce(_ event: StoreEvent, _ connection: PostgresConnection) async throws {
        try await connection.query(
            "SELECT pg_notify(\(Self.eventChannel), \(event.payload))::text",
            logger: logger
        )
    }

    /// Listens on one pooled connection, leased for as long as it listens. A lost link is listened again after a
    /// short pause (0.1 s, doubling up to 5 s while it keeps failing): that retries a failure, it does not poll.
    public func listen(_ handle: @escaping @Sendable (StoreEvent) async -> Void) async {
        var pause = 0.1
        while !Task.isCancelled, !isShutDown {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: Self.eventChannel) { notifications in
                        await handle(.listening)
                        pause = 0.1
                        for try await notification in notifications {
                            if let event = StoreEvent(payload: notification.payload) { await handle(event) }
                        }
                    }
                }
            } catch {
                if Task.isCancelled || isShutDown { return }
                logger.warning("listening for other instances' changes failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(pause))
            pause = min(pause * 2, 5)
        }
    }
}
