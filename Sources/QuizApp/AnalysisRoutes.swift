import HTTP

/// Item analysis and the end of a term: `GET .../analysis`, `GET .../export`, `DELETE /api/v1/classes/{code}`.
struct AnalysisRoutes {
    let access: Access
    let catalog: LiveCatalog

    func add(to router: inout Router) {
        let analysis = AnalysisService(access: access, catalog: catalog)
        let classEnd = ClassEndService(access: access)
        router.get("/api/v1/classes/{code}/analysis") { try await analysis.analysis($0) }
        router.get("/api/v1/classes/{code}/export") { try await classEnd.export($0) }
        router.on("DELETE", "/api/v1/classes/{code}") { try await classEnd.delete($0) }
    }
}
