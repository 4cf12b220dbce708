import Foundation

/// How students come into a class: by its code (`open`, as always), by its code and then the teacher's approval
/// (`approval`), or only as the teacher adds them (`roster`).
public enum JoinPolicy: String, Sendable, CaseIterable {
    case open, approval, roster
}

/// Join policies, students waiting for approval, and students a teacher adds by name. A waiting student's token is
/// kept under a prefix (`pending:HASH`), so the student lookup every attempt makes finds no one until the teacher
/// approves; a student added by the teacher has no token until they redeem a readmission code.
public protocol EnrolmentStore: Sendable {
    /// nil when there is no such class.
    func joinPolicy(classCode: String) async throws -> JoinPolicy?
    func setJoinPolicy(classCode: String, _ policy: JoinPolicy) async throws
    /// A student of a class with `approval`, their token not yet usable.
    /// - Throws: as `AttemptStore.createStudent`.
    func createPendingStudent(name: String, classCode: String, tokenHash: String) async throws -> StudentRecord
    /// A student the teacher adds by name; they get a token by redeeming a readmission code.
    func createUnclaimedStudent(name: String, classCode: String) async throws -> StudentRecord
    /// The student whose token, waiting for approval, has this hash.
    func pendingStudent(tokenHash: String) async throws -> StudentRecord?
    /// Makes a waiting student's token work. - Returns: false when the class has no such student.
    func approve(studentID: String, classCode: String) async throws -> Bool
}
