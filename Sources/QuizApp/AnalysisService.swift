import Foundation
import HTTP
import Store

/// `GET /api/v1/classes/{code}/analysis?assignment=ID`: item analysis (`ItemAnalysis`) of the class's counted
/// students, over every attempt, or over an assignment's questions from its `opens_at` on.
struct AnalysisService: Sendable {
    let access: Access
    let catalog: LiveCatalog

    /// The store's analysis, or 501 when this server's store has none (a store without `AnalysisStore`).
    static func store(_ access: Access) throws -> any AnalysisStore {
        guard let store = access.store as? any AnalysisStore else {
            throw QuizError.notImplemented("This server's database does not keep item analysis or class exports.")
        }
        return store
    }

    func analysis(_ request: Request) async throws -> Response {
        let (_, classRecord) = try await access.requireClass(request)
        let store = try Self.store(access)
        let classroom = try access.classroomStore()
        let code = classRecord.code
        let assignments = try await access.wrapStore { try await classroom.assignments(classCode: code) }
        var assignment: AssignmentRecord?
        if let id = request.query["assignment"], !id.isEmpty {
            guard let found = assignments.first(where: { $0.id == id }) else {
                throw QuizError.notFound("The class \(code) has no assignment \"\(id)\".")
            }
            assignment = found
        }
        // The whole class: its assignments' questions in their order, then any other question attempted.
        var listed: [String] = []
        var seen = Set<String>()
        for id in (assignment.map { [$0] } ?? assignments).flatMap(\.questions) where seen.insert(id).inserted {
            listed.append(id)
        }
        let scope = assignment.map { AnalysisScope(questionIDs: $0.questions, since: $0.opensAt) }
        let data = try await access.wrapStore { try await store.itemAnalysis(classCode: code, scope: scope) }
        return .json(
            ItemAnalysis(
                classRecord: classRecord,
                assignment: assignment,
                questions: listed,
                data: data,
                bank: catalog.current.bank
            )
        )
    }
}
