import Foundation
import HTTP
import Store

/// One class as its teachers see it, and how students join it: `GET` and `PATCH /api/v1/classes/{code}`.
struct ClassSettingsService: Sendable {
    let access: Access

    struct Update: Decodable {
        var joining: String
    }

    /// `{"code","name","created_at","joining"}`.
    struct Entry: Encodable {
        var code, name, createdAt, joining: String

        init(_ record: ClassRecord, joining: JoinPolicy) {
            code = record.code
            name = record.name
            createdAt = RFC3339.string(record.createdAt)
            self.joining = joining.rawValue
        }

        enum CodingKeys: String, CodingKey {
            case code, name, joining
            case createdAt = "created_at"
        }
    }

    func show(_ request: Request) async throws -> Response {
        let (_, classRecord) = try await access.requireClass(request)
        return .json(Entry(classRecord, joining: try await policy(of: classRecord)))
    }

    /// Any teacher of the class may change how students join it (closing it once everyone is in, say).
    func update(_ request: Request) async throws -> Response {
        let (_, classRecord) = try await access.requireClass(request)
        let body = try request.decodeJSON(Update.self)
        let joining = try Self.policy(body.joining)
        try await access.wrapStore {
            try await access.enrolmentStore().setJoinPolicy(classCode: classRecord.code, joining)
        }
        return .json(Entry(classRecord, joining: joining))
    }

    private func policy(of classRecord: ClassRecord) async throws -> JoinPolicy {
        guard let enrolment = access.enrolment else { return .open }
        return try await access.wrapStore { try await enrolment.joinPolicy(classCode: classRecord.code) } ?? .open
    }

    static func policy(_ raw: String) throws -> JoinPolicy {
        guard let policy = JoinPolicy(rawValue: raw) else {
            throw QuizError.invalidField("joining", "must be open, approval or roster.")
        }
        return policy
    }
}
