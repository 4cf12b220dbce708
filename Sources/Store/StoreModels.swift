import Foundation

/// A class a teacher created; students join it with its code.
public struct ClassRecord: Codable, Sendable, Equatable {
    public var code: String
    public var name: String
    public var createdAt: Date

    public init(code: String, name: String, createdAt: Date) {
        self.code = code
        self.name = name
        self.createdAt = createdAt
    }
}

public struct StudentRecord: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var classCode: String

    public init(id: String, name: String, classCode: String) {
        self.id = id
        self.name = name
        self.classCode = classCode
    }
}

/// One recorded attempt. `answer` and `tasks` are JSON text: what was sent, and each task's name and status.
public struct AttemptRecord: Codable, Sendable, Equatable {
    public var id: Int64?
    public var studentID: String
    public var questionID: String
    public var kind: String
    public var answer: String
    public var verdict: String
    public var score: Double
    public var tasks: String?
    public var createdAt: Date
    /// Code attempts: the hash of the question's grading data the attempt was graded against.
    public var version: String?
    /// Code attempts: the seed of the example tasks, so that the same grading can be made again.
    public var seed: Int64?

    public init(
        id: Int64? = nil,
        studentID: String,
        questionID: String,
        kind: String,
        answer: String,
        verdict: String,
        score: Double,
        tasks: String?,
        createdAt: Date,
        version: String? = nil,
        seed: Int64? = nil
    ) {
        self.id = id
        self.studentID = studentID
        self.questionID = questionID
        self.kind = kind
        self.answer = answer
        self.verdict = verdict
        self.score = score
        self.tasks = tasks
        self.createdAt = createdAt
        self.version = version
        self.seed = seed
    }
}

/// A class's results: per student, per question attempted.
public struct ClassResults: Sendable, Equatable {
    public struct Cell: Sendable, Equatable {
        public var best: Double
        public var attempts: Int
        public var lastVerdict: String

        public init(best: Double, attempts: Int, lastVerdict: String) {
            self.best = best
            self.attempts = attempts
            self.lastVerdict = lastVerdict
        }
    }

    /// One question's cell of a student's row.
    public struct QuestionCell: Sendable, Equatable {
        public var question: String
        public var cell: Cell

        public init(question: String, cell: Cell) {
            self.question = question
            self.cell = cell
        }
    }

    public struct Row: Sendable, Equatable {
        public var student: StudentRecord
        /// The student's cells in ascending order of question id (by bytes, as the stores' indexes give): an
        /// array, not a dictionary, since a class of 300 has 30,000 cells and the teacher's matrix reads them all
        /// on each request; hashing each id once more per use was most of its cost.
        public var cells: [QuestionCell]

        public init(student: StudentRecord, cells: [QuestionCell]) {
            self.student = student
            self.cells = cells
        }

        public init(student: StudentRecord, results: [String: Cell]) {
            self.student = student
            cells = results.map { QuestionCell(question: $0.key, cell: $0.value) }.sorted {
                $0.question.utf8.lexicographicallyPrecedes($1.question.utf8)
            }
        }

        /// The cells by question id.
        public var results: [String: Cell] {
            Dictionary(cells.map { ($0.question, $0.cell) }, uniquingKeysWith: { first, _ in first })
        }
    }

    public var classRecord: ClassRecord
    public var rows: [Row]

    public init(classRecord: ClassRecord, rows: [Row]) {
        self.classRecord = classRecord
        self.rows = rows
    }
}

public enum StoreError: Error, Equatable {
    case unknownClass(String)
    case nameTaken(String)
    case unavailable(String)
}
