import Foundation

/// Teachers, who owns which class, the roster and assignments: what the classroom needs beyond `AttemptStore`.
/// A protocol of its own so that a store can add it later without touching the attempts.
///
/// No method caches a credential: every request that carries a token reads the store, so a deleted teacher or a
/// removed student is refused from the next request on.
public protocol ClassroomStore: Sendable {
    // MARK: Teachers

    func createTeacher(name: String, tokenHash: String) async throws -> TeacherRecord
    /// The teacher whose token has this hash, unless they were deleted.
    func teacher(tokenHash: String) async throws -> TeacherRecord?
    func teacher(id: String) async throws -> TeacherRecord?
    func teachers() async throws -> [TeacherRecord]
    /// - Returns: false when there is no such teacher (or they were deleted already).
    func deleteTeacher(id: String) async throws -> Bool

    // MARK: Classes

    /// A new class owned by `owner` (nil: the administrator's, owned by no teacher).
    func createClass(name: String, owner: String?) async throws -> ClassRecord
    /// The classes a teacher owns or co-teaches, newest first.
    func classes(teacherID: String) async throws -> [ClassRecord]
    /// How the teacher stands to the class: `owner`, `co_teacher`, or nil.
    func role(teacherID: String, classCode: String) async throws -> ClassRole?
    /// Makes the teacher a co-teacher (nothing changes when they already teach it).
    func addCoTeacher(teacherID: String, classCode: String) async throws

    // MARK: Roster

    /// Every student of the class, removed ones included, by name.
    func roster(classCode: String) async throws -> [RosterEntry]
    func rosterEntry(studentID: String, classCode: String) async throws -> RosterEntry?
    /// The ids of the class's students who are in no results: removed, or waiting for approval (usually none).
    func uncountedStudents(classCode: String) async throws -> Set<String>
    /// Removes the student from the class: their token stops working at once; their attempts stay.
    /// - Returns: false when the class has no such student.
    /// Renames a student of the class (a name taken by the wrong person, a typo); their token and attempts stay.
    /// - Returns: the student, or nil when the class has no such student.
    /// - Throws: `StoreError.nameTaken` when another student of the class has that name (case-insensitively).
    func renameStudent(id: String, classCode: String, name: String) async throws -> StudentRecord?
    func removeStudent(id: String, classCode: String) async throws -> Bool
    /// Keeps a one-time code (its hash) that gives the student a new token until `expiresAt`.
    func createReadmitCode(studentID: String, codeHash: String, expiresAt: Date) async throws
    /// Uses a code: the student gets the new token hash (the old token stops working) and is back in the class.
    func redeemReadmitCode(codeHash: String, newTokenHash: String, now: Date) async throws -> ReadmitOutcome
    /// A student's attempts, newest first, optionally on one question only.
    func studentAttempts(studentID: String, questionID: String?, limit: Int) async throws -> [StoredAttempt]

    // MARK: Assignments

    func createAssignment(_ assignment: AssignmentRecord) async throws -> AssignmentRecord
    func assignments(classCode: String) async throws -> [AssignmentRecord]
    func assignment(id: String, classCode: String) async throws -> AssignmentRecord?
    /// Replaces an assignment's terms and questions (same id, same class) and, in the same transaction, sets the
    /// `late` mark of the attempts in `late` (nil: on no assignment), which the caller worked out under the new
    /// terms. - Returns: false when the class has no such assignment.
    func replaceAssignment(_ assignment: AssignmentRecord, late: [Int64: Bool?]) async throws -> Bool
    /// Deletes an assignment, its questions' list and its students' start times; the attempts stay, with the `late`
    /// marks given (as `replaceAssignment`). - Returns: false when the class has no such assignment.
    func deleteAssignment(id: String, classCode: String, late: [Int64: Bool?]) async throws -> Bool
    /// What the assignments say about an attempt on the question, read at once (one read on every attempt).
    /// - Parameter student: the student's id and class, when a student's token was sent.
    func attemptContext(
        questionID: String,
        student: (id: String, classCode: String)?,
        now: Date
    ) async throws -> AttemptContext
    /// Records the attempt (as `AttemptStore.record` does), marked late or not; when `limit` is given, refuses it with
    /// `ClassroomStoreError.attemptLimit` if the student already has that many attempts on the question since
    /// `limit.since`, checked in the same transaction as the insert.
    /// With a `claim`, it is idempotent as `AttemptStore.record(_:idempotencyKey:response:since:)` is: an answer kept
    /// under the key returns `.replayed` and records nothing, checked in the same transaction.
    func record(
        _ attempt: AttemptRecord,
        late: Bool,
        limit: AttemptLimit?,
        claim: IdempotencyClaim?
    ) async throws -> IdempotentRecord
    /// Every attempt on the given questions by the class's students, oldest first, with its marks only: the answer
    /// is empty and the tasks nil (an assignment's report needs no code; reading it made a class's report slow).
    func attemptMarks(classCode: String, questionIDs: [String]) async throws -> [StoredAttempt]
    /// The questions, among the given ones, that the student has passed (any attempt with the verdict `passed`).
    func passed(studentID: String, questionIDs: [String]) async throws -> Set<String>

    // MARK: Time limits

    /// Starts the student's clock on the assignment at `now`, unless it was started before: the first start is
    /// kept (a conditional insert, so two instances starting it at once agree on one time).
    /// - Returns: when the student started it (the earlier start when there was one).
    func startAssignment(id: String, studentID: String, now: Date) async throws -> Date
    /// When the student started each assignment they started, by assignment id.
    func assignmentStarts(studentID: String) async throws -> [String: Date]
    /// When each student started the assignment, by student id.
    func assignmentStarts(assignmentID: String) async throws -> [String: Date]
}

public enum ClassRole: String, Sendable, Equatable {
    case owner
    case coTeacher = "co_teacher"
}

public struct TeacherRecord: Sendable, Equatable {
    public var id: String
    public var name: String
    public var createdAt: Date

    public init(id: String, name: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
    }
}

public struct RosterEntry: Sendable, Equatable {
    public var student: StudentRecord
    public var removed: Bool
    /// Joined a class that takes students on approval, and not approved yet.
    public var pending: Bool

    public init(student: StudentRecord, removed: Bool, pending: Bool = false) {
        self.student = student
        self.removed = removed
        self.pending = pending
    }

    /// In the class's results: neither removed nor waiting for approval.
    public var counted: Bool { !removed && !pending }
}

public enum ReadmitOutcome: Sendable, Equatable {
    case readmitted(StudentRecord)
    case unknown
    case expired
    case used
}

/// An attempt as the store keeps it, with the classroom's marks.
public struct StoredAttempt: Sendable, Equatable {
    public var record: AttemptRecord
    /// nil for attempts recorded before lateness was kept, or outside any assignment.
    public var late: Bool?

    public init(record: AttemptRecord, late: Bool?) {
        self.record = record
        self.late = late
    }
}

public struct AttemptContext: Sendable, Equatable {
    /// The latest due time, after `now`, of any assignment (of any class) that includes the question and shows its
    /// key only after its due time; nil when there is none.
    public var keyHiddenUntil: Date?
    /// The student's class's assignments that include the question and have opened by `now`, each with the number of
    /// attempts the student made on the question since it opened.
    public var opened: [(assignment: AssignmentRecord, attempts: Int)]

    public init(keyHiddenUntil: Date?, opened: [(assignment: AssignmentRecord, attempts: Int)]) {
        self.keyHiddenUntil = keyHiddenUntil
        self.opened = opened
    }

    public static func == (lhs: AttemptContext, rhs: AttemptContext) -> Bool {
        lhs.keyHiddenUntil == rhs.keyHiddenUntil && lhs.opened.map(\.assignment) == rhs.opened.map(\.assignment)
            && lhs.opened.map(\.attempts) == rhs.opened.map(\.attempts)
    }
}

public struct AttemptLimit: Sendable, Equatable {
    public var maximum: Int
    public var since: Date

    public init(maximum: Int, since: Date) {
        self.maximum = maximum
        self.since = since
    }
}

public struct AssignmentRecord: Sendable, Equatable {
    public var id: String
    public var classCode: String
    public var title: String
    public var questions: [String]
    public var opensAt: Date
    public var dueAt: Date
    /// The times as the teacher wrote them (RFC 3339, with their offset), given back as they came.
    public var opensAtText: String
    public var dueAtText: String
    public var maxAttempts: Int?
    /// `best`, `first` or `last`.
    public var counts: String
    /// `now` or `after_due`.
    public var key: String
    public var createdAt: Date
    /// Whole minutes a student has from first opening the assignment (`startAssignment`); nil: no limit, only
    /// `dueAt`.
    public var timeLimitMinutes: Int?

    public init(
        id: String,
        classCode: String,
        title: String,
        questions: [String],
        opensAt: Date,
        dueAt: Date,
        opensAtText: String,
        dueAtText: String,
        maxAttempts: Int?,
        counts: String,
        key: String,
        createdAt: Date,
        timeLimitMinutes: Int? = nil
    ) {
        self.id = id
        self.classCode = classCode
        self.title = title
        self.questions = questions
        self.opensAt = opensAt
        self.dueAt = dueAt
        self.opensAtText = opensAtText
        self.dueAtText = dueAtText
        self.maxAttempts = maxAttempts
        self.counts = counts
        self.key = key
        self.createdAt = createdAt
        self.timeLimitMinutes = timeLimitMinutes
    }

    /// A student's own deadline: the due time, or, when the assignment has a time limit and the student started it
    /// at `startedAt`, `startedAt` plus the limit if that comes first. Attempts from then on are late.
    public func deadline(startedAt: Date?) -> Date {
        guard let startedAt, let minutes = timeLimitMinutes else { return dueAt }
        return min(dueAt, startedAt.addingTimeInterval(Double(minutes) * 60))
    }
}

public enum ClassroomStoreError: Error, Equatable {
    /// The student already made `maximum` attempts on the question.
    case attemptLimit(maximum: Int)
}
