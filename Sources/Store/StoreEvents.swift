/// What one process sharing a store tells the others, as it happens: the store the processes share carries it
/// (PostgreSQL's `LISTEN`/`NOTIFY`), so no process asks the database again and again whether something changed.
public enum StoreEvent: Sendable, Equatable {
    /// This process (re)started listening. What was announced while it was not is lost, so whatever it keeps from
    /// the store (the teachers' banks, the running regrades) it reads again now.
    case listening
    /// A teacher's bank was uploaded, replaced or deleted: read the banks again.
    case banksChanged
    /// A process claimed the regrade with this id and works on it: stand by to take it over should that process die.
    case regradeClaimed(String)

    /// The notification's payload, and back.
    var payload: String {
        switch self {
        case .listening: "listening"
        case .banksChanged: "banks"
        case .regradeClaimed(let id): "regrade:" + id
        }
    }

    init?(payload: String) {
        if payload == "banks" {
            self = .banksChanged
        } else if payload.hasPrefix("regrade:") {
            self = .regradeClaimed(String(payload.dropFirst("regrade:".count)))
        } else {
            return nil
        }
    }
}

/// A store that several processes share and that tells each what the others changed (`PostgresStore`). A store kept
/// by one process (SQLite) has nothing to tell and does not conform.
public protocol StoreEventSource: Sendable {
    /// Calls `handle` with each event, in order, until the calling task is cancelled or the store shut down; first
    /// with `.listening`, and again each time it listens anew after the database link was lost.
    func listen(_ handle: @escaping @Sendable (StoreEvent) async -> Void) async
}
