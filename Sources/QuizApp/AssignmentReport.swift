import Foundation
import Store

/// An assignment's results: like a class's, for its questions only, counting the attempts made from `opens_at` on.
/// Each cell's `score` is the counted attempt's (`counts`: the best, the first or the last); `late` says whether
/// that attempt came after the student's deadline (`due_at`, or the end of their time limit if that comes first),
/// and `late_attempts` how many did.
struct AssignmentReport: Encodable {
    struct Cell: Encodable {
        var attempts: Int
        var best: Double
        var score: Double
        var lastVerdict: String
        var late: Bool
        var lateAttempts: Int

        enum CodingKeys: String, CodingKey {
            case attempts, best, score, late
            case lastVerdict = "last_verdict"
            case lateAttempts = "late_attempts"
        }
    }

    struct StudentRow: Encodable {
        var id, name: String
        var total: Double
        var results: [String: Cell]
    }

    struct ClassInfo: Encodable {
        var code, name: String
    }

    var assignment: AssignmentEntry
    var `class`: ClassInfo
    var questions: [String]
    var students: [StudentRow]

    /// - Parameter deadlines: each student's own deadline, by student id, when it comes before the due time (a time
    ///   limit from first opening); the others have `due_at`.
    init(
        assignment: AssignmentRecord,
        classRecord: ClassRecord,
        students: [StudentRecord],
        attempts: [AttemptRecord],
        deadlines: [String: Date] = [:]
    ) {
        self.assignment = AssignmentEntry(assignment)
        `class` = ClassInfo(code: classRecord.code, name: classRecord.name)
        questions = assignment.questions
        var byStudent: [String: [String: [AttemptRecord]]] = [:]
        for attempt in attempts where attempt.createdAt >= assignment.opensAt {
            byStudent[attempt.studentID, default: [:]][attempt.questionID, default: []].append(attempt)
        }
        self.students = students.map { student in
            let deadline = deadlines[student.id] ?? assignment.dueAt
            let cells = (byStudent[student.id] ?? [:]).compactMapValues { list -> Cell? in
                let ordered = list.sorted { ($0.id ?? 0) < ($1.id ?? 0) }
                guard let first = ordered.first, let last = ordered.last else { return nil }
                let best = ordered.max { $0.score < $1.score } ?? first
                let counted: AttemptRecord
                switch assignment.counts {
                case "first": counted = first
                case "last": counted = last
                default: counted = ordered.first { $0.score == best.score } ?? best
                }
                return Cell(
                    attempts: ordered.count,
                    best: best.score,
                    score: counted.score,
                    lastVerdict: last.verdict,
                    late: counted.createdAt >= deadline,
                    lateAttempts: ordered.filter { $0.createdAt >= deadline }.count
                )
            }
            return StudentRow(
                id: student.id,
                name: student.name,
                total: cells.values.reduce(0) { $0 + $1.score },
                results: cells
            )
        }
    }

    /// The report as JSON, with the students' rows written directly (as `ClassReport.json`): 300 students' cells
    /// through `JSONEncoder` cost more than reading their attempts. Same shape as the `Encodable` form; each
    /// student's `results` are in the order of `questions`.
    func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var out = JSONWriter(capacity: 1024 + students.count * (96 + questions.count * 128))
        out.raw("{\"assignment\":")
        out.raw(String(decoding: try encoder.encode(assignment), as: UTF8.self))
        out.raw(",")
        out.reportHead(classCode: `class`.code, className: `class`.name, questions: questions)
        for (row, student) in students.enumerated() {
            if row > 0 { out.raw(",") }
            out.studentHead(id: student.id, name: student.name)
            var firstCell = true
            for question in questions {
                guard let cell = student.results[question] else { continue }
                if !firstCell { out.raw(",") }
                firstCell = false
                out.string(question)
                out.raw(":{\"attempts\":")
                out.int(cell.attempts)
                out.raw(",\"best\":")
                out.number(cell.best)
                out.raw(cell.late ? ",\"late\":true" : ",\"late\":false")
                out.raw(",\"late_attempts\":")
                out.int(cell.lateAttempts)
                out.raw(",\"last_verdict\":")
                out.string(cell.lastVerdict)
                out.raw(",\"score\":")
                out.number(cell.score)
                out.raw("}")
            }
            out.studentTail(total: student.total)
        }
        out.raw("]}")
        return out.data
    }

    /// As CSV (RFC 4180, as `ClassReport.csv`): a row per student with the counted score per question (empty when
    /// not tried) and the total, then `late`: the questions whose counted attempt came after the due time,
    /// separated by `;`.
    func csv() -> String {
        let header = ["student"] + questions + ["total", "late"]
        var lines = [header.map(CSVText.field).joined(separator: ",")]
        for student in students {
            let cells = questions.map { id in student.results[id].map { CSVText.number($0.score) } ?? "" }
            let late = questions.filter { student.results[$0]?.late == true }.joined(separator: ";")
            let row = [CSVText.text(student.name)] + cells + [CSVText.number(student.total), CSVText.field(late)]
            lines.append(row.joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}
