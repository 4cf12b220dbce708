import Foundation
import QuizCore
import Store
import Synchronization

/// One question of a teacher's bank, as the server serves it: the question (its id namespaced), and whose it is.
struct OwnedQuestion: Sendable {
    var question: Question
    var bankID: String
    /// The teacher who uploaded it; nil: the administrator.
    var owner: String?
}

/// The teachers' questions being served (`POST /api/v1/banks`), beside the built-in catalog, which never lists them.
/// Replaced whole from the store after every change: each reload takes a number before it reads, and a reload that
/// started earlier never overwrites one that started later, so two uploads at once both end up served.
final class OwnedQuestions: Sendable {
    private struct State {
        var applied = 0
        var ordered: [OwnedQuestion] = []
        var byID: [String: OwnedQuestion] = [:]
    }

    private let state = Mutex(State())
    private let started = Atomic<Int>(0)

    func question(_ id: String) -> OwnedQuestion? {
        state.withLock { $0.byID[id] }
    }

    /// Every teacher's question, bank by bank (oldest bank first), each bank in its own order.
    var all: [OwnedQuestion] { state.withLock { $0.ordered } }

    /// Reads every bank from the store and serves them. A stored question that no longer decodes is skipped (it was
    /// checked when it was uploaded; a later version of the server may read it differently).
    func reload(from store: any TeacherBankStore) async throws {
        let ticket = started.add(1, ordering: .sequentiallyConsistent).newValue
        let banks = try await store.banks()
        let decoder = JSONDecoder()
        var ordered: [OwnedQuestion] = []
        for bank in banks {
            for stored in bank.questions {
                guard let question = try? decoder.decode(Question.self, from: Data(stored.body.utf8)) else { continue }
                ordered.append(OwnedQuestion(question: question, bankID: bank.id, owner: bank.owner))
            }
        }
        let byID = Dictionary(ordered.map { ($0.question.id, $0) }, uniquingKeysWith: { first, _ in first })
        state.withLock { state in
            guard ticket > state.applied else { return }
            state = State(applied: ticket, ordered: ordered, byID: byID)
        }
    }
}

extension LiveCatalog {
    /// Any question the server serves now, built-in or a teacher's, with no regard to who may see it (for the
    /// teacher's tools: results, analysis, regrades); nil for an id that is neither.
    func anyQuestion(_ id: String) -> Question? {
        current.bank.question(id) ?? owned.question(id)?.question
    }
}
