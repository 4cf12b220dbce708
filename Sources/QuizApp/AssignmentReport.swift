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

    /// As CSV (RFC 4180, as `ClassReport.csv`): a row per student with the counted score per question (empty when
    /// not tried) and the total, then `late`: the questions whose counted attempt came after the due time,
    /// separated by `;`.
    func csv() -> String {
        let header = ["student"] + questions + ["total", "late"]
        var lines = [header.map(ClassReport.field).joined(separator: ",")]
        for student in students {
            var name = student.name
            if let first = name.first, "=+-@\t\r".contains(first) { name = "'" + name }
            let cells = questions.map { id in student.results[id].map { ClassReport.number($0.score) } ?? "" }
            let late = questions.filter { student.results[$0]?.late == true }.joined(separator: ";")
            let row = [ClassReport.field(name)] + cells + [ClassReport.number(student.total), ClassReport.field(late)]
            lines.append(row.joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}
