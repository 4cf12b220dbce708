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
        createdAt = RFC3339.string(record.createdAt)
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
            createdAt = RFC3339.string(record.createdAt)
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

    /// One student's row. `cells` and `hints` share the store's arrays and dictionaries (no copy per cell): a
    /// class of 300 has 30,000 cells, and the report is built on every request of the teacher's matrix.
    struct StudentRow: Encodable {
        var id, name: String
        var total: Double
        var cells: [ClassResults.QuestionCell]
        var hints: [String: Int]

        enum CodingKeys: String, CodingKey { case id, name, total, results }

        func cell(_ entry: ClassResults.QuestionCell) -> Cell {
            Cell(
                best: entry.cell.best,
                attempts: entry.cell.attempts,
                lastVerdict: entry.cell.lastVerdict,
                hints: hints[entry.question] ?? 0
            )
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(name, forKey: .name)
            try container.encode(total, forKey: .total)
            let results = Dictionary(cells.map { ($0.question, cell($0)) }, uniquingKeysWith: { first, _ in first })
            try container.encode(results, forKey: .results)
        }
    }

    var `class`: ClassInfo
    var questions: [String]
    var students: [StudentRow]

    /// - Parameter hints: per student id, per question id, the hints taken (`HintStore.hintsTaken`).
    init(_ results: ClassResults, bank: QuestionBank, hints: [String: [String: Int]] = [:]) {
        `class` = ClassInfo(code: results.classRecord.code, name: results.classRecord.name)
        var attempted = Set<String>()
        for row in results.rows {
            for entry in row.cells { attempted.insert(entry.question) }
        }
        var ordered = bank.questions.map(\.id).filter { attempted.contains($0) }
        ordered += attempted.subtracting(ordered).sorted()  // questions since removed from the bank
        questions = ordered
        students = results.rows.map { row in
            StudentRow(
                id: row.student.id,
                name: row.student.name,
                total: row.cells.reduce(0) { $0 + $1.cell.best },
                cells: row.cells,
                hints: hints[row.student.id] ?? [:]
            )
        }
    }

    /// The report as JSON, written directly: a class of 300 has thousands of cells, and building them through
    /// `JSONEncoder` costs several times the database read. Same shape as the `Encodable` form; each student's
    /// `results` are in the store's order of question ids.
    func json() -> Data {
        let cells = students.reduce(0) { $0 + $1.cells.count }
        var out = JSONWriter(capacity: 256 + questions.count * 32 + students.count * 96 + cells * 80)
        out.raw("{")
        out.reportHead(classCode: `class`.code, className: `class`.name, questions: questions)
        for (index, student) in students.enumerated() {
            if index > 0 { out.raw(",") }
            out.studentHead(id: student.id, name: student.name)
            for (position, entry) in student.cells.enumerated() {
                if position > 0 { out.raw(",") }
                out.string(entry.question)
                out.raw(":{\"attempts\":")
                out.int(entry.cell.attempts)
                out.raw(",\"best\":")
                out.number(entry.cell.best)
                if !student.hints.isEmpty, let hints = student.hints[entry.question], hints > 0 {
                    out.raw(",\"hints\":")
                    out.int(hints)
                }
                out.raw(",\"last_verdict\":")
                out.string(entry.cell.lastVerdict)
                out.raw("}")
            }
            out.studentTail(total: student.total)
        }
        out.raw("]}")
        return out.data
    }

    /// RFC 4180 (`CSVText`): CRLF line ends, a row per student, the best score per question (empty when not tried)
    /// and the total.
    func csv() -> String {
        var lines = [(["student"] + questions + ["total"]).map(CSVText.field).joined(separator: ",")]
        for student in students {
            var best: [String: Double] = [:]
            for entry in student.cells { best[entry.question] = entry.cell.best }
            let cells = questions.map { id in best[id].map(CSVText.number) ?? "" }
            lines.append(
                ([CSVText.text(student.name)] + cells + [CSVText.number(student.total)]).joined(separator: ",")
            )
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}

/// The parts of a results report (`ClassReport`, `AssignmentReport`) that both write the same way.
extension JSONWriter {
    /// `"class":{"code":…,"name":…},"questions":[…],"students":[`: the caller writes the students and closes
    /// the array.
    mutating func reportHead(classCode: String, className: String, questions: [String]) {
        raw("\"class\":{\"code\":")
        string(classCode)
        raw(",\"name\":")
        string(className)
        raw("},\"questions\":[")
        for (index, question) in questions.enumerated() {
            if index > 0 { raw(",") }
            string(question)
        }
        raw("],\"students\":[")
    }

    /// `},"total":…}`: closes what `studentHead` opened.
    mutating func studentTail(total: Double) {
        raw("},\"total\":")
        number(total)
        raw("}")
    }

    /// `{"id":…,"name":…,"results":{`: the caller writes the cells, then `studentTail`.
    mutating func studentHead(id: String, name: String) {
        raw("{\"id\":")
        string(id)
        raw(",\"name\":")
        string(name)
        raw(",\"results\":{")
    }
}

/// Minimal JSON text for values written by hand.
enum JSONText {
    /// `value` as a JSON string (RFC 8259 §7): quotes, backslashes and control characters escaped, the rest as is.
    static func string(_ value: String) -> String {
        // Most strings (ids, verdicts, names) need no escape: one pass over their bytes says so.
        if !JSONWriter.needsEscape(value) {
            return "\"" + value + "\""
        }
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
