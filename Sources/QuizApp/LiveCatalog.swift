import QuizCore
import Synchronization

/// The banks being served, replaced whole when `serve` reloads them (SIGHUP). A request takes the current catalog
/// once and uses it to the end, so an attempt in flight finishes against the bank it started with.
final class LiveCatalog: Sendable {
    private let catalog: Mutex<Catalog>
    /// The teachers' banks: kept apart, never in the catalog's lists (`QuestionVisibility` says who sees them).
    let owned = OwnedQuestions()

    init(bank: QuestionBank) {
        catalog = Mutex(Catalog(bank: bank))
    }

    var current: Catalog { catalog.withLock { $0 } }

    /// The bank's lists and bodies are encoded here, before the swap, so readers never wait for it.
    func replace(with bank: QuestionBank) {
        let fresh = Catalog(bank: bank)
        catalog.withLock { $0 = fresh }
    }
}
