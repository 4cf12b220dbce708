import Foundation
import Store

/// A whole class for the end of a term, as JSON or as CSV.
///
/// JSON: `{"exported_at","class":{"code","name","created_at","joining"},"teachers":[{"id","name","role"}],
/// "students":[{"id","name","removed","pending","joined_at"}],"assignments":[…as GET …/assignments…],
/// "attempts":[{"id","student","question","kind","created_at","verdict","score","answer","tasks"?,"late"?,
/// "version"?,"seed"?}]}`, attempts oldest first, each `answer` the body the student sent and `tasks` each task
/// whole, as the server keeps them.
///
/// CSV (RFC 4180: CRLF line ends, a field quoted when it holds a comma, a quote or a line break, quotes doubled):
/// one row per attempt, with the header `attempt,student_id,student,removed,question,kind,created_at,verdict,
/// score,late,answer,tasks`. `answer` is the code, the output, or the chosen choice ids joined by `;`; `tasks` is
/// `name: status` per task joined by `; `. A text field that begins with `=`, `+`, `-`, `@`, a tab or a carriage
/// return gets a leading apostrophe, so that a spreadsheet shows it rather than running it as a formula (OWASP,
/// "CSV Injection"); the JSON keeps every answer exactly as sent.
struct ClassExport {
    let data: ClassExportData
    let exportedAt: Date

    static let csvHeader = [
        "attempt", "student_id", "student", "removed", "question", "kind", "created_at", "verdict", "score", "late",
        "answer", "tasks",
    ]

    func json() -> Data {
        var out = "{\"exported_at\":\(JSONText.string(RFC3339.string(exportedAt))),\"class\":{"
        let record = data.classRecord
        out += "\"code\":\(JSONText.string(record.code)),\"name\":\(JSONText.string(record.name)),"
        out += "\"created_at\":\(JSONText.string(RFC3339.string(record.createdAt))),"
        out += "\"joining\":\(JSONText.string(data.joining))},\"teachers\":["
        out += data.teachers.map {
            "{\"id\":\(JSONText.string($0.id)),\"name\":\(JSONText.string($0.name)),"
                + "\"role\":\(JSONText.string($0.role.rawValue))}"
        }.joined(separator: ",")
        out += "],\"students\":["
        out += data.students.map { student in
            let entry = student.entry
            return "{\"id\":\(JSONText.string(entry.student.id)),\"name\":\(JSONText.string(entry.student.name)),"
                + "\"removed\":\(entry.removed),\"pending\":\(entry.pending),"
                + "\"joined_at\":\(JSONText.string(RFC3339.string(student.joinedAt)))}"
        }.joined(separator: ",")
        out += "],\"assignments\":"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let assignments = (try? encoder.encode(data.assignments.map(AssignmentEntry.init))) ?? Data("[]".utf8)
        out += String(decoding: assignments, as: UTF8.self)
        out += ",\"attempts\":["
        var first = true
        for stored in data.attempts {
            let attempt = stored.record
            if !first { out += "," }
            first = false
            out += "{\"id\":\(attempt.id ?? 0),\"student\":\(JSONText.string(attempt.studentID)),"
            out += "\"question\":\(JSONText.string(attempt.questionID)),\"kind\":\(JSONText.string(attempt.kind)),"
            out += "\"created_at\":\(JSONText.string(RFC3339.string(attempt.createdAt))),"
            out += "\"verdict\":\(JSONText.string(attempt.verdict)),\"score\":\(JSONText.number(attempt.score)),"
            // Kept as the server wrote them (its own JSON encoder's output): copied, not parsed again.
            out += "\"answer\":\(Self.rawJSON(attempt.answer, opening: "{") ?? "{}")"
            if let tasks = attempt.tasks.flatMap({ Self.rawJSON($0, opening: "[") }) { out += ",\"tasks\":\(tasks)" }
            if let late = stored.late { out += ",\"late\":\(late)" }
            if let version = attempt.version { out += ",\"version\":\(JSONText.string(version))" }
            if let seed = attempt.seed { out += ",\"seed\":\(seed)" }
            out += "}"
        }
        out += "]}"
        return Data(out.utf8)
    }

    func csv() -> String {
        let names = Dictionary(data.students.map { ($0.entry.student.id, $0.entry) }, uniquingKeysWith: { a, _ in a })
        let decoder = JSONDecoder()
        var lines = [Self.csvHeader.joined(separator: ",")]
        lines.reserveCapacity(data.attempts.count + 1)
        for stored in data.attempts {
            let attempt = stored.record
            let entry = names[attempt.studentID]
            let body = try? decoder.decode(AttemptBody.self, from: Data(attempt.answer.utf8))
            let answer = body?.code ?? body?.output ?? body?.choices?.joined(separator: ";") ?? ""
            let tasks = attempt.tasks.flatMap { try? decoder.decode([TaskStatus].self, from: Data($0.utf8)) } ?? []
            let fields = [
                String(attempt.id ?? 0),
                CSVText.text(attempt.studentID),
                CSVText.text(entry?.student.name ?? ""),
                entry.map { String($0.removed) } ?? "",
                CSVText.text(attempt.questionID),
                CSVText.text(attempt.kind),
                RFC3339.string(attempt.createdAt),
                CSVText.text(attempt.verdict),
                JSONText.number(attempt.score),
                stored.late.map(String.init) ?? "",
                CSVText.text(answer),
                CSVText.text(tasks.map { "\($0.name): \($0.status)" }.joined(separator: "; ")),
            ]
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// One task's name and status (the rest of what is kept is not in the CSV).
    private struct TaskStatus: Decodable {
        var name: String
        var status: String
    }

    /// Stored JSON text when it is an object (or array) as written by the server; nil for anything else.
    private static func rawJSON(_ text: String, opening: Character) -> String? {
        text.first == opening ? text : nil
    }
}
