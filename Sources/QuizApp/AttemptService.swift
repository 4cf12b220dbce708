import Foundation
import Grader
import HTTP
import Metrics
import QuizCore
import Store

/// Grades one attempt: choice and output answers here, code in the grading pool. When a student sent their token,
/// the attempt is committed to the store before the answer goes out, so an answered attempt is never lost.
struct AttemptService: Sendable {
    let catalog: LiveCatalog
    let grader: GradingPool
    let store: any AttemptStore
    let classroom: ClassroomService
    /// Lateness, attempt limits and a key kept back until the due time, for questions on assignments.
    let assignments: AssignmentService
    /// Code attempts per student (keyed by student id).
    let codeLimiter: RateLimiter
    /// Code attempts without a student's token, per client address (keyed by `ClientAddress.resolve`).
    let anonymousLimiter: RateLimiter
    let clientAddress: ClientAddress
    let metrics: MetricsRegistry

    func attempt(_ request: Request) async throws -> Response {
        let questionID = request.parameters["id"] ?? ""
        // A teacher's question only for those who may see it now (`QuestionVisibility`); 404 for anyone else.
        let question = try await QuestionVisibility(access: classroom.access, catalog: catalog)
            .question(questionID, for: request)
        let body = try request.decodeJSON(AttemptBody.self)
        let student = try await classroom.student(for: request)
        let idempotencyKey = try IdempotencyKey.parse(request)
        if let first = try await replay(key: idempotencyKey, student: student) { return first }
        let terms = try await assignments.terms(student: student, questionID: question.id)
        // The grading queue serves clients in turn: a student by id, anyone else by address. Code attempts count
        // against the student's limit, or the address's, with one limiter each.
        let client: String
        let limiter: RateLimiter
        let key: String
        if let student {
            (client, limiter, key) = ("student:\(student.id)", codeLimiter, student.id)
        } else {
            let address = clientAddress.resolve(request)
            (client, limiter, key) = ("address:\(address)", anonymousLimiter, address)
        }
        if question.kind == .code, let wait = await limiter.admit(key) {
            throw QuizError.rateLimited(seconds: wait)
        }
        // A predict-output question with variants is graded as the variant the answer is for.
        let served = try await variant(of: question, body: body, student: student)
        let result: AttemptResult
        do {
            result = try await grade(served, body: body, client: client)
        } catch let error as GradingError {
            // Not graded (the queue full, the client gone): not counted.
            await limiter.refund(key)
            throw error
        }
        var response = Response.json(terms.redact(result))
        if let student {
            let answer = (try? String(decoding: JSONEncoder().encode(body), as: UTF8.self)) ?? "{}"
            // Each task whole (status, message, elapsed, trace), for the teacher's view of the attempt.
            let tasks = result.tasks.map { tasks in
                String(decoding: (try? JSONEncoder().encode(tasks)) ?? Data("[]".utf8), as: UTF8.self)
            }
            let record = AttemptRecord(
                studentID: student.id,
                questionID: question.id,
                kind: question.kind.rawValue,
                answer: answer,
                verdict: result.verdict.rawValue,
                score: result.score,
                tasks: tasks,
                createdAt: Date(),
                version: result.version,
                seed: result.seed
            )
            let claim = idempotencyKey.map { key in
                IdempotencyClaim(
                    key: key,
                    response: String(decoding: response.body, as: UTF8.self),
                    since: IdempotencyKey.cutoff()
                )
            }
            if case .replayed(let first) = try await recordOnce(record, terms: terms, claim: claim) {
                return IdempotencyKey.replay(first)
            }
        }
        if let until = terms.keyHiddenUntil {
            response.headers.add("X-Key-Hidden-Until", RFC3339.string(until))
        }
        response.headers.add("X-Attempt-Recorded", student == nil ? "false" : "true")
        return response
    }

    /// The question as the variant this answer is for: the one the body names, which for a student must be the
    /// one served to them for this attempt (`VariantAssignment`; 422 otherwise); variant 0 when it names none. A question without variants is itself (`variant` 0 or left out).
    /// Only predict-output questions have variants here; other kinds ignore the field.
    func variant(of question: Question, body: AttemptBody, student: StudentRecord?) async throws -> Question {
        guard question.kind == .predictOutput else { return question }
        if let sent = body.variant, !(0..<question.variantCount).contains(sent) {
            throw QuizError.invalidField(
                "variant",
                question.hasVariants
                    ? "question \"\(question.id)\" has variants 0 to \(question.variantCount - 1)."
                    : "question \"\(question.id)\" has no variants; leave the field out."
            )
        }
        guard question.hasVariants else { return question }
        var index = body.variant ?? 0
        // A student naming a variant must name the one served to them for this attempt, so that no one picks the
        // easy one. An answer naming none is graded against variant 0, for anyone: the contract's attempt body is
        // `{"output": …}`, and programs that answer with the bank's own key (variant 0's) keep working.
        if let student, let sent = body.variant {
            let assigned = try await VariantAssignment(access: classroom.access).assigned(question, to: student)
            guard sent == assigned else {
                throw QuizError.wrongVariant(question: question.id, sent: sent, assigned: assigned)
            }
            index = assigned
        }
        return question.variant(index) ?? question
    }

    /// The most code a submission may have, well under the body limit so the JSON around it always fits.
    static let codeLimit = 32 * 1024

    /// - Parameter client: who is asking, for the grading queue's turns; nil: a client of its own.
    func grade(_ question: Question, body: AttemptBody, client: String? = nil) async throws -> AttemptResult {
        switch question.kind {
        case .singleChoice, .multipleChoice:
            guard let chosen = body.choices else {
                throw QuizError.invalidField(
                    "choices",
                    "required for a \(question.kind.rawValue) question, e.g. {\"choices\": [\"b\"]}."
                )
            }
            let known = Set(question.choices?.map(\.id) ?? [])
            for (index, id) in chosen.enumerated() where !known.contains(id) {
                throw QuizError.invalidField("choices[\(index)]", "\"\(id)\" is not a choice of this question.")
            }
            if question.kind == .singleChoice, chosen.count != 1 {
                throw QuizError.invalidField("choices", "a single choice question takes exactly one choice.")
            }
            if Set(chosen).count != chosen.count {
                throw QuizError.invalidField("choices", "the same choice is given twice.")
            }
            return AnswerChecker.grade(question, choices: chosen)
        case .predictOutput:
            guard let output = body.output else {
                throw QuizError.invalidField(
                    "output",
                    "required for a predict_output question, e.g. {\"output\": \"1\\n2\"}."
                )
            }
            return AnswerChecker.grade(question, output: output)
        case .code:
            guard let code = body.code else {
                throw QuizError.invalidField(
                    "code",
                    "required for a code question, e.g. {\"code\": \"async def ...\"}."
                )
            }
            guard code.utf8.count <= Self.codeLimit else {
                throw QuizError.invalidField("code", "longer than \(Self.codeLimit / 1024) KiB.")
            }
            let started = ContinuousClock.now
            let verdict = try await grader.grade(
                question: question.id,
                code: code,
                spec: question.grading,
                client: client
            )
            let result = verdict.result(for: question)
            let elapsed = ContinuousClock.now - started
            AppMetrics.graded(
                result,
                seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
                registry: metrics
            )
            return result
        }
    }
}
