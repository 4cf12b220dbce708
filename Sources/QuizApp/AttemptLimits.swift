/// How many code attempts are graded per client in any 60 s; past them, 429 with `Retry-After`. The defaults here
/// are the only statement of them: `serve`'s flags and `QuizApplication` read them from this type.
public struct AttemptLimits: Sendable {
    /// Code attempts per student (by student id) in any 60 s.
    public var codeAttemptsPerMinute: Int
    /// Code attempts without a student's token, per client address, in any 60 s. A whole class may share one
    /// address (a school's NAT).
    public var anonymousCodeAttemptsPerMinute: Int

    public init(codeAttemptsPerMinute: Int = 20, anonymousCodeAttemptsPerMinute: Int = 120) {
        self.codeAttemptsPerMinute = codeAttemptsPerMinute
        self.anonymousCodeAttemptsPerMinute = anonymousCodeAttemptsPerMinute
    }
}
