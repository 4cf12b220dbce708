import Foundation

/// What item analysis and the end of a term need from a store: per student and question summaries read in one
/// pass, the whole class for an export, and deleting a class for real. A protocol of its own (both stores keep it;
/// a store without it answers 501 on these routes).
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

/// What the analysis of one question is computed from: sums over the counted students who attempted it.
public struct ItemSums: Sendable, Equatable {
    public var students = 0
    public var attempts = 0
    /// Students whose first attempt passed.
    public var firstPassed = 0
    /// Sums of x (a student's best score on the question), y (their rest score: the sum of their best scores on
    /// the other questions), x², y² and xy.
    public var x = 0.0, y = 0.0, xx = 0.0, yy = 0.0, xy = 0.0
    /// Choice id → students whose first attempt picked it.
    public var options: [String: Int] = [:]
    /// Some first attempt was a choice question's.
    public var sawChoices = false

    public init() {}
}

public struct ItemAnalysisData: Sendable, Equatable {
    /// Question id → its sums.
    public var questions: [String: ItemSums]
    public var taskTallies: [TaskTally]

    public init(questions: [String: ItemSums], taskTallies: [TaskTally]) {
        self.questions = questions
        self.taskTallies = taskTallies
    }

    /// From one row per student and question (all of one student's rows together).
    public init(items: [ItemRow], taskTallies: [TaskTally]) {
        var accumulator = ItemAccumulator()
        var students: [String: Int64] = [:]
        for row in items {
            let key = students[row.studentID] ?? Int64(students.count)
            students[row.studentID] = key
            var question = row.questionID
            question.withUTF8 { questionBytes in
                let joined = row.firstChoices.map { Array($0.joined(separator: "\u{1F}").utf8) }
                if let joined {
                    joined.withUnsafeBytes {
                        accumulator.add(
                            student: key,
                            question: UnsafeRawBufferPointer(questionBytes),
                            attempts: row.attempts,
                            best: row.best,
                            firstPassed: row.firstPassed,
                            choices: $0
                        )
                    }
                } else {
                    accumulator.add(
                        student: key,
                        question: UnsafeRawBufferPointer(questionBytes),
                        attempts: row.attempts,
                        best: row.best,
                        firstPassed: row.firstPassed,
                        choices: nil
                    )
                }
            }
        }
        self.init(questions: accumulator.finish(), taskTallies: taskTallies)
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
