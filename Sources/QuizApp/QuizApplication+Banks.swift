extension QuizApplication {
    /// Serves the teachers' banks kept in the store (`POST /api/v1/banks`); `serve` calls it once at start-up, before
    /// it listens, so a restart serves the same questions.
    public func loadTeacherBanks() async throws {
        try await TeacherBankService(access: classroom.access, catalog: catalog, grader: grader).reload()
    }
}
