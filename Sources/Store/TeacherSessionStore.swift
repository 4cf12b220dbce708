import Foundation

/// Teachers who sign in with a name and a password instead of pasting a token: the password's scrypt hash, and
/// sessions kept as hashes of their cookies. As with tokens, a copy of the database opens no session.
public protocol TeacherSessionStore: Sendable {
    /// Sets (or changes) the teacher's sign-in name and password hash; their other sessions end.
    /// - Throws: `TeacherSessionStoreError.loginTaken` when another teacher signs in with that name.
    func setSignIn(teacherID: String, login: String, passwordHash: String) async throws
    /// The teacher who signs in with this name, and their password hash; nil when none does (or they were deleted).
    func signIn(login: String) async throws -> (teacher: TeacherRecord, passwordHash: String)?
    func createSession(teacherID: String, tokenHash: String, expiresAt: Date) async throws
    /// The teacher whose unexpired session has this hash, unless they were deleted since.
    func teacher(sessionHash: String, now: Date) async throws -> TeacherRecord?
    func deleteSession(tokenHash: String) async throws
}

public enum TeacherSessionStoreError: Error, Equatable {
    case loginTaken(String)
}
