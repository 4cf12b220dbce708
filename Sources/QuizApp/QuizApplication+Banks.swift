extension QuizApplication {
    /// The body limits of the routes that take more than the general 64 KiB: a teacher's bank (1 MiB), whose code
    /// questions carry their solutions, wrong solutions and tasks. For `ServerConfiguration.bodyLimits`.
    public static let bodyLimits = [
        "/api/v1/banks": TeacherBankService.bodyLimit,
        "/api/v1/banks/": TeacherBankService.bodyLimit,
    ]

    /// Serves the teachers' banks kept in the store (`POST /api/v1/banks`); `serve` calls it once at start-up, before
    /// it listens, so a restart serves the same questions.
    public func loadTeacherBanks() async throws {
        try await TeacherBankService(access: classroom.access, catalog: catalog, grader: grader).reload()
    }
}
