import Foundation

/// What item analysis and the end of a term need from a store: per student and question summaries read in one
/// pass, the whole class for an export, and deleting a class for real. A protocol of its own (SQLite only for now,
/// like the rest of the classroom): a store without it answers 501 on these routes.
public protocol AnalysisStore: Sendable {
    /// The class's counted students' (neither removed nor waiting for approval) work per question, and how often
    /// each code task ended in each status.
    /// - Parameter scope: nil: every attempt of the class; else only attempts on `scope.questionIDs` made at or after
    ///   `scope.since` (an assignment's questions from its `opens_at`).
    func itemAnalysis(classCode: String, scope: AnalysisScope?) async throws -> ItemAnalysisData
    /// Everything the class holds, read in one transaction; nil when there is no such class.
    func classExport(classCode: String) async throws -> ClassExportData?
    /// Deletes the class, its students, their attempts, assignments, readmission codes, idempotency keys and
    /// co-teacher links, in one transaction.
    /// - Returns: false when there is no such class.
    func deleteClass(code: String) async throws -> Bool
}

/// Which attempts an analysis reads: those on these questions made at or after `since`.
public struct AnalysisScope: Sendable, Equatable {
    public var questionIDs: [String]
    public var since: Date

    public init(questionIDs: [String], since: Date) {
        self.questionIDs = questionIDs
        self.since = since
    }
}

/// One counted student's work on one question, within the scope.
public struct ItemRow: Sendable, Equatable {
    public var studentID: String
    public var questionID: String
    public var attempts: Int
    /// The best score, 0 to 1.
    public var best: Double
    /// The student's first attempt in the scope had the verdict `passed`.
    public var firstPassed: Bool
    /// Choice questions: the choice ids the first attempt picked; nil for other kinds.
    public var firstChoices: [String]?

    public init(
        studentID: String,
        questionID: String,
        attempts: Int,
        best: Double,
        firstPassed: Bool,
        firstChoices: [String]?
    ) {
        self.studentID = studentID
        self.questionID = questionID
        self.attempts = attempts
        self.best = best
        self.firstPassed = firstPassed
        self.firstChoices = firstChoices
    }
}

/// How many attempts on a code question ended with the task `task` in `status`.
public struct TaskTally: Sendable, Equatable {
    public var questionID: String
    public var task: String
    public var status: String
    public var count: Int

    public init(questionID: String, task: String, status: String, count: Int) {
        self.questionID = questionID
        self.task = task
        self.status = status
        self.count = count
    }
}

public struct ItemAnalysisData: Sendable, Equatable {
    /// Grouped by student (all of one student's rows together).
    public var items: [ItemRow]
    public var taskTallies: [TaskTally]

    public init(items: [ItemRow], taskTallies: [TaskTally]) {
        self.items = items
        self.taskTallies = taskTallies
    }
}

/// A class and all it holds, for the end of a term.
public struct ClassExportData: Sendable, Equatable {
    public struct Teacher: Sendable, Equatable {
        public var id, name: String
        public var role: ClassRole

        public init(id: String, name: String, role: ClassRole) {
            self.id = id
            self.name = name
            self.role = role
        }
    }

    public struct Student: Sendable, Equatable {
        public var entry: RosterEntry
        public var joinedAt: Date

        public init(entry: RosterEntry, joinedAt: Date) {
            self.entry = entry
            self.joinedAt = joinedAt
        }
    }

    public var classRecord: ClassRecord
    /// `open`, `approval` or `roster`.
    public var joining: String
    public var teachers: [Teacher]
    /// Removed students included, by name.
    public var students: [Student]
    public var assignments: [AssignmentRecord]
    /// Oldest first.
    public var attempts: [StoredAttempt]

    public init(
        classRecord: ClassRecord,
        joining: String,
        teachers: [Teacher],
        students: [Student],
        assignments: [AssignmentRecord],
        attempts: [StoredAttempt]
    ) {
        self.classRecord = classRecord
        self.joining = joining
        self.teachers = teachers
        self.students = students
        self.assignments = assignments
        self.attempts = attempts
    }
}
