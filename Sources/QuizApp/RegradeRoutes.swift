import HTTP

/// The regrade's routes (`RegradeService`): start one for a class and a question, and read its progress and report.
struct RegradeRoutes {
    let regrades: RegradeService

    func add(to router: inout Router) {
        let regrades = self.regrades
        router.post("/api/v1/classes/{code}/regrades") { try await regrades.start($0) }
        router.get("/api/v1/classes/{code}/regrades") { try await regrades.list($0) }
        router.get("/api/v1/classes/{code}/regrades/{id}") { try await regrades.show($0) }
    }
}
