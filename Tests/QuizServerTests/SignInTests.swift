import Foundation
import HTTP
import Testing

@testable import QuizApp
@testable import Store

/// Teachers' passwords (scrypt) and sessions: hashing, and sessions that end when they expire, when the password
/// changes and when the teacher is deleted.
@Suite("Sign-in")
struct SignInTests {
    @Test func aPasswordVerifiesAgainstItsHashAndNothingElseDoes() throws {
        let hash = try Passwords.hash("correct horse battery staple")
        #expect(hash.hasPrefix("scrypt$15$8$1$"))
        #expect(Passwords.verify("correct horse battery staple", against: hash))
        #expect(!Passwords.verify("correct horse battery stapler", against: hash))
        #expect(try Passwords.hash("correct horse battery staple") != hash, "a fresh salt each time")
        for malformed in ["", "scrypt$15$8$1$$", "bcrypt$15$8$1$AAAA$AAAA", "scrypt$40$8$1$AAAA$AAAA", hash + "$x"] {
            #expect(!Passwords.verify("correct horse battery staple", against: malformed))
        }
    }

    @Test func theSessionCookieIsFoundAmongOthers() {
        func request(_ cookie: String) -> Request {
            Request(method: "GET", path: "/", headers: HTTPHeaders([("Cookie", cookie)]))
        }
        #expect(SignInService.sessionToken(request("a=1; quiz_session=abc; b=2")) == "abc")
        #expect(SignInService.sessionToken(request("quiz_session=")) == nil)
        #expect(SignInService.sessionToken(request("quiz_sessionx=abc")) == nil)
    }

    @Test func sessionsEndWhenTheyExpireThePasswordChangesOrTheTeacherGoes() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signin-\(UUID().uuidString)")
        let store = try SQLiteStore(directory: directory.path)
        let teacher = try await store.createTeacher(name: "T", tokenHash: "t")
        let other = try await store.createTeacher(name: "O", tokenHash: "o")
        try await store.setSignIn(teacherID: teacher.id, login: "t", passwordHash: "h1")
        await #expect(throws: TeacherSessionStoreError.loginTaken("t")) {
            try await store.setSignIn(teacherID: other.id, login: "t", passwordHash: "h2")
        }
        #expect(try await store.signIn(login: "t")?.passwordHash == "h1")
        let now = Date()
        try await store.createSession(teacherID: teacher.id, tokenHash: "s1", expiresAt: now.addingTimeInterval(60))
        #expect(try await store.teacher(sessionHash: "s1", now: now)?.id == teacher.id)
        #expect(try await store.teacher(sessionHash: "s1", now: now.addingTimeInterval(61)) == nil)
        try await store.setSignIn(teacherID: teacher.id, login: "t", passwordHash: "h3")
        #expect(try await store.teacher(sessionHash: "s1", now: now) == nil)
        try await store.createSession(teacherID: teacher.id, tokenHash: "s2", expiresAt: now.addingTimeInterval(60))
        #expect(try await store.deleteTeacher(id: teacher.id))
        #expect(try await store.teacher(sessionHash: "s2", now: now) == nil)
        #expect(try await store.signIn(login: "t") == nil)
    }
}
