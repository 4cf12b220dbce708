import Foundation
import HTTP
import Store

/// The end of a term: `GET /api/v1/classes/{code}/export` (JSON, or CSV with `?format=csv` or `Accept: text/csv`)
/// and `DELETE /api/v1/classes/{code}` (the owner or the administrator only).
struct ClassEndService: Sendable {
    let access: Access

    func export(_ request: Request) async throws -> Response {
        let (_, classRecord) = try await access.requireClass(request)
        let csv = try Self.wantsCSV(request)
        let store = try AnalysisService.store(access)
        guard let data = try await access.wrapStore({ try await store.classExport(classCode: classRecord.code) })
        else { throw QuizError.unknownClass(classRecord.code) }
        let export = ClassExport(data: data, exportedAt: Date())
        var response: Response
        if csv {
            response = .text(export.csv(), contentType: "text/csv; charset=utf-8")
            response.headers.add("Content-Disposition", "attachment; filename=\"class-\(classRecord.code).csv\"")
        } else {
            response = Response(
                status: 200,
                headers: HTTPHeaders([("Content-Type", "application/json; charset=utf-8")]),
                body: export.json()
            )
            response.headers.add("Content-Disposition", "attachment; filename=\"class-\(classRecord.code).json\"")
        }
        return response
    }

    /// `?format=csv|json` decides; without it, an `Accept` that names `text/csv` and not `application/json` first.
    static func wantsCSV(_ request: Request) throws -> Bool {
        if let format = request.query["format"] {
            switch format.lowercased() {
            case "csv": return true
            case "json": return false
            default: throw QuizError.invalidQuery("format", "must be json or csv.")
            }
        }
        let accept = (request.headers["Accept"] ?? "").lowercased()
        guard let csv = accept.range(of: "text/csv") else { return false }
        guard let json = accept.range(of: "application/json") else { return true }
        return csv.lowerBound < json.lowerBound
    }

    /// Deletes the class and everything in it, for real, in one transaction; its students' tokens stop at once.
    func delete(_ request: Request) async throws -> Response {
        let (_, classRecord) = try await access.requireClass(request, ownerOnly: true)
        let store = try AnalysisService.store(access)
        _ = try access.classroomStore()
        guard try await access.wrapStore({ try await store.deleteClass(code: classRecord.code) }) else {
            throw QuizError.unknownClass(classRecord.code)
        }
        return Response(status: 204)
    }
}
