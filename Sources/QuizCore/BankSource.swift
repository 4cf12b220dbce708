import Foundation

/// Reads the places a bank can come from (`serve --questions PATH`, `validate PATH`):
/// - a bank file: JSON `{"topics"?, "questions": [Question]}` (`questions.json`, a built bank);
/// - a bank folder as a teacher writes it (`docs/authoring.md`): `bank.json` (`{"questions": [ids in order]}`) and
///   one folder per question id with `question.json` (id, topic, title, difficulty and the grading data),
///   `prompt.md`, `explanation.md`, `starter.py`, `solution.py` and the files its `wrong_solutions` name;
/// - any other folder: every `*.json` bank file in it, in name order.
public enum BankSource {
    /// One file's worth of a bank, with the name its problems are reported under.
    public struct Part: Sendable {
        /// How problems name it: a bank file by its name (`questions.json`), a folder's file as `folder/file`.
        public var file: String
        /// The path it was read from.
        public var path: String
        public var bank: QuestionBank
    }

    /// - Throws: `BankError.unreadable` naming the file and the place, for a path that is neither.
    public static func parts(at path: String) throws(BankError) -> [Part] {
        let url = URL(fileURLWithPath: path)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw .unreadable(file: path, reason: "does not exist")
        }
        guard isFolder.boolValue else {
            let bank = try QuestionBank.load(contentsOf: url)
            return [Part(file: url.lastPathComponent, path: path, bank: bank)]
        }
        let manifest = url.appendingPathComponent("bank.json")
        if let data = try? Data(contentsOf: manifest), let ids = manifestIDs(data) {
            return [Part(file: display(manifest), path: manifest.path, bank: try sourceBank(folder: url, ids: ids))]
        }
        let files: [URL]
        do {
            files = try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        } catch {
            throw .unreadable(file: path, reason: "cannot be listed (\(error.localizedDescription))")
        }
        guard !files.isEmpty else { throw .unreadable(file: path, reason: "holds no bank file (*.json)") }
        var parts: [Part] = []
        for file in files {
            parts.append(Part(file: display(file), path: file.path, bank: try QuestionBank.load(contentsOf: file)))
        }
        return parts
    }

    /// The keys a teacher's `question.json` may hold: the question's own and its grading data
    /// (`docs/question.schema.json`).
    public static let questionKeys: Set<String> = Set(Question.gradingKeys).union([
        "id", "topic", "kind", "title", "difficulty", "prompt", "explanation", "starter", "solution", "wrong_solutions",
        "more_solutions", "version", "hints",
    ])

    /// `bank.json` of a source folder: its question ids, or nil when it is not a manifest (a bank file instead).
    static func manifestIDs(_ data: Data) -> [String]? {
        struct Manifest: Decodable { var questions: [String] }
        return (try? JSONDecoder().decode(Manifest.self, from: data))?.questions
    }

    static func display(_ url: URL) -> String {
        "\(url.deletingLastPathComponent().lastPathComponent)/\(url.lastPathComponent)"
    }

    /// Assembles the questions of a source folder: `question.json` with its text files inlined.
    static func sourceBank(folder: URL, ids: [String]) throws(BankError) -> QuestionBank {
        var questions: [Question] = []
        for id in ids {
            let dir = folder.appendingPathComponent(id)
            let name = "\(folder.lastPathComponent)/\(id)"
            func text(_ file: String) throws(BankError) -> String {
                do {
                    return try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
                } catch {
                    throw .unreadable(file: "\(name)/\(file)", reason: "cannot be read")
                }
            }
            let data: Data
            do {
                data = try Data(contentsOf: dir.appendingPathComponent("question.json"))
            } catch {
                throw .unreadable(file: "\(name)/question.json", reason: "cannot be read")
            }
            var members: [String: JSONValue]
            do {
                members = try JSONDecoder().decode(JSONValue.self, from: data).members
            } catch {
                throw .unreadable(file: "\(name)/question.json", reason: "is not valid JSON")
            }
            guard members["id"] == .string(id) else {
                throw .unreadable(file: "\(name)/question.json", reason: "its id is not \"\(id)\"")
            }
            // A misspelled key would otherwise be dropped in silence (the grader only ever sees the grading keys).
            if let unknown = members.keys.sorted().first(where: { !Self.questionKeys.contains($0) }) {
                let known = Self.questionKeys.sorted().joined(separator: ", ")
                throw .unreadable(file: "\(name)/question.json", reason: "unknown key \"\(unknown)\" (known: \(known))")
            }
            members["kind"] = members["kind"] ?? .string("code")
            members["prompt"] = .string(try text("prompt.md").trimmingCharacters(in: .whitespacesAndNewlines))
            members["explanation"] = .string(
                try text("explanation.md").trimmingCharacters(in: .whitespacesAndNewlines)
            )
            members["starter"] = .string(try text("starter.py"))
            members["solution"] = .string(try text("solution.py"))
            var wrong: [JSONValue] = []
            if case .array(let listed) = members["wrong_solutions"] ?? .array([]) {
                for entry in listed {
                    var item = entry.members
                    guard case .string(let file) = item["file"] ?? .null else {
                        throw .unreadable(file: "\(name)/question.json", reason: "a wrong solution names no file")
                    }
                    item["code"] = .string(try text(file))
                    item["file"] = nil
                    wrong.append(.object(item))
                }
            }
            members["wrong_solutions"] = .array(wrong)
            do {
                let assembled = try JSONEncoder().encode(JSONValue.object(members))
                questions.append(try JSONDecoder().decode(Question.self, from: assembled))
            } catch let error as DecodingError {
                throw .unreadable(file: "\(name)/question.json", reason: QuestionBank.describe(error))
            } catch {
                throw .unreadable(file: "\(name)/question.json", reason: "does not have the expected shape")
            }
        }
        var bank = QuestionBank(topics: [], questions: questions)
        bank.declaresTopics = false
        return bank
    }
}
