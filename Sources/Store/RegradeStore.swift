import Foundation

/// A regrade of a class's recorded attempts on one question, as the store keeps it: the job, and one item per
/// attempt it covers, each done exactly once. The items are the job's progress: a server that restarts finds the
/// job `running` and grades only the items still `pending`.
public struct RegradeJob: Sendable, Equatable {
    public enum Status: String, Sendable {
        case running, finished
    }

    public var id: String
    public var classCode: String
    public var questionID: String
    public var status: Status
    /// The version of the question's grading data the regrade grades against, once the first grading told it; nil
    /// before that, and for choice and output questions (which have no version).
    public var versionTo: String?
    public var createdAt: Date
    public var finishedAt: Date?

    public init(
        id: String,
        classCode: String,
        questionID: String,
        status: Status,
        versionTo: String? = nil,
        createdAt: Date,
        finishedAt: Date? = nil
    ) {
        self.id = id
        self.classCode = classCode
        self.questionID = questionID
        self.status = status
        self.versionTo = versionTo
        self.createdAt = createdAt
        self.finishedAt = finishedAt
    }
}

/// How far a regrade has come: its items by state.
public struct RegradeProgress: Sendable, Equatable {
    /// Items in all (the attempts the job covers).
    public var total: Int
    /// Graded again and written back (their score may or may not have changed).
    public var regraded: Int
    /// Already graded against the version the regrade grades against: left as they were, without grading.
    public var unchanged: Int
    /// Not graded again (the grader's own fault, or an answer that cannot be read): they keep their grade.
    public var failed: Int

    public var done: Int { regraded + unchanged + failed }

    public init(total: Int, regraded: Int, unchanged: Int, failed: Int) {
        self.total = total
        self.regraded = regraded
        self.unchanged = unchanged
        self.failed = failed
    }
}

/// One attempt whose score a regrade changed.
public struct RegradeChange: Sendable, Equatable {
    public var studentID: String
    public var attemptID: Int64
    public var from: Double
    public var to: Double
    public var fromVerdict: String
    public var toVerdict: String

    public init(studentID: String, attemptID: Int64, from: Double, to: Double, fromVerdict: String, toVerdict: String) {
        self.studentID = studentID
        self.attemptID = attemptID
        self.from = from
        self.to = to
        self.fromVerdict = fromVerdict
        self.toVerdict = toVerdict
    }
}

/// What became of one item.
public enum RegradeOutcome: Sendable, Equatable {
    /// Graded again: the attempt takes this verdict, score, tasks (JSON text) and version.
    case regraded(verdict: String, score: Double, tasks: String?, version: String?)
    /// Already graded against the regrade's version: nothing written to the attempt.
    case unchanged
    /// Could not be graded again; the attempt keeps its grade. `reason` is for the log and the report.
    case failed(reason: String)
}

/// Regrades, kept in the store so that a regrade survives a restart (`RegradeService` resumes the `running` ones at
/// start-up), and, where several instances share the store (PostgreSQL), so that one queue serves them all: one
/// instance at a time works on a job (`withRegradeClaim`), and another takes it over should that one die.
public protocol RegradeStore: Sendable {
    /// Starts a regrade of every attempt the class's students (removed ones too) made on the question, of the
    /// question's kind; or, when one is running for that class and question, returns it (`created` false) and starts
    /// nothing: two requests never make two jobs.
    func startRegrade(
        id: String,
        classCode: String,
        questionID: String,
        kind: String,
        now: Date
    ) async throws -> (job: RegradeJob, created: Bool)
    /// The job, when it belongs to the class.
    func regrade(id: String, classCode: String) async throws -> RegradeJob?
    /// The class's jobs, newest first.
    func regrades(classCode: String) async throws -> [RegradeJob]
    func regradeProgress(id: String) async throws -> RegradeProgress
    /// The attempts whose score the job changed, in attempt order.
    func regradeChanges(id: String) async throws -> [RegradeChange]
    /// Up to `limit` attempts the job has still to do, oldest first.
    func pendingRegradeAttempts(id: String, limit: Int) async throws -> [AttemptRecord]
    /// Records what became of one attempt, in one transaction: the attempt's new grade, its summary row, and the
    /// item marked done. An item already done is left alone (returns false): no attempt is regraded twice.
    func completeRegradeItem(id: String, attemptID: Int64, outcome: RegradeOutcome) async throws -> Bool
    /// Sets the version the job grades against (learnt from its first grading).
    func setRegradeVersion(id: String, version: String) async throws
    /// Marks the job finished (once no item is pending; items whose attempt no longer exists are closed as failed).
    func finishRegrade(id: String, now: Date) async throws
    /// Every job still running, oldest first: what start-up resumes.
    func unfinishedRegrades() async throws -> [RegradeJob]
    /// Runs `work` while this process holds the job's claim, which no other process sharing the store holds at the
    /// same time; while another holds it, waits until it is let go (that process finished, or died). A store kept by
    /// one process (SQLite) runs `work` at once: the service runs a job in one task only.
    func withRegradeClaim(id: String, _ work: @Sendable () async throws -> Void) async throws
}
