import Foundation
import Grader
import HTTP
import Logging
import QuizCore
import Store
import Synchronization

/// Regrades a class's recorded attempts on one question after the question changed (a bank reloaded on SIGHUP, say),
/// in the background, with its progress kept in the store.
///
/// - `POST /api/v1/classes/{code}/regrades {"question"}` answers `202 {"id"}` at once; the work runs in a task this
///   service owns. A second POST while a regrade of that class and question runs answers the running one's id
///   (`202`, with `"running": true`): a regrade is never started twice.
/// - Code attempts are graded again in the real grading pool, with the seed each attempt was graded with, so a task
///   with random delays replays the same. They ask for graders as background work (`FairQueue`): a student's
///   submission always goes first, so a regrade never makes a class wait. An attempt already graded against the
///   version the regrade grades against (learnt from its first grading, or from an earlier regrade in this process
///   of the same data) is left as it is, without grading: a regrade run again after finishing changes nothing.
///   Choice and output attempts are checked again against the current key.
/// - Each attempt's new grade, its summary row and the item's "done" mark are written in one transaction, so a
///   server killed mid-regrade resumes at start-up (`resume()`) with the attempts still pending, and none is regraded
///   twice.
/// - With several instances on one PostgreSQL the queue is global: a job runs in the instance that holds its claim
///   (`RegradeStore.withRegradeClaim`, an advisory lock); every other instance that knows of the job (told when it is
///   claimed, or reading the running jobs when it starts or listens anew) waits for that claim in the database. When
///   the holder dies (`kill -9`), PostgreSQL ends its session and one waiter takes the job over with the items still
///   pending; an item the dead one had graded but not recorded is graded again, and recorded once.
final class RegradeService: Sendable {
    let access: Access
    let catalog: LiveCatalog
    let grader: GradingPool
    /// nil when the store keeps no regrades (a store without `RegradeStore`): the routes answer 501.
    let store: (any RegradeStore)?
    let logger: Logger
    /// The tasks running jobs, by job id (a job runs in at most one task).
    private let running = Mutex<[String: Task<Void, Never>]>([:])
    /// The version the grader reported for a question's grading data, by question id (learnt by regrades in this
    /// process): a regrade of data already seen needs no grading to know it.
    private let versions = Mutex<[String: (grading: JSONValue?, version: String)]>([:])

    /// Attempts read from the store at a time.
    static let batch = 64

    init(access: Access, catalog: LiveCatalog, grader: GradingPool, store: (any RegradeStore)?, logger: Logger) {
        self.access = access
        self.catalog = catalog
        self.grader = grader
        self.store = store
        self.logger = logger
    }

    struct NewRegrade: Decodable {
        var question: String
    }

    struct Started: Encodable {
        var id: String
        /// True when a regrade of that class and question was running already and this is its id.
        var running: Bool
    }

    struct Report: Encodable {
        struct Change: Encodable {
            var student: String
            var attempt: Int64
            var from: Double
            var to: Double
            var fromVerdict: String
            var toVerdict: String

            enum CodingKeys: String, CodingKey {
                case student, attempt, from, to
                case fromVerdict = "from_verdict"
                case toVerdict = "to_verdict"
            }
        }

        var id: String
        var question: String
        var status: String
        var done: Int
        var total: Int
        var regraded: Int
        var unchanged: Int
        var failed: Int
        var versionTo: String?
        var createdAt: String
        var finishedAt: String?
        var changes: [Change]

        enum CodingKeys: String, CodingKey {
            case id, question, status, done, total, regraded, unchanged, failed, changes
            case versionTo = "version_to"
            case createdAt = "created_at"
            case finishedAt = "finished_at"
        }
    }

    func regradeStore() throws -> any RegradeStore {
        guard let store else {
            throw QuizError.notImplemented("This server's database does not keep regrades.")
        }
        return store
    }

    // MARK: - Routes

    /// `POST /api/v1/classes/{code}/regrades`.
    func start(_ request: Request) async throws -> Response {
        let (_, classRecord) = try await access.requireClass(request)
        let store = try regradeStore()
        let body = try request.decodeJSON(NewRegrade.self)
        guard let question = catalog.anyQuestion(body.question) else {
            throw QuizError.unknownQuestion(body.question)
        }
        let (job, created) = try await access.wrapStore {
            try await store.startRegrade(
                id: UUID().uuidString.lowercased(),
                classCode: classRecord.code,
                questionID: question.id,
                kind: question.kind.rawValue,
                now: Date()
            )
        }
        // A running job found here may be one whose task stopped (the grader was shutting down): it goes on.
        launch(job)
        var response = Response.json(Started(id: job.id, running: !created), status: 202)
        response.headers.add("Location", "/api/v1/classes/\(classRecord.code)/regrades/\(job.id)")
        return response
    }

    struct Summary: Encodable {
        var id: String
        var question: String
        var status: String
        var done: Int
        var total: Int
        var changed: Int
        var createdAt: String
        var finishedAt: String?

        enum CodingKeys: String, CodingKey {
            case id, question, status, done, total, changed
            case createdAt = "created_at"
            case finishedAt = "finished_at"
        }
    }

    /// `GET /api/v1/classes/{code}/regrades`: the class's regrades, newest first, with their progress (so that a
    /// page opened again finds the one still running).
    func list(_ request: Request) async throws -> Response {
        let (_, classRecord) = try await access.requireClass(request)
        let store = try regradeStore()
        let summaries = try await access.wrapStore {
            var summaries: [Summary] = []
            for job in try await store.regrades(classCode: classRecord.code) {
                let progress = try await store.regradeProgress(id: job.id)
                summaries.append(
                    Summary(
                        id: job.id,
                        question: job.questionID,
                        status: job.status.rawValue,
                        done: progress.done,
                        total: progress.total,
                        changed: try await store.regradeChanges(id: job.id).count,
                        createdAt: RFC3339.string(job.createdAt),
                        finishedAt: job.finishedAt.map(RFC3339.string)
                    )
                )
            }
            return summaries
        }
        return .json(["regrades": summaries])
    }

    /// `GET /api/v1/classes/{code}/regrades/{id}`.
    func show(_ request: Request) async throws -> Response {
        let (_, classRecord) = try await access.requireClass(request)
        let store = try regradeStore()
        let id = request.parameters["id"] ?? ""
        guard let job = try await access.wrapStore({ try await store.regrade(id: id, classCode: classRecord.code) })
        else {
            throw QuizError.notFound("The class \(classRecord.code) has no regrade \"\(id)\".")
        }
        let (progress, changes) = try await access.wrapStore {
            (try await store.regradeProgress(id: job.id), try await store.regradeChanges(id: job.id))
        }
        return .json(
            Report(
                id: job.id,
                question: job.questionID,
                status: job.status.rawValue,
                done: progress.done,
                total: progress.total,
                regraded: progress.regraded,
                unchanged: progress.unchanged,
                failed: progress.failed,
                versionTo: job.versionTo,
                createdAt: RFC3339.string(job.createdAt),
                finishedAt: job.finishedAt.map(RFC3339.string),
                changes: changes.map {
                    Report.Change(
                        student: $0.studentID,
                        attempt: $0.attemptID,
                        from: $0.from,
                        to: $0.to,
                        fromVerdict: $0.fromVerdict,
                        toVerdict: $0.toVerdict
                    )
                }
            )
        )
    }

    // MARK: - Background

    /// Starts the task of every job left running by the last process (killed, or stopped mid-regrade), and of every
    /// running job it has none for yet: `serve` calls it once the server listens and, with a shared store, each time
    /// another instance claims a job (this one then waits to take it over).
    func resume() async {
        guard let store else { return }
        do {
            for job in try await store.unfinishedRegrades() where launch(job) {
                logger.info("resuming a regrade", metadata: ["regrade": "\(job.id)", "question": "\(job.questionID)"])
            }
        } catch {
            logger.error("cannot read the unfinished regrades", metadata: ["error": "\(error)"])
        }
    }

    /// Waits for the job's task, if one runs (for tests and the benchmark).
    func wait(for id: String) async {
        await running.withLock { $0[id] }?.value
    }

    /// Runs the job in a task of its own, unless one runs (or waits to run) it already here. The task first takes the
    /// job's claim, waiting while another instance holds it, then reads the job again: the instance it waited for
    /// may have finished it. - Returns: whether a task was started now.
    @discardableResult
    func launch(_ job: RegradeJob) -> Bool {
        guard job.status == .running, let store else { return false }
        return running.withLock { tasks in
            guard tasks[job.id] == nil else { return false }
            tasks[job.id] = Task { [self] in
                do {
                    try await store.withRegradeClaim(id: job.id) {
                        guard let current = try await store.regrade(id: job.id, classCode: job.classCode),
                            current.status == .running
                        else { return }
                        self.logger.info(
                            "regrade claimed",
                            metadata: ["regrade": "\(job.id)", "question": "\(job.questionID)"]
                        )
                        await self.run(current, store: store)
                    }
                } catch {
                    logger.warning(
                        "regrade paused; it goes on at the next start",
                        metadata: ["regrade": "\(job.id)", "error": "\(error)"]
                    )
                }
                _ = running.withLock { $0.removeValue(forKey: job.id) }
            }
            return true
        }
    }

    /// Records one item, then logs it (the attempt's id and what became of it), so that the logs of every instance
    /// together show no attempt recorded twice (a process killed between the commit and the line leaves it out).
    private func complete(
        _ job: RegradeJob,
        _ attemptID: Int64,
        _ outcome: RegradeOutcome,
        _ store: any RegradeStore
    )
        async throws
    {
        guard try await store.completeRegradeItem(id: job.id, attemptID: attemptID, outcome: outcome) else { return }
        let state =
            switch outcome {
            case .regraded: "regraded"
            case .unchanged: "unchanged"
            case .failed: "failed"
            }
        logger.info(
            "regrade item recorded",
            metadata: ["regrade": "\(job.id)", "attempt": "\(attemptID)", "outcome": "\(state)"]
        )
    }

    private func run(_ job: RegradeJob, store: any RegradeStore) async {
        let started = ContinuousClock.now
        var target = job.versionTo
        do {
            if target == nil, let question = catalog.anyQuestion(job.questionID),
                let known = versions.withLock({ $0[job.questionID] }), known.grading == question.grading
            {
                target = known.version
                try await store.setRegradeVersion(id: job.id, version: known.version)
            }
            while true {
                let attempts = try await store.pendingRegradeAttempts(id: job.id, limit: Self.batch)
                guard !attempts.isEmpty else { break }
                guard let question = catalog.anyQuestion(job.questionID) else {
                    for attempt in attempts {
                        try await complete(
                            job,
                            attempt.id ?? 0,
                            .failed(reason: "the question is no longer in the served banks"),
                            store
                        )
                    }
                    continue
                }
                var rest = attempts[...]
                if question.kind == .code, target == nil, let first = rest.popFirst() {
                    // The first grading tells the version every other attempt is compared with.
                    let (outcome, version) = try await regrade(first, question: question, job: job, target: nil)
                    if let version {
                        target = version
                        versions.withLock { $0[job.questionID] = (question.grading, version) }
                        try await store.setRegradeVersion(id: job.id, version: version)
                    }
                    try await complete(job, first.id ?? 0, outcome, store)
                }
                let lanes = max(1, grader.configuration.parallelism)
                let version = target
                try await withThrowingTaskGroup(of: Void.self) { group in
                    var inFlight = 0
                    for attempt in rest {
                        if inFlight >= lanes {
                            try await group.next()
                            inFlight -= 1
                        }
                        group.addTask {
                            let (outcome, _) = try await self.regrade(
                                attempt,
                                question: question,
                                job: job,
                                target: version
                            )
                            try await self.complete(job, attempt.id ?? 0, outcome, store)
                        }
                        inFlight += 1
                    }
                    try await group.waitForAll()
                }
            }
            try await store.finishRegrade(id: job.id, now: Date())
            let elapsed = ContinuousClock.now - started
            logger.info(
                "regrade finished",
                metadata: ["regrade": "\(job.id)", "question": "\(job.questionID)", "elapsed": "\(elapsed)"]
            )
        } catch {
            // The grader is shutting down, or the store cannot be reached: the job stays running in the store and
            // goes on at the next start-up (or the next POST for it).
            logger.warning(
                "regrade paused; it goes on at the next start",
                metadata: ["regrade": "\(job.id)", "error": "\(error)"]
            )
        }
    }

    /// Grades one attempt again. - Returns: what to record, and the version the grader graded against (code).
    /// - Throws: the grader's `shuttingDown`, `cancelled` or `sandboxFailed`: the job pauses.
    private func regrade(
        _ attempt: AttemptRecord,
        question: Question,
        job: RegradeJob,
        target: String?
    ) async throws -> (RegradeOutcome, String?) {
        let body = try? JSONDecoder().decode(AttemptBody.self, from: Data(attempt.answer.utf8))
        switch question.kind {
        case .code:
            if let target, attempt.version == target { return (.unchanged, target) }
            guard let code = body?.code else { return (.failed(reason: "the attempt has no code"), nil) }
            let verdict = try await grader.grade(
                question: question.id,
                code: code,
                spec: question.grading,
                seed: attempt.seed,
                client: "regrade:\(job.id)",
                background: true
            )
            guard verdict.verdict != .error else {
                return (.failed(reason: verdict.message ?? "the grader did not answer"), nil)
            }
            let result = verdict.result(for: question)
            if let version = result.version, attempt.version == version { return (.unchanged, version) }
            let tasks = result.tasks.map { tasks in
                String(decoding: (try? JSONEncoder().encode(tasks)) ?? Data("[]".utf8), as: UTF8.self)
            }
            return (
                .regraded(verdict: result.verdict.rawValue, score: result.score, tasks: tasks, version: result.version),
                result.version
            )
        case .singleChoice, .multipleChoice, .predictOutput:
            let result: AttemptResult
            if question.kind == .predictOutput, let output = body?.output {
                // against the variant the student answered (recorded in the body they sent)
                guard let answered = question.variant(body?.variant ?? 0) else {
                    return (.failed(reason: "the attempt's variant is no longer in the question"), nil)
                }
                result = AnswerChecker.grade(answered, output: output)
            } else if question.kind.isChoice, let choices = body?.choices {
                result = AnswerChecker.grade(question, choices: choices)
            } else {
                return (.failed(reason: "the attempt's answer does not fit the question"), nil)
            }
            if result.score == attempt.score, result.verdict.rawValue == attempt.verdict { return (.unchanged, nil) }
            return (.regraded(verdict: result.verdict.rawValue, score: result.score, tasks: nil, version: nil), nil)
        }
    }
}
