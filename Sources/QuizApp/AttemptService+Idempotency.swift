import Foundation
import HTTP
import QuizCore
import Store

/// `Idempotency-Key` on `POST /api/v1/questions/{id}/attempts`: the same key from the same student within 24 hours
/// returns the first answer again and records nothing new. A balancer that resends a submission after an instance
/// died (or a client that retries after a lost answer) can so never record one attempt twice.
enum IdempotencyKey {
    static let header = "Idempotency-Key"
    /// How long a key's first answer is kept.
    static let lifetime: TimeInterval = 24 * 60 * 60

    /// The request's key: nil without the header; 400 unless it is 1 to 64 visible ASCII characters.
    static func parse(_ request: Request) throws -> String? {
        guard let key = request.headers[header] else { return nil }
        guard (1...64).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw HTTPError.badRequest(
                "Header \"\(header)\": 1 to 64 visible ASCII characters (no spaces), e.g. a UUID."
            )
        }
        return key
    }

    /// The moment before which a key's answer has expired.
    static func cutoff(_ now: Date = Date()) -> Date { now.addingTimeInterval(-lifetime) }

    /// The first answer, sent again: the same body, marked as a replay.
    static func replay(_ body: String) -> Response {
        var response = Response(
            status: 200,
            headers: HTTPHeaders([("Content-Type", "application/json; charset=utf-8")]),
            body: Data(body.utf8)
        )
        response.headers.add("X-Attempt-Recorded", "true")
        response.headers.add("Idempotent-Replayed", "true")
        return response
    }
}

extension AttemptService {
    /// The first answer to this student's key, when there is one: the caller sends it and does nothing else.
    func replay(key: String?, student: StudentRecord?) async throws -> Response? {
        guard let key, let student else { return nil }
        let first = try await classroom.wrap {
            try await store.idempotentResponse(studentID: student.id, key: key, since: IdempotencyKey.cutoff())
        }
        return first.map(IdempotencyKey.replay)
    }

    /// Records the attempt: on an assignment's question with its lateness and attempt limit, and under the
    /// request's `Idempotency-Key` when it has one, in one transaction. `.replayed` means a request with the same
    /// key got there first (perhaps concurrently): nothing was recorded, and its answer is to be sent again.
    func recordOnce(
        _ record: AttemptRecord,
        terms: AssignmentService.Terms,
        claim: IdempotencyClaim?
    ) async throws -> IdempotentRecord {
        if terms.onAssignment {
            return try await assignments.record(record, terms: terms, claim: claim)
        }
        guard let claim else { return .recorded(try await classroom.wrap { try await store.record(record) }) }
        return try await classroom.wrap {
            try await store.record(record, idempotencyKey: claim.key, response: claim.response, since: claim.since)
        }
    }
}
