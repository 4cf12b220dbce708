import Foundation
import QuizCore
import Store
import Testing

@testable import QuizApp

@Suite("Class report, in process")
struct ClassReportTests {
    @Test func theHandWrittenJSONSaysWhatTheEncoderWouldSay() throws {
        let record = ClassRecord(code: "ABC234", name: "Async \"101\"\\ é", createdAt: Date())
        let rows = [
            ClassResults.Row(
                student: StudentRecord(id: "s1", name: "Ada \u{1}\t\n", classCode: "ABC234"),
                results: [
                    "q-two": .init(best: 0.5, attempts: 3, lastVerdict: "failed"),
                    "q-one": .init(best: 1, attempts: 1, lastVerdict: "passed"),
                ]
            ),
            ClassResults.Row(student: StudentRecord(id: "s2", name: "Bob", classCode: "ABC234"), results: [:]),
        ]
        let bank = QuestionBank(topics: [], questions: [])
        let report = ClassReport(ClassResults(classRecord: record, rows: rows), bank: bank)
        let handWritten = try JSONSerialization.jsonObject(with: report.json()) as? NSDictionary
        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? NSDictionary
        #expect(handWritten != nil)
        #expect(handWritten == encoded)
    }

    @Test func csvQuotesWhatItMustAndDefusesFormulas() {
        let record = ClassRecord(code: "ABC234", name: "x", createdAt: Date())
        let rows = [
            ClassResults.Row(
                student: StudentRecord(id: "s1", name: "=HYPERLINK(\"x\")", classCode: "ABC234"),
                results: ["q": .init(best: 0.333, attempts: 1, lastVerdict: "failed")]
            )
        ]
        let report = ClassReport(
            ClassResults(classRecord: record, rows: rows),
            bank: QuestionBank(topics: [], questions: [])
        )
        #expect(report.csv() == "student,q,total\r\n\"'=HYPERLINK(\"\"x\"\")\",0.33,0.33\r\n")
    }
}

@Suite("Assignment report, in process")
struct AssignmentReportTests {
    @Test func theHandWrittenJSONSaysWhatTheEncoderWouldSay() throws {
        let opens = Date(timeIntervalSince1970: 1_800_000_000)
        let due = opens.addingTimeInterval(7 * 24 * 3600)
        let assignment = AssignmentRecord(
            id: "a1",
            classCode: "ABC234",
            title: "Week 1 / \"tasks\"",
            questions: ["q-one", "q-two", "q-three"],
            opensAt: opens,
            dueAt: due,
            opensAtText: "2027-01-15T08:00:00Z",
            dueAtText: "2027-01-22T08:00:00Z",
            maxAttempts: 3,
            counts: "last",
            key: "after_due",
            createdAt: opens
        )
        func attempt(_ id: Int64, _ student: String, _ question: String, _ score: Double, at: Date) -> AttemptRecord {
            AttemptRecord(
                id: id,
                studentID: student,
                questionID: question,
                kind: "single_choice",
                answer: "",
                verdict: score == 1 ? "passed" : "failed",
                score: score,
                tasks: nil,
                createdAt: at
            )
        }
        let students = [
            StudentRecord(id: "s1", name: "Ada \u{1}\t\n", classCode: "ABC234"),
            StudentRecord(id: "s2", name: "=Bob", classCode: "ABC234"),
            StudentRecord(id: "s3", name: "Cy", classCode: "ABC234"),
        ]
        let attempts = [
            attempt(1, "s1", "q-two", 0.5, at: opens.addingTimeInterval(60)),
            attempt(2, "s1", "q-two", 1, at: due.addingTimeInterval(60)),
            attempt(3, "s1", "q-one", 1, at: opens.addingTimeInterval(120)),
            attempt(4, "s2", "q-three", 0.25, at: opens.addingTimeInterval(-60)),  // before it opened: not counted
            attempt(5, "s2", "q-three", 0.75, at: opens.addingTimeInterval(300)),
        ]
        let report = AssignmentReport(
            assignment: assignment,
            classRecord: ClassRecord(code: "ABC234", name: "Async \"101\"\\ é", createdAt: opens),
            students: students,
            attempts: attempts
        )
        let handWritten = try JSONSerialization.jsonObject(with: report.json()) as? NSDictionary
        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? NSDictionary
        #expect(handWritten != nil)
        #expect(handWritten == encoded)
        let late = (handWritten?["students"] as? [NSDictionary])?.first?["results"] as? NSDictionary
        #expect((late?["q-two"] as? NSDictionary)?["late"] as? Bool == true)
        #expect(report.csv().contains("\"'=Bob\"") == false)
        #expect(report.csv().contains("'=Bob,"))
    }
}
