import Crypto
import Foundation
import Grader
import HTTP
import QuizCore
import Store

/// Teachers' own banks of questions through the API: `POST /api/v1/banks` (a bank in the format of a built bank,
/// `bank/build.py`'s output, or any `{"questions": [...]}` bank file), `PUT /api/v1/banks/{id}` to replace one,
/// `GET /api/v1/banks`, `DELETE /api/v1/banks/{id}`.
///
/// A bank is checked as `serve --questions` and `validate` check a file (`BankLoader.check`), its model and wrong
/// solutions graded by the server's grading pool, before it is kept; problems come back as `422`, one line each.
///
/// Ids are namespaced per teacher: a stored id is `NAMESPACE_LOCALID`, where the namespace is `t` and the first hex
/// digits of the teacher's id (longer when another teacher holds that prefix; the administrator's is `admin`), kept in
/// the store forever. A built-in id may hold only letters, digits and dashes, so no namespaced id is ever a built-in
/// one, and both are safe in a URL path segment. A teacher uploads their own ids (`fetch-twice`) and gets the
/// namespaced ones back (`t3f2a9c_fetch-twice`); an id already namespaced with their own namespace is taken as is.
///
/// Replacing a bank (`PUT`) keeps the ids it keeps, so their recorded attempts stay theirs; a question whose content
/// changed gets a new `version` (for a code question the hash of its grading data, as the grader reports it and
/// attempts record it; for the other kinds a hash of the whole question), which is what a regrade looks for.
struct TeacherBankService: Sendable {
    let access: Access
    let catalog: LiveCatalog
    let grader: GradingPool

    /// The most bytes a bank's body may have (`QuizApplication.bodyLimits`); other bodies have 64 KiB.
    static let bodyLimit = 1024 * 1024
    /// At most this many questions in one bank: each code question is graded 4 times or more before the answer, which
    /// must come within the handler's deadline (30 s by default; 8 code questions take about 1 s on 2 cores).
    static let questionLimit = 100
    /// A teacher's own id (before the namespace) has at most this many characters.
    static let idLimit = 64
    /// How problems name an uploaded bank.
    static let file = "bank"

    /// The store's banks, or 501 when this server's database keeps none (a store without `TeacherBankStore`).
    func store() throws -> any TeacherBankStore {
        guard let store = access.store as? any TeacherBankStore else {
            throw QuizError.notImplemented("This server's database does not keep teachers' banks.")
        }
        return store
    }

    /// Serves the stored banks (at start-up, and after every change).
    func reload() async throws {
        guard let store = access.store as? any TeacherBankStore else { return }
        try await access.wrapStore { try await catalog.owned.reload(from: store) }
    }

    // MARK: - Routes

    /// `POST /api/v1/banks` → `201 {"id","questions":[namespaced id…],"versions":{id: version}}`, or `422`.
    func create(_ request: Request) async throws -> Response {
        let caller = try await access.caller(request)
        let store = try store()
        let namespace = try await namespace(of: caller.teacherID, store)
        switch try await checked(request, namespace: namespace, replacing: nil) {
        case .problems(let lines): return BankProblems(lines).response
        case .accepted(let questions):
            let now = Date()
            let record = TeacherBankRecord(
                id: UUID().uuidString.lowercased(),
                owner: caller.teacherID,
                questions: questions,
                createdAt: now,
                updatedAt: now
            )
            if let clash = try await save({ try await store.createBank(record) }) { return clash.response }
            try await reload()
            return .json(BankAnswer(record, previous: nil), status: 201)
        }
    }

    /// `PUT /api/v1/banks/{id}` → `200`: the bank's questions replaced by the body's, with the same answer as `POST`
    /// plus which ids were `added`, `removed` and `changed` (a new version).
    func replace(_ request: Request) async throws -> Response {
        let (_, existing) = try await ownBank(request)
        let store = try store()
        let namespace = try await namespace(of: existing.owner, store)
        switch try await checked(request, namespace: namespace, replacing: existing.id) {
        case .problems(let lines): return BankProblems(lines).response
        case .accepted(let questions):
            var record = existing
            record.questions = questions
            record.updatedAt = Date()
            var replaced = false
            if let clash = try await save({ replaced = try await store.replaceBank(record) }) { return clash.response }
            guard replaced else { throw QuizError.notFound("There is no bank \"\(existing.id)\".") }
            try await reload()
            return .json(BankAnswer(record, previous: existing))
        }
    }

    /// `GET /api/v1/banks`: the caller's banks, oldest first (every teacher's for the administrator).
    func list(_ request: Request) async throws -> Response {
        let caller = try await access.caller(request)
        let store = try store()
        let banks = try await access.wrapStore { try await store.banks() }
        let mine = banks.filter { caller == .admin || $0.owner == caller.teacherID }
        return .json(["banks": mine.map(BankEntry.init)])
    }

    /// `DELETE /api/v1/banks/{id}` → `204`: its questions leave the catalog; the attempts on them stay recorded.
    func delete(_ request: Request) async throws -> Response {
        let (_, bank) = try await ownBank(request)
        let store = try store()
        guard try await access.wrapStore({ try await store.deleteBank(id: bank.id) }) else {
            throw QuizError.notFound("There is no bank \"\(bank.id)\".")
        }
        try await reload()
        return Response(status: 204)
    }

    // MARK: - Checking

    enum Checked {
        case accepted([TeacherBankQuestion])
        case problems([String])
    }

    /// The body checked whole: its shape (`400` for a body that is not JSON, `415` for one not sent as JSON), then
    /// each question as `validate` checks it, with its solutions graded; the questions ready to store, namespaced.
    /// - Parameter replacing: the bank being replaced, whose ids may come again.
    func checked(_ request: Request, namespace: String, replacing: String?) async throws -> Checked {
        let file = Self.file
        let raw = try request.decodeJSON(JSONValue.self)
        var problems = Self.shapeProblems(raw)
        var bank: QuestionBank
        do {
            bank = try QuestionBank.decode(request.body, file: file)
        } catch {
            return .problems(problems + [error.description])
        }
        if bank.questions.isEmpty { problems.append("\(file): questions: a bank needs at least one question") }
        if bank.questions.count > Self.questionLimit {
            problems.append("\(file): questions: \(bank.questions.count) questions; at most \(Self.questionLimit)")
        }
        let served = catalog.current.bank.topics
        let topicIDs = Set(served.map(\.id))
        for topic in bank.topics where !topicIDs.contains(topic.id) {
            problems.append(
                "\(file): topic \"\(topic.id)\": a teacher's bank uses the server's topics "
                    + "(\(served.map(\.id).joined(separator: ", "))); it cannot add one"
            )
        }
        let prefix = namespace + "_"
        for index in bank.questions.indices where bank.questions[index].id.hasPrefix(prefix) {
            bank.questions[index].id.removeFirst(prefix.count)
        }
        for question in bank.questions {
            let name = "\(file): question \"\(question.id)\""
            if question.id.count > Self.idLimit {
                problems.append("\(name): the id is longer than \(Self.idLimit) characters")
            }
            if let other = catalog.owned.question(prefix + question.id), other.bankID != replacing {
                problems.append(
                    "\(name): is already in your bank \(other.bankID); replace that bank "
                        + "(PUT /api/v1/banks/\(other.bankID)) or give this question another id"
                )
            }
        }
        let (found, versions) = await BankLoader(checkWrongSolutions: true)
            .check(bank, file: file, topicIDs: topicIDs, grader: grader)
        problems += found
        guard problems.isEmpty else { return .problems(problems) }

        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var stored: [TeacherBankQuestion] = []
        for var question in bank.questions {
            question.version = nil
            let version = versions[question.id] ?? Self.hash((try? encoder.encode(question)) ?? Data())
            question.id = prefix + question.id
            question.version = version
            let body = String(decoding: try encoder.encode(question), as: UTF8.self)
            stored.append(TeacherBankQuestion(id: question.id, version: version, body: body))
        }
        return .accepted(stored)
    }

    /// What decoding would drop in silence, one line each: a key no bank or question has (a misspelled `hints`
    /// would otherwise be lost). A body that is not a bank at all is left to the decoder, which names the place.
    static func shapeProblems(_ raw: JSONValue) -> [String] {
        guard case .object(let members) = raw else { return [] }
        var problems: [String] = []
        for key in members.keys.sorted() where !["version", "topics", "questions"].contains(key) {
            problems.append("\(file): /\(key): unknown key (a bank has version, topics, questions)")
        }
        guard case .array(let questions) = members["questions"] ?? .null else { return problems }
        let known = BankSource.questionKeys.union(["choices", "proof", "code", "answer"])
        for (index, question) in questions.enumerated() {
            guard case .object(let fields) = question else {
                problems.append("\(file): /questions/\(index): not an object")
                continue
            }
            let id = if case .string(let id) = fields["id"] ?? .null { " (question \"\(id)\")" } else { "" }
            for key in fields.keys.sorted() where !known.contains(key) {
                problems.append(
                    "\(file): /questions/\(index)/\(key)\(id): unknown key (known: \(known.sorted().joined(separator: ", ")))"
                )
            }
        }
        return problems
    }

    /// Sixteen hex digits of the SHA-256 of the bytes, as `bank/build.py` writes versions.
    static func hash(_ data: Data) -> String {
        String(SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined().prefix(16))
    }

    // MARK: - Helpers

    /// The namespace of the teacher (nil: the administrator), allocated on their first bank.
    func namespace(of owner: String?, _ store: any TeacherBankStore) async throws -> String {
        let preferred: [String]
        if let owner {
            let hex = owner.filter { $0.isASCII && ($0.isLetter || $0.isNumber) }.lowercased()
            preferred = stride(from: 6, through: max(6, hex.count), by: 2).map { "t" + hex.prefix($0) }
        } else {
            preferred = ["admin"]
        }
        return try await access.wrapStore { try await store.bankNamespace(owner: owner, preferred: preferred) }
    }

    /// The bank of the path's `{id}`, once the caller may change it: 401, 404 for no such bank, 403 for a bank of
    /// another teacher (the administrator may change every bank).
    func ownBank(_ request: Request) async throws -> (Caller, TeacherBankRecord) {
        let caller = try await access.caller(request)
        let store = try store()
        let id = request.parameters["id"] ?? ""
        guard let bank = try await access.wrapStore({ try await store.bank(id: id) }) else {
            throw QuizError.notFound("There is no bank \"\(id)\".")
        }
        guard caller == .admin || bank.owner == caller.teacherID else {
            throw QuizError.forbidden("The bank \(id) is not one of yours.")
        }
        return (caller, bank)
    }

    /// Runs a store write; an id another bank took meanwhile becomes a `422` line instead of an error.
    private func save(_ body: () async throws -> Void) async throws -> BankProblems? {
        do {
            try await body()
            return nil
        } catch let error as TeacherBankStoreError {
            switch error {
            case .questionTaken(let question, let bank):
                return BankProblems(["\(Self.file): question \"\(question)\": is already in the bank \(bank)"])
            }
        } catch {
            return try await access.wrapStore { throw error }
        }
    }
}

/// A bank as `GET /api/v1/banks` lists it.
struct BankEntry: Encodable {
    var id: String
    var owner: String?
    var questions: [String]
    var versions: [String: String]
    var createdAt, updatedAt: String

    init(_ record: TeacherBankRecord) {
        id = record.id
        owner = record.owner
        questions = record.questions.map(\.id)
        versions = Dictionary(record.questions.map { ($0.id, $0.version) }, uniquingKeysWith: { first, _ in first })
        createdAt = RFC3339.string(record.createdAt)
        updatedAt = RFC3339.string(record.updatedAt)
    }

    enum CodingKeys: String, CodingKey {
        case id, owner, questions, versions
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// The answer to an upload or a replacement: the bank's id, its namespaced question ids and their versions; for a
/// replacement, which ids came, went, or changed version.
struct BankAnswer: Encodable {
    var id: String
    var questions: [String]
    var versions: [String: String]
    var added, removed, changed: [String]?

    init(_ record: TeacherBankRecord, previous: TeacherBankRecord?) {
        id = record.id
        questions = record.questions.map(\.id)
        versions = Dictionary(record.questions.map { ($0.id, $0.version) }, uniquingKeysWith: { first, _ in first })
        guard let previous else { return }
        let before = Dictionary(previous.questions.map { ($0.id, $0.version) }, uniquingKeysWith: { first, _ in first })
        added = questions.filter { before[$0] == nil }
        removed = previous.questions.map(\.id).filter { versions[$0] == nil }
        changed = questions.filter { before[$0] != nil && before[$0] != versions[$0] }
    }
}
