import HTTP

/// The routes of teachers' own banks (`TeacherBankService`).
struct BankRoutes {
    let banks: TeacherBankService

    func add(to router: inout Router) {
        let banks = self.banks
        router.post("/api/v1/banks") { try await banks.create($0) }
        router.get("/api/v1/banks") { try await banks.list($0) }
        router.on("PUT", "/api/v1/banks/{id}") { try await banks.replace($0) }
        router.on("DELETE", "/api/v1/banks/{id}") { try await banks.delete($0) }
    }
}
