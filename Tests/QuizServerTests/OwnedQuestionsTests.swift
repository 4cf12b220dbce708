import Foundation
import QuizCore
import Store
import Testing

@testable import QuizApp

/// The teachers' questions the server serves, read back from a real SQLite file: every bank in order, a question
/// that no longer decodes left out, and a later reload never overwritten by an earlier one.
@Suite("Owned questions, real file")
struct OwnedQuestionsTests {
    static func stored(_ id: String, title: String = "A question") throws -> TeacherBankQuestion {
        let question = Question(
            id: id,
            topic: "awaitables",
            kind: .singleChoice,
            title: title,
            prompt: "Which?",
            explanation: "Because.",
            choices: [
                .init(id: "a", text: "A", correct: true, feedback: "Yes."),
                .init(id: "b", text: "B", correct: false, feedback: "No."),
            ]
        )
        let body = String(decoding: try JSONEncoder().encode(question), as: UTF8.self)
        return TeacherBankQuestion(id: id, version: "0123456789abcdef", body: body)
    }

    static func bank(_ id: String, owner: String?, _ questions: [TeacherBankQuestion], at: Double) -> TeacherBankRecord
    {
        TeacherBankRecord(
            id: id,
            owner: owner,
            questions: questions,
            createdAt: Date(timeIntervalSince1970: at),
            updatedAt: Date(timeIntervalSince1970: at)
        )
    }

    @Test func aReloadServesEveryBankInOrderAndSkipsWhatNoLongerDecodes() async throws {
        let store = try SQLiteStore(directory: ClassroomStoreTests.directory())
        try await store.createBank(
            Self.bank("b1", owner: "t1", [try Self.stored("ta_x"), try Self.stored("ta_y")], at: 1)
        )
        let broken = TeacherBankQuestion(id: "tb_z", version: "0123456789abcdef", body: #"{"id":"tb_z"}"#)
        try await store.createBank(Self.bank("b2", owner: nil, [broken, try Self.stored("admin_w")], at: 2))
        let owned = OwnedQuestions()
        #expect(owned.all.isEmpty)
        try await owned.reload(from: store)
        #expect(owned.all.map(\.question.id) == ["ta_x", "ta_y", "admin_w"])
        #expect(owned.question("ta_y")?.bankID == "b1" && owned.question("ta_y")?.owner == "t1")
        #expect(owned.question("admin_w")?.owner == nil)
        #expect(owned.question("tb_z") == nil)

        _ = try await store.deleteBank(id: "b1")
        try await owned.reload(from: store)
        #expect(owned.all.map(\.question.id) == ["admin_w"])
        #expect(owned.question("ta_x") == nil)
    }

    @Test func concurrentReloadsEndWithEveryBank() async throws {
        let store = try SQLiteStore(directory: ClassroomStoreTests.directory())
        let owned = OwnedQuestions()
        // Each upload writes, then reloads: however they interleave, the last applied reload sees every bank.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<20 {
                group.addTask {
                    try await store.createBank(
                        Self.bank("b\(n)", owner: "t", [try Self.stored("t_q\(n)")], at: Double(n))
                    )
                    try await owned.reload(from: store)
                }
            }
            try await group.waitForAll()
        }
        #expect(Set(owned.all.map(\.question.id)) == Set((0..<20).map { "t_q\($0)" }))
    }
}
