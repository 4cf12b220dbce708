import HTTP

/// The classroom's routes of round 2: teachers' accounts, the roster, assignments.
struct ClassroomRoutes {
    let teachers: TeacherService
    let roster: RosterService
    let assignments: AssignmentService
    let signIn: SignInService
    let settings: ClassSettingsService

    func add(to router: inout Router) {
        let teachers = self.teachers
        let roster = self.roster
        let assignments = self.assignments
        let signIn = self.signIn
        let settings = self.settings
        router.post("/api/v1/teachers") { try await teachers.create($0) }
        router.get("/api/v1/teachers") { try await teachers.list($0) }
        router.on("DELETE", "/api/v1/teachers/{id}") { try await teachers.delete($0) }
        router.post("/api/v1/classes/{code}/teachers") { try await teachers.addCoTeacher($0) }

        router.get("/api/v1/classes/{code}") { try await settings.show($0) }
        router.on("PATCH", "/api/v1/classes/{code}") { try await settings.update($0) }
        router.get("/api/v1/classes/{code}/students") { try await roster.students($0) }
        router.post("/api/v1/classes/{code}/students") { try await roster.add($0) }
        router.post("/api/v1/classes/{code}/students/{id}/approve") { try await roster.approve($0) }
        router.on("DELETE", "/api/v1/classes/{code}/students/{id}") { try await roster.remove($0) }
        router.on("PATCH", "/api/v1/classes/{code}/students/{id}") { try await roster.rename($0) }
        router.post("/api/v1/classes/{code}/students/{id}/readmit") { try await roster.createReadmitCode($0) }
        router.get("/api/v1/classes/{code}/students/{id}/attempts") { try await roster.attempts($0) }
        router.post("/api/v1/students/readmit") { try await roster.redeem($0) }

        router.post("/api/v1/classes/{code}/assignments") { try await assignments.create($0) }
        router.get("/api/v1/classes/{code}/assignments") { try await assignments.list($0) }
        router.on("PUT", "/api/v1/classes/{code}/assignments/{id}") { try await assignments.replace($0) }
        router.on("DELETE", "/api/v1/classes/{code}/assignments/{id}") { try await assignments.delete($0) }
        router.get("/api/v1/classes/{code}/assignments/{id}/results") { try await assignments.results($0) }
        router.get("/api/v1/classes/{code}/assignments/{id}/results.csv") { try await assignments.resultsCSV($0) }
        router.get("/api/v1/me/assignments") { try await assignments.mine($0) }
        router.post("/api/v1/me/assignments/{id}/start") { try await assignments.start($0) }

        router.on("PUT", "/api/v1/teachers/me/password") { try await signIn.setPassword($0) }
        router.post("/api/v1/sessions") { try await signIn.signIn($0) }
        router.on("DELETE", "/api/v1/sessions") { try await signIn.signOut($0) }
    }
}
