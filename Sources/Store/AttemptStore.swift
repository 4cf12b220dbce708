import Foundation

/// What the server keeps: classes, students, attempts. A protocol so that a PostgreSQL store can serve several
/// servers later; SQLite is the one store today.
public protocol AttemptStore: Sendable {
    func createClass(name: String) async throws -> ClassRecord
    func classRecord(code: String) async throws -> ClassRecord?
    func classes() async throws -> [ClassRecord]
    /// - Throws: `StoreError.unknownClass`, `StoreError.nameTaken` (names compare case-insensitively).
    func createStudent(name: String, classCode: String, tokenHash: String) async throws -> StudentRecord
    func student(tokenHash: String) async throws -> StudentRecord?
    /// Returns once the attempt is committed: the caller answers 200 only after this.
    func record(_ attempt: AttemptRecord) async throws -> AttemptRecord
    func attempts(studentID: String, limit: Int) async throws -> [AttemptRecord]
    func results(classCode: String) async throws -> ClassResults?
}
