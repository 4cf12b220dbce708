import Foundation
import QuizCore
import Store

/// `{"code","name","created_at"}`.
struct ClassEntry: Encodable {
    var code: String
    var name: String
    var createdAt: String

    init(_ record: ClassRecord) {
        code = record.code
        name = record.name
        createdAt = ISO8601DateFormatter().string(from: record.createdAt)
    }

    enum CodingKeys: String, CodingKey {
        case code, name
        case createdAt = "created_at"
    }
}

/// `GET /api/v1/me/attempts`: the student, then their attempts newest first.
struct MyAttempts: Encodable {
    struct Student: Encodable {
        var id, name, `class`: String
        init(_ record: StudentRecord) {
            id = record.id
            name = record.name
            `class` = record.classCode
        }
    }

    struct Attempt: Encodable {
        struct TaskStatus: Codable {
            var name: String
            var status: String
        }
        var id: Int64
        var question: String
        var kind: String
        var verdict: String
        var score: Double
        var createdAt: String
        var tasks: [TaskStatus]?

        init(_ record: AttemptRecord) {
            id = record.id ?? 0
            question = record.questionID
            kind = record.kind
            verdict = record.verdict
            score = record.score
            createdAt = ISO8601DateFormatter().string(from: record.createdAt)
            tasks = record.tasks.flatMap { try? JSONDecoder().decode([TaskStatus].self, from: Data($0.utf8)) }
        }

        enum CodingKeys: String, CodingKey {
            case id, question, kind, verdict, score, tasks
            case createdAt = "created_at"
        }
    }

    var student: Student
    var attempts: [Attempt]
}

/// A class's results, as JSON and as CSV: one row per student, a column per question anyone in the class attempted
/// (in the bank's order), the best score in each, and a total.
struct ClassReport: Encodable {
    struct ClassInfo: Encodable {
        var code, name: String
    }

    struct Cell: Encodable {
        var best: Double
        var attempts: Int
        var lastVerdict: String
        /// Hints the student was shown on the question (`HintStore`); 0 is left out of the JSON.
        var hints: Int = 0

        enum CodingKeys: String, CodingKey {
            case best, attempts, hints
            case lastVerdict = "last_verdict"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(best, forKey: .best)
            try container.encode(attempts, forKey: .attempts)
            if hints > 0 { try container.encode(hints, forKey: .hints) }
            try container.encode(lastVerdict, forKey: .lastVerdict)
        }
    }

    struct StudentRow: Encodable {
        var id, name: String
        var total: Double
        var results: [String: Cell]
    }

    var `class`: ClassInfo
    var questions: [String]
    var students: [StudentRow]

    /// - Parameter hints: per student id, per question id, the hints taken (`HintStore.hintsTaken`).
    init(_ results: ClassResults, bank: QuestionBank, hints: [String: [String: Int]] = [:]) {
        `class` = ClassInfo(code: results.classRecord.code, name: results.classRecord.name)
        let attempted = Set(results.rows.flatMap { $0.results.keys })
        var ordered = bank.questions.map(\.id).filter { attempted.contains($0) }
        ordered += attempted.subtracting(ordered).sorted()  // questions since removed from the bank
        questions = ordered
        students = results.rows.map { row in
            StudentRow(
                id: row.student.id,
                name: row.student.name,
                total: row.results.values.reduce(0) { $0 + $1.best },
                results: row.results.reduce(into: [:]) { cells, entry in
                    let (question, cell) = entry
                    cells[question] = Cell(
                        best: cell.best,
                        attempts: cell.attempts,
                        lastVerdict: cell.lastVerdict,
                        hints: hints[row.student.id]?[question] ?? 0
                    )
                }
            )
        }
    }

    /// The report as JSON, written directly: a class of 300 has thousands of cells, and building them through
    /// `JSONEncoder` costs several times the database read. Same shape and key order as the `Encodable` form.
    func json() -> Data {
        var out = "{\"class\":{\"code\":\(JSONText.string(`class`.code)),\"name\":\(JSONText.string(`class`.name))},"
        out += "\"questions\":[" + questions.map(JSONText.string).joined(separator: ",") + "],\"students\":["
        // A class has few questions and verdicts and many cells: each is escaped once, not once per cell.
        var escaped: [String: String] = [:]
        func quoted(_ text: String) -> String {
            if let known = escaped[text] { return known }
            let made = JSONText.string(text)
            escaped[text] = made
            return made
        }
        var first = true
        for student in students {
            if !first { out += "," }
            first = false
            out += "{\"id\":\(JSONText.string(student.id)),\"name\":\(JSONText.string(student.name)),"
            out += "\"results\":{"
            var firstCell = true
            for (question, cell) in student.results.sorted(by: { $0.key < $1.key }) {
                if !firstCell { out += "," }
                firstCell = false
                out += quoted(question)
                out += ":{\"attempts\":\(cell.attempts),\"best\":\(JSONText.number(cell.best)),"
                if cell.hints > 0 { out += "\"hints\":\(cell.hints)," }
                out += "\"last_verdict\":" + quoted(cell.lastVerdict) + "}"
            }
            out += "},\"total\":\(JSONText.number(student.total))}"
        }
        out += "]}"
        return Data(out.utf8)
    }

    /// RFC 4180: CRLF line ends, fields quoted when they must be. A name that a spreadsheet would run as a formula
    /// (`=`, `+`, `-`, `@`) is prefixed with an apostrophe.
    func csv() -> String {
        var lines = [(["student"] + questions + ["total"]).map(Self.field).joined(separator: ",")]
        for student in students {
            var name = student.name
            if let first = name.first, "=+-@\t\r".contains(first) { name = "'" + name }
            let cells = questions.map { id in student.results[id].map { Self.number($0.best) } ?? "" }
            lines.append(([Self.field(name)] + cells + [Self.number(student.total)]).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func number(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.2f", rounded)
    }
}

/// Minimal JSON text for values written by hand.
enum JSONText {
    static func string(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out +=
                    "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
