import Foundation

/// Teachers' own banks of questions (`POST /api/v1/banks`), kept so that they are served again after a restart.
/// The store keeps each question as the JSON the application encoded (it never reads it), under its namespaced id;
/// a question id is unique across every bank, so two banks can never serve the same id.
public protocol TeacherBankStore: Sendable {
    /// The teacher's namespace (the prefix of their questions' ids), allocated on the first call and the same
    /// forever after; two teachers never share one.
    /// - Parameters:
    ///   - owner: the teacher's id; nil for the administrator.
    ///   - preferred: the namespaces to try in order; the first one no one else holds is taken.
    func bankNamespace(owner: String?, preferred: [String]) async throws -> String
    /// Saves a new bank. - Throws: `TeacherBankStoreError.questionTaken` when one of its ids is in another bank.
    func createBank(_ bank: TeacherBankRecord) async throws
    /// Replaces the bank's questions (same bank id, owner and creation time), in one transaction.
    /// - Returns: false when there is no such bank. - Throws: `questionTaken` as `createBank`.
    func replaceBank(_ bank: TeacherBankRecord) async throws -> Bool
    /// Every bank, oldest first (the server serves them all; the API shows each teacher their own).
    func banks() async throws -> [TeacherBankRecord]
    func bank(id: String) async throws -> TeacherBankRecord?
    /// Deletes the bank and its questions (recorded attempts on them stay). - Returns: false when there is none.
    func deleteBank(id: String) async throws -> Bool
}

/// One teacher's bank as stored.
public struct TeacherBankRecord: Sendable, Equatable {
    public var id: String
    /// The teacher who uploaded it; nil: the administrator.
    public var owner: String?
    public var questions: [TeacherBankQuestion]
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String, owner: String?, questions: [TeacherBankQuestion], createdAt: Date, updatedAt: Date) {
        self.id = id
        self.owner = owner
        self.questions = questions
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// One question of a teacher's bank: its namespaced id, its version (a hash of what grades it) and the question's
/// JSON, secrets included.
public struct TeacherBankQuestion: Sendable, Equatable {
    public var id: String
    public var version: String
    public var body: String

    public init(id: String, version: String, body: String) {
        self.id = id
        self.version = version
        self.body = body
    }
}

public enum TeacherBankStoreError: Error, Equatable {
    /// The question id is already in the bank `bank`.
    case questionTaken(question: String, bank: String)
}
