import Foundation

/// The teacher's token: from `QUIZ_TEACHER_TOKEN`, or made once and kept in the data dir (mode 0600), so it stays
/// the same across restarts.
public struct TeacherToken: Sendable {
    public let value: String
    /// Where it came from, for the start-up message.
    public let source: String

    public static func resolve(environment: [String: String], dataDirectory: String) throws -> TeacherToken {
        if let token = environment["QUIZ_TEACHER_TOKEN"]?.trimmingCharacters(in: .whitespacesAndNewlines),
            !token.isEmpty
        {
            return TeacherToken(value: token, source: "QUIZ_TEACHER_TOKEN")
        }
        let path = dataDirectory + "/teacher-token"
        if let stored = try? String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines
        ),
            !stored.isEmpty
        {
            return TeacherToken(value: stored, source: path)
        }
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let token = Tokens.make()
        guard
            FileManager.default.createFile(
                atPath: path,
                contents: Data((token + "\n").utf8),
                attributes: [.posixPermissions: 0o600]
            )
        else { throw CocoaError(.fileWriteNoPermission) }
        return TeacherToken(value: token, source: path)
    }

    public init(value: String, source: String) {
        self.value = value
        self.source = source
    }

    func accepts(_ candidate: String?) -> Bool {
        guard let candidate else { return false }
        return Tokens.constantTimeEqual(candidate, value)
    }
}
