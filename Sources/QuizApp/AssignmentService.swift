import Foundation
import HTTP
import QuizCore
import Store

/// Assignments: a class's set of questions between two times. Attempts on them are never refused for lateness,
/// only marked; `max_attempts` refuses the one too many (409); `key: after_due` keeps the answer key out of every
/// result on those questions until the due time.
struct AssignmentService: Sendable {
    let access: Access
    let catalog: LiveCatalog
    let classroom: ClassroomService

    struct NewAssignment: Decodable {
        var title: String
        var questions: [String]
        var opensAt: String
        var dueAt: String
        var maxAttempts: Int?
        var counts: String?
        var key: String?
        var timeLimitMinutes: Int?

        enum CodingKeys: String, CodingKey {
            case title, questions, counts, key
            case opensAt = "opens_at"
            case dueAt = "due_at"
            case maxAttempts = "max_attempts"
            case timeLimitMinutes = "time_limit_minutes"
        }
    }

    /// The longest time limit from first opening, in minutes: a day.
    static let timeLimitRange = 1...1440

    static let countsValues = ["best", "first", "last"]
    static let keyValues = ["now", "after_due"]

    // MARK: - Teacher routes

    func create(_ request: Request) async throws -> Response {
        let (_, classRecord) = try await access.requireClass(request)
        let body = try request.decodeJSON(NewAssignment.self)
        let record = try validate(body, classCode: classRecord.code)
        try await QuestionVisibility(access: access, catalog: catalog).requireAssignable(
            record.questions,
            classRecord.code
        )
        let saved = try await access.wrapStore { try await access.classroomStore().createAssignment(record) }
        return .json(AssignmentEntry(saved), status: 201)
    }

    /// `PUT /api/v1/classes/{code}/assignments/{id}`: new terms for an assignment, in the body of a new one (a
    /// later due time, another attempt limit, a question more). Its attempts stay, counted under the new terms, and
    /// their `late` marks are worked out again under the new times, in the same transaction as the change.
    func replace(_ request: Request) async throws -> Response {
        let (_, classRecord) = try await access.requireClass(request)
        let old = try await existing(request, classCode: classRecord.code)
        var record = try validate(try request.decodeJSON(NewAssignment.self), classCode: classRecord.code)
        record.id = old.id
        record.createdAt = old.createdAt
        try await QuestionVisibility(access: access, catalog: catalog).requireAssignable(
            record.questions,
            classRecord.code
        )
        let questions = old.questions + record.questions.filter { !old.questions.contains($0) }
        let late = try await lateMarks(classCode: classRecord.code, replacing: old.id, with: record, on: questions)
        let store = try access.classroomStore()
        guard try await access.wrapStore({ try await store.replaceAssignment(record, late: late) }) else {
            throw Self.unknown(old.id, classRecord.code)
        }
        return .json(AssignmentEntry(record))
    }

    /// `DELETE /api/v1/classes/{code}/assignments/{id}`: the assignment goes; the attempts made on its questions
    /// stay (they are the students' work), with their `late` marks worked out again without it.
    func delete(_ request: Request) async throws -> Response {
        let (_, classRecord) = try await access.requireClass(request)
        let old = try await existing(request, classCode: classRecord.code)
        let late = try await lateMarks(classCode: classRecord.code, replacing: old.id, with: nil, on: old.questions)
        let store = try access.classroomStore()
        guard
            try await access.wrapStore({
                try await store.deleteAssignment(id: old.id, classCode: classRecord.code, late: late)
            })
        else { throw Self.unknown(old.id, classRecord.code) }
        return Response(status: .noContent)
    }

    private func existing(_ request: Request, classCode: String) async throws -> AssignmentRecord {
        let id = request.parameters["id"] ?? ""
        let store = try access.classroomStore()
        guard let found = try await access.wrapStore({ try await store.assignment(id: id, classCode: classCode) })
        else { throw Self.unknown(id, classCode) }
        return found
    }

    static func unknown(_ id: String, _ classCode: String) -> QuizError {
        QuizError.notFound("The class \(classCode) has no assignment \"\(id)\".")
    }

    /// The `late` marks that change when the class's assignment `replacing` becomes `record` (nil: is deleted), for
    /// the attempts on `questions`: each attempt judged by the rule it was recorded under (`terms`, `late`): on
    /// the assignments with its question that had opened when it was made, late when every one's deadline for that
    /// student had passed; on none, no mark.
    private func lateMarks(
        classCode: String,
        replacing id: String,
        with record: AssignmentRecord?,
        on questions: [String]
    ) async throws -> [Int64: Bool?] {
        let store = try access.classroomStore()
        return try await access.wrapStore {
            var assignments = try await store.assignments(classCode: classCode).filter { $0.id != id }
            if let record { assignments.append(record) }
            var starts: [String: [String: Date]] = [:]
            for assignment in assignments where assignment.timeLimitMinutes != nil {
                starts[assignment.id] = try await store.assignmentStarts(assignmentID: assignment.id)
            }
            var changes: [Int64: Bool?] = [:]
            for stored in try await store.attemptMarks(classCode: classCode, questionIDs: questions) {
                guard let attemptID = stored.record.id else { continue }
                let made = stored.record.createdAt
                let opened = assignments.filter {
                    $0.opensAt <= made && $0.questions.contains(stored.record.questionID)
                }
                let late: Bool? =
                    opened.isEmpty
                    ? nil : Self.late(opened.map { ($0, starts[$0.id]?[stored.record.studentID]) }, now: made)
                if late != stored.late { changes[attemptID] = late }
            }
            return changes
        }
    }

    func list(_ request: Request) async throws -> Response {
        let (_, classRecord) = try await access.requireClass(request)
        let records = try await access.wrapStore {
            try await access.classroomStore().assignments(classCode: classRecord.code)
        }
        return .json(["assignments": records.map(AssignmentEntry.init)])
    }

    func results(_ request: Request) async throws -> Response {
        Response(
            status: 200,
            headers: HTTPHeaders([("Content-Type", "application/json; charset=utf-8")]),
            body: try await report(request).json()
        )
    }

    /// `GET /api/v1/classes/{code}/assignments/{id}/results.csv`: the same report as CSV, for a spreadsheet.
    func resultsCSV(_ request: Request) async throws -> Response {
        let report = try await report(request)
        var response = Response.text(report.csv(), contentType: "text/csv; charset=utf-8")
        let file = "results-\(report.class.code)-\(report.assignment.id).csv"
        response.headers.add("Content-Disposition", "attachment; filename=\"\(file)\"")
        return response
    }

    private func report(_ request: Request) async throws -> AssignmentReport {
        let (_, classRecord) = try await access.requireClass(request)
        let id = request.parameters["id"] ?? ""
        let store = try access.classroomStore()
        guard
            let assignment = try await access.wrapStore({
                try await store.assignment(id: id, classCode: classRecord.code)
            })
        else { throw QuizError.notFound("The class \(classRecord.code) has no assignment \"\(id)\".") }
        let roster = try await access.wrapStore { try await store.roster(classCode: classRecord.code) }
        let attempts = try await access.wrapStore {
            try await store.attemptMarks(classCode: classRecord.code, questionIDs: assignment.questions)
        }
        let starts = try await access.wrapStore { try await store.assignmentStarts(assignmentID: assignment.id) }
        let report = AssignmentReport(
            assignment: assignment,
            classRecord: classRecord,
            students: roster.filter(\.counted).map(\.student),
            attempts: attempts.map(\.record),
            deadlines: starts.mapValues { assignment.deadline(startedAt: $0) }
        )
        return report
    }

    // MARK: - Student route

    /// `GET /api/v1/me/assignments`: open ones first (soonest due), then those not open yet, then past ones.
    func mine(_ request: Request) async throws -> Response {
        guard let student = try await classroom.student(for: request) else {
            throw QuizError.unauthorized("This needs a student's token: join a class first.")
        }
        let store = try access.classroomStore()
        let records = try await access.wrapStore { try await store.assignments(classCode: student.classCode) }
        let now = Date()
        func rank(_ record: AssignmentRecord) -> Int {
            if record.opensAt <= now && now < record.dueAt { return 0 }
            return record.opensAt > now ? 1 : 2
        }
        let starts = try await access.wrapStore { try await store.assignmentStarts(studentID: student.id) }
        let ordered = records.enumerated().sorted { lhs, rhs in
            let (a, b) = (rank(lhs.element), rank(rhs.element))
            if a != b { return a < b }
            switch a {
            case 0: return lhs.element.dueAt < rhs.element.dueAt
            case 1: return lhs.element.opensAt < rhs.element.opensAt
            default: return lhs.element.dueAt > rhs.element.dueAt
            }
        }.map(\.element)
        var entries: [MyAssignment] = []
        for record in ordered {
            let passed = try await access.wrapStore {
                try await store.passed(studentID: student.id, questionIDs: record.questions)
            }
            entries.append(
                MyAssignment(
                    id: record.id,
                    title: record.title,
                    questions: record.questions,
                    opensAt: record.opensAtText,
                    dueAt: record.dueAtText,
                    done: passed.count,
                    total: record.questions.count,
                    state: ["open", "upcoming", "closed"][rank(record)],
                    timeLimitMinutes: record.timeLimitMinutes,
                    startedAt: starts[record.id].map(Self.stamp),
                    endsAt: starts[record.id].map { Self.stamp(record.deadline(startedAt: $0)) }
                )
            )
        }
        return .json(["assignments": entries])
    }

    /// `POST /api/v1/me/assignments/{id}/start`: the student opens the assignment, which starts their clock when it
    /// has a time limit. Idempotent: the first start is kept, on every instance (the store's conditional insert).
    /// 404 for an assignment not of the student's class, 409 before it opens.
    func start(_ request: Request, now: Date = Date()) async throws -> Response {
        guard let student = try await classroom.student(for: request) else {
            throw QuizError.unauthorized("This needs a student's token: join a class first.")
        }
        let id = request.parameters["id"] ?? ""
        let store = try access.classroomStore()
        guard
            let record = try await access.wrapStore({
                try await store.assignment(id: id, classCode: student.classCode)
            })
        else { throw QuizError.notFound("Your class has no assignment \"\(id)\".") }
        guard record.opensAt <= now else {
            throw QuizError.conflict("The assignment opens at \(record.opensAtText); it cannot be started before.")
        }
        let started = try await access.wrapStore {
            try await store.startAssignment(id: record.id, studentID: student.id, now: now)
        }
        return .json(
            AssignmentStart(
                id: record.id,
                timeLimitMinutes: record.timeLimitMinutes,
                startedAt: Self.stamp(started),
                endsAt: Self.stamp(record.deadline(startedAt: started)),
                dueAt: record.dueAtText
            )
        )
    }

    /// An instant as RFC 3339 in UTC with milliseconds (`2026-03-01T08:00:00.250Z`).
    static func stamp(_ date: Date) -> String {
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return format.string(from: date)
    }

    // MARK: - Attempts

    /// What the assignments say about one attempt, decided before it is graded.
    struct Terms: Sendable {
        /// Record through the classroom store, with `late` (the question is on an assignment that has opened).
        var onAssignment = false
        var late = false
        var limit: AttemptLimit?
        /// Results carry no key until then.
        var keyHiddenUntil: Date?

        /// The result without its key: no right or wrong per option, no expected output, no explanation. The verdict,
        /// score and each task's status stay (a hidden task's inputs and values are never in a result).
        func redact(_ result: AttemptResult) -> AttemptResult {
            guard keyHiddenUntil != nil else { return result }
            var result = result
            result.feedback = nil
            result.expected = nil
            result.explanation = ""
            return result
        }
    }

    /// - Throws: `QuizError.attemptLimit` when an opened assignment's `max_attempts` are used up on this question.
    func terms(student: StudentRecord?, questionID: String, now: Date = Date()) async throws -> Terms {
        guard let store = access.classroom else { return Terms() }
        let context = try await access.wrapStore {
            try await store.attemptContext(
                questionID: questionID,
                student: student.map { ($0.id, $0.classCode) },
                now: now
            )
        }
        var terms = Terms()
        terms.keyHiddenUntil = context.keyHiddenUntil
        guard !context.opened.isEmpty else { return terms }
        terms.onAssignment = true
        // The assignment with the fewest attempts left decides; none left on any: 409 before grading.
        var fewest: (left: Int, limit: AttemptLimit)?
        for (assignment, made) in context.opened {
            guard let maximum = assignment.maxAttempts else { continue }
            if made >= maximum { throw QuizError.attemptLimit(maximum) }
            if fewest == nil || maximum - made < fewest!.left {
                fewest = (maximum - made, AttemptLimit(maximum: maximum, since: assignment.opensAt))
            }
        }
        terms.limit = fewest?.limit
        // An attempt on a question of a timed assignment still before its due time starts the student's clock, as
        // opening the assignment does (the first start is kept).
        var opened: [(assignment: AssignmentRecord, startedAt: Date?)] = []
        for (assignment, _) in context.opened {
            var startedAt: Date?
            if let student, assignment.timeLimitMinutes != nil, now < assignment.dueAt {
                startedAt = try await access.wrapStore {
                    try await store.startAssignment(id: assignment.id, studentID: student.id, now: now)
                }
            }
            opened.append((assignment, startedAt))
        }
        terms.late = Self.late(opened, now: now)
        return terms
    }

    /// Late only when no opened assignment that has the question is still open for the student: each one's own
    /// deadline (`AssignmentRecord.deadline`, the due time or the end of their time limit) has passed at `now`.
    static func late(_ opened: [(assignment: AssignmentRecord, startedAt: Date?)], now: Date) -> Bool {
        opened.allSatisfy { $0.assignment.deadline(startedAt: $0.startedAt) <= now }
    }

    /// Records an attempt on an assignment's question: marked late or not, refused (409) if another attempt used up
    /// the last one meanwhile.
    func record(_ attempt: AttemptRecord, terms: Terms, claim: IdempotencyClaim?) async throws -> IdempotentRecord {
        try await access.wrapStore {
            try await access.classroomStore().record(attempt, late: terms.late, limit: terms.limit, claim: claim)
        }
    }

    // MARK: - Validation

    func validate(_ body: NewAssignment, classCode: String) throws -> AssignmentRecord {
        let title = try ClassroomService.displayName(body.title, limit: 120, field: "title")
        guard !body.questions.isEmpty else {
            throw QuizError.invalidField("questions", "give at least one question id.")
        }
        guard body.questions.count <= 200 else {
            throw QuizError.invalidField("questions", "at most 200 questions in one assignment.")
        }
        let bank = catalog.current.bank
        var seen = Set<String>()
        for (index, id) in body.questions.enumerated() {
            guard bank.question(id) != nil || catalog.owned.question(id) != nil else {
                throw QuizError.invalidField("questions[\(index)]", "there is no question \"\(id)\".")
            }
            guard seen.insert(id).inserted else {
                throw QuizError.invalidField("questions[\(index)]", "\"\(id)\" is listed twice.")
            }
        }
        let opensAt = try Self.time(body.opensAt, field: "opens_at")
        let dueAt = try Self.time(body.dueAt, field: "due_at")
        guard dueAt > opensAt else { throw QuizError.invalidField("due_at", "must be after opens_at.") }
        if let maximum = body.maxAttempts, !(1...1000).contains(maximum) {
            throw QuizError.invalidField("max_attempts", "must be 1 to 1000 (or left out: no limit).")
        }
        let counts = body.counts ?? "best"
        guard Self.countsValues.contains(counts) else {
            throw QuizError.invalidField("counts", "must be best, first or last.")
        }
        let key = body.key ?? "after_due"
        guard Self.keyValues.contains(key) else { throw QuizError.invalidField("key", "must be now or after_due.") }
        if let minutes = body.timeLimitMinutes, !Self.timeLimitRange.contains(minutes) {
            throw QuizError.invalidField(
                "time_limit_minutes",
                "must be 1 to 1440 whole minutes from first opening (or left out: no limit)."
            )
        }
        return AssignmentRecord(
            id: UUID().uuidString.lowercased(),
            classCode: classCode,
            title: title,
            questions: body.questions,
            opensAt: opensAt,
            dueAt: dueAt,
            opensAtText: body.opensAt,
            dueAtText: body.dueAt,
            maxAttempts: body.maxAttempts,
            counts: counts,
            key: key,
            createdAt: Date(),
            timeLimitMinutes: body.timeLimitMinutes
        )
    }

    /// RFC 3339 with its offset (`2026-03-01T09:00:00+01:00`, `...Z`), fractional seconds allowed.
    static func time(_ text: String, field: String) throws -> Date {
        guard let date = RFC3339.date(text) else {
            throw QuizError.invalidField(
                field,
                "must be an RFC 3339 time with its offset, like 2026-03-01T09:00:00+01:00."
            )
        }
        return date
    }
}

/// An assignment as the API shows it: the fields it was made with, and its id.
struct AssignmentEntry: Encodable {
    var id, title: String
    var questions: [String]
    var opensAt, dueAt: String
    var maxAttempts: Int?
    var counts, key: String
    var timeLimitMinutes: Int?

    init(_ record: AssignmentRecord) {
        id = record.id
        title = record.title
        questions = record.questions
        opensAt = record.opensAtText
        dueAt = record.dueAtText
        maxAttempts = record.maxAttempts
        counts = record.counts
        key = record.key
        timeLimitMinutes = record.timeLimitMinutes
    }

    enum CodingKeys: String, CodingKey {
        case id, title, questions, counts, key
        case opensAt = "opens_at"
        case dueAt = "due_at"
        case maxAttempts = "max_attempts"
        case timeLimitMinutes = "time_limit_minutes"
    }
}

struct MyAssignment: Encodable {
    var id, title: String
    var questions: [String]
    var opensAt, dueAt: String
    var done, total: Int
    /// `open`, `upcoming` or `closed`.
    var state: String
    var timeLimitMinutes: Int?
    /// When the student first opened it (RFC 3339, UTC); absent until then.
    var startedAt: String?
    /// The student's own deadline once started: the due time, or the end of the time limit if that comes first.
    var endsAt: String?

    enum CodingKeys: String, CodingKey {
        case id, title, questions, done, total, state
        case opensAt = "opens_at"
        case dueAt = "due_at"
        case timeLimitMinutes = "time_limit_minutes"
        case startedAt = "started_at"
        case endsAt = "ends_at"
    }
}

/// The answer to starting an assignment: when the student started it and when their time ends.
struct AssignmentStart: Encodable {
    var id: String
    var timeLimitMinutes: Int?
    var startedAt, endsAt, dueAt: String

    enum CodingKeys: String, CodingKey {
        case id
        case timeLimitMinutes = "time_limit_minutes"
        case startedAt = "started_at"
        case endsAt = "ends_at"
        case dueAt = "due_at"
    }
}
