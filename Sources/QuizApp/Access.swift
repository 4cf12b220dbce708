import Foundation
import HTTP
import Store

/// Who may open which teacher route. Every request reads the store: a teacher deleted a moment ago is refused at
/// once, on any server sharing the store.
struct Access: Sendable {
    let teacher: TeacherToken
    let store: any AttemptStore
    /// nil when the store keeps no teachers (then only the administrator's token opens the teacher routes).
    let classroom: (any ClassroomStore)?
    /// nil when the store keeps no passwords or sessions (then teachers use their tokens only).
    let sessions: (any TeacherSessionStore)?
    /// nil when the store keeps no join policies (then every class is open, as before).
    let enrolment: (any EnrolmentStore)?

    /// The store that keeps teachers, the roster and assignments, or 501 when this server's store has none.
    func classroomStore() throws -> any ClassroomStore {
        guard let classroom else {
            throw QuizError.notImplemented("This server's database does not keep teachers, rosters or assignments.")
        }
        return classroom
    }

    /// The caller of a teacher route: 401 without a token, or with one that is neither the administrator's nor a
    /// teacher's. Without a token, a teacher's session cookie (`SignInService`) will do.
    func caller(_ request: Request) async throws -> Caller {
        guard let token = request.bearerToken else {
            if let sessions, let cookie = SignInService.sessionToken(request),
                let record = try await wrapStore({
                    try await sessions.teacher(sessionHash: Tokens.hash(cookie), now: Date())
                })
            {
                return .teacher(record)
            }
            throw QuizError.unauthorized(
                "This needs a teacher's token (Authorization: Bearer TOKEN) or a teacher's session; sign in again."
            )
        }
        if teacher.accepts(token) { return .admin }
        if let classroom,
            let record = try await wrapStore({ try await classroom.teacher(tokenHash: Tokens.hash(token)) })
        {
            return .teacher(record)
        }
        throw QuizError.unauthorized("That is not a teacher's token.")
    }

    func enrolmentStore() throws -> any EnrolmentStore {
        guard let enrolment else {
            throw QuizError.notImplemented("This server's database does not keep join policies.")
        }
        return enrolment
    }

    func requireAdmin(_ request: Request) async throws {
        guard try await caller(request) == .admin else {
            throw QuizError.forbidden("Only the administrator (the server's configured token) may do this.")
        }
    }

    /// The class named by the path's `{code}`, once the caller may open it: 401, then 404 for no such class, then
    /// 403 for a teacher who does not teach it (or, with `ownerOnly`, does not own it).
    func requireClass(_ request: Request, ownerOnly: Bool = false) async throws -> (Caller, ClassRecord) {
        let caller = try await caller(request)
        let code = (request.parameters["code"] ?? "").uppercased()
        guard let record = try await wrapStore({ try await store.classRecord(code: code) }) else {
            throw QuizError.unknownClass(code)
        }
        guard let teacherID = caller.teacherID else { return (caller, record) }
        let role = try await wrapStore { try await classroomStore().role(teacherID: teacherID, classCode: code) }
        switch (role, ownerOnly) {
        case (nil, _): throw QuizError.forbidden("The class \(code) is not one of yours.")
        case (.coTeacher, true): throw QuizError.forbidden("Only the class's owner may do this.")
        default: return (caller, record)
        }
    }

    /// Passes the store's named errors on (they map with every other error) and wraps any other as a `StoreFailure`.
    func wrapStore<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as any HTTPResponseError {
            // The store's own errors included: they map in the one error mapping (see QuizError.swift).
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw StoreFailure(underlying: error)
        }
    }
}
