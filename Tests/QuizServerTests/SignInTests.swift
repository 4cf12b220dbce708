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
}
