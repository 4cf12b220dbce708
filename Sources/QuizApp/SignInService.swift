import Foundation
import HTTP
import Store

/// Teachers sign in with a name and a password (scrypt) into a session cookie: `HttpOnly` (no script reads it),
/// `SameSite=Strict` (no other site's page sends it), scoped to `/api/`. The cookie opens what the teacher's token
/// opens; the token keeps working beside it.
struct SignInService: Sendable {
    let access: Access
    /// Sign-in attempts per client address: each costs a scrypt hash, and guessing must stay slow.
    let limiter: RateLimiter
    let clientAddress: ClientAddress

    static let cookieName = "quiz_session"
    static let lifetime: TimeInterval = 12 * 60 * 60

    struct Credentials: Decodable {
        var login: String
        var password: String
    }

    /// `PUT /api/v1/teachers/me/password`: a teacher (not the administrator) sets their sign-in name and password.
    /// Every session of theirs ends; their token keeps working.
    func setPassword(_ request: Request) async throws -> Response {
        guard case .teacher(let teacher) = try await access.caller(request) else {
            throw QuizError.forbidden("The administrator signs in with the server's token; a teacher sets a password.")
        }
        let body = try request.decodeJSON(Credentials.self)
        let login = try Self.login(body.login)
        guard (10...200).contains(body.password.count) else {
            throw QuizError.invalidField("password", "must be 10 to 200 characters.")
        }
        let password = body.password
        let hash = try await Passwords.offThePool { try Passwords.hash(password) }
        try await access.wrapStore {
            try await sessionStore().setSignIn(teacherID: teacher.id, login: login, passwordHash: hash)
        }
        return Response(status: 204)
    }

    /// `POST /api/v1/sessions`: the same answer for an unknown name as for a wrong password, after the same work.
    func signIn(_ request: Request) async throws -> Response {
        let body = try request.decodeJSON(Credentials.self)
        if let wait = await limiter.admit(clientAddress.resolve(request)) {
            throw QuizError.tooManyRequests("Too many sign-in attempts; try again in \(wait) s.", seconds: wait)
        }
        let store = try sessionStore()
        let login = body.login.trimmingCharacters(in: .whitespaces).lowercased()
        let found = try await access.wrapStore { try await store.signIn(login: login) }
        let (password, stored) = (body.password, found?.passwordHash)
        let verified = try await Passwords.offThePool { Passwords.verify(password, against: stored ?? Passwords.decoy) }
        guard let teacher = found?.teacher, verified else {
            throw QuizError.unauthorized("Wrong sign-in name or password.")
        }
        let token = Tokens.make()
        let expiresAt = Date().addingTimeInterval(Self.lifetime)
        try await access.wrapStore {
            try await store.createSession(teacherID: teacher.id, tokenHash: Tokens.hash(token), expiresAt: expiresAt)
        }
        var response = Response.json(
            ["id": teacher.id, "name": teacher.name, "expires_at": RFC3339.string(expiresAt)],
            status: 201
        )
        response.headers.add("Set-Cookie", cookie("\(Self.cookieName)=\(token)", maxAge: Int(Self.lifetime), request))
        return response
    }

    /// `DELETE /api/v1/sessions`: ends the session the cookie names (if any) and clears the cookie.
    func signOut(_ request: Request) async throws -> Response {
        if let token = Self.sessionToken(request) {
            try await access.wrapStore { try await sessionStore().deleteSession(tokenHash: Tokens.hash(token)) }
        }
        var response = Response(status: 204)
        response.headers.add("Set-Cookie", cookie("\(Self.cookieName)=", maxAge: 0, request))
        return response
    }

    /// The session cookie's header value: only for the API's paths, out of scripts' reach, never sent from another
    /// site, and `Secure` when the client came over HTTPS through a trusted proxy (RFC 6265 §4.1.2).
    func cookie(_ pair: String, maxAge: Int, _ request: Request) -> String {
        let secure = clientAddress.isHTTPS(request) ? "; Secure" : ""
        return "\(pair); Path=/api/; Max-Age=\(maxAge); HttpOnly; SameSite=Strict\(secure)"
    }

    func sessionStore() throws -> any TeacherSessionStore {
        guard let sessions = access.sessions else {
            throw QuizError.notImplemented("This server's database does not keep teachers' passwords.")
        }
        return sessions
    }

    /// The session cookie's value, if the request carries one.
    static func sessionToken(_ request: Request) -> String? {
        guard let header = request.headers["Cookie"] else { return nil }
        for pair in header.split(separator: ";") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == cookieName else { continue }
            let value = parts[1].trimmingCharacters(in: .whitespaces)
            return value.isEmpty ? nil : value
        }
        return nil
    }

    /// A sign-in name: 3 to 64 characters of lower-case letters, digits and `.`, `_`, `@`, `-` (an e-mail address
    /// fits), compared without case.
    static func login(_ raw: String) throws -> String {
        let login = raw.trimmingCharacters(in: .whitespaces).lowercased()
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789._@-")
        guard (3...64).contains(login.count), login.allSatisfy(allowed.contains) else {
            throw QuizError.invalidField("login", "must be 3 to 64 letters, digits, '.', '_', '@' or '-'.")
        }
        return login
    }
}
