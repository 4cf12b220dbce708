import Foundation
import QuizCore
import Store

/// Which variant of a predict-output question a caller is served, and the one their answer is graded against.
///
/// - A student (with their token) gets a variant picked from their id, the question's id and how many attempts
///   they have made on it: a reload shows the same program, a new attempt may show another, and a classmate most
///   likely has another (so a copied answer is wrong). The pick is the server's: an attempt whose `variant` is
///   not the one assigned now is refused (422), so no one chooses the easy variant.
/// - Anyone else gets a random variant per fetch; their answer names the variant it answers (variant 0 when it
///   names none, as before variants).
struct VariantAssignment: Sendable {
    let access: Access

    /// The most attempts counted when picking; past it the count stays there (and so does the variant).
    static let countLimit = 10_000

    /// The variant (0 ..< `count`) for this student's attempt number `attempts` (0 for their first) on the
    /// question: FNV-1a 64 of the three, so the same on every server and every run.
    static func pick(studentID: String, questionID: String, attempts: Int, count: Int) -> Int {
        guard count > 1 else { return 0 }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "\(studentID)\u{0}\(questionID)\u{0}\(attempts)".utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return Int(hash % UInt64(count))
    }

    /// The variant the student is assigned now: for the attempt they are about to make.
    func assigned(_ question: Question, to student: StudentRecord) async throws -> Int {
        guard question.hasVariants else { return 0 }
        let made = try await attempts(of: student.id, on: question.id)
        return Self.pick(studentID: student.id, questionID: question.id, attempts: made, count: question.variantCount)
    }

    /// A random variant, for a caller the server does not know.
    static func random(_ question: Question) -> Int {
        Int.random(in: 0..<question.variantCount)
    }

    /// How many attempts the student has made on the question (as recorded; idempotent replays add none).
    private func attempts(of studentID: String, on questionID: String) async throws -> Int {
        if let classroom = access.classroom {
            return try await access.wrapStore {
                try await classroom.studentAttempts(
                    studentID: studentID,
                    questionID: questionID,
                    limit: Self.countLimit
                )
            }.count
        }
        let all = try await access.wrapStore {
            try await access.store.attempts(studentID: studentID, limit: Self.countLimit)
        }
        return all.count { $0.questionID == questionID }
    }
}
