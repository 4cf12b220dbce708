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
