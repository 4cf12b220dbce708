import Foundation

/// The hints each student of a class has taken, per question: the teacher sees them beside the scores (a full mark
/// after three hints is not the mark of a student who needed none). Kept as the highest hint number seen, since
/// hints are revealed in order.
public protocol HintStore: Sendable {
    /// Notes that the student was shown hint `n` (from 1) of the question; a lower `n` than already noted changes
    /// nothing.
    func recordHint(studentID: String, questionID: String, n: Int, at date: Date) async throws
    /// Per student id, per question id, the number of hints taken, for the class's students who took any.
    func hintsTaken(classCode: String) async throws -> [String: [String: Int]]
}
