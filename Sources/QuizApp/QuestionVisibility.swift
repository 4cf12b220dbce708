import Foundation
import HTTP
import QuizCore
import Store

/// Who may see a teacher's question. The built-in questions are everyone's; a teacher's question (`OwnedQuestion`)
/// is seen by:
/// - the students of a class its owner teaches (owns or co-teaches), unless it is on assignments of that class and
///   none of them has opened yet (then it is hidden, 404, until the first `opens_at`); the administrator's questions
///   count as taught in every class;
/// - its owner, teachers who share a class with its owner, and the administrator (always, opened or not);
/// - no one else: anonymous callers and students of other classes get 404, as for a question that does not exist.
struct QuestionVisibility: Sendable {
    let access: Access
    let catalog: LiveCatalog

    enum Viewer: Sendable {
        case anonymous
        case admin
        case teacher(String)
        case student(StudentRecord)
    }

    /// Who is asking. A token that is no one's counts as anonymous here (the attempt route refuses it on its own).
    func viewer(_ request: Request) async throws -> Viewer {
        if let token = request.bearerToken {
            if access.teacher.accepts(token) { return .admin }
            let hash = Tokens.hash(token)
            if let student = try await access.wrapStore({ try await access.store.student(tokenHash: hash) }) {
                return .student(student)
            }
            if let classroom = access.classroom,
                let teacher = try await access.wrapStore({ try await classroom.teacher(tokenHash: hash) })
            {
                return .teacher(teacher.id)
            }
            return .anonymous
        }
        if let caller = try? await access.caller(request) {
            return caller.teacherID.map(Viewer.teacher) ?? .admin
        }
        return .anonymous
    }

    /// The question with this id when the caller may see it now: a built-in one, or a teacher's one they may see.
    /// - Throws: `QuizError.unknownQuestion` otherwise, the same answer as for an id that does not exist.
    func question(_ id: String, for request: Request, now: Date = Date()) async throws -> Question {
        if let question = catalog.current.bank.question(id) { return question }
        guard let owned = catalog.owned.question(id), try await canSee(owned, viewer(request), now: now) else {
            throw QuizError.unknownQuestion(id)
        }
        return owned.question
    }

    func canSee(_ owned: OwnedQuestion, _ viewer: Viewer, now: Date) async throws -> Bool {
        switch viewer {
        case .anonymous: return false
        case .admin: return true
        case .teacher(let id):
            guard let owner = owned.owner, owner != id else { return true }
            return try await sharesClass(id, owner)
        case .student(let student):
            guard try await teaches(owned.owner, student.classCode) else { return false }
            let hidden = try await hiddenQuestions(classCode: student.classCode, now: now)
            return !hidden.contains(owned.question.id)
        }
    }

    /// Whether the teacher (nil: the administrator) teaches the class, so that their questions are the class's.
    func teaches(_ owner: String?, _ classCode: String) async throws -> Bool {
        guard let owner else { return true }
        guard let classroom = access.classroom else { return false }
        return try await access.wrapStore { try await classroom.role(teacherID: owner, classCode: classCode) } != nil
    }

    private func sharesClass(_ teacher: String, _ owner: String) async throws -> Bool {
        guard let classroom = access.classroom else { return false }
        let classes = try await access.wrapStore { try await classroom.classes(teacherID: teacher) }
        for record in classes where try await teaches(owner, record.code) { return true }
        return false
    }

    /// The questions of the class's assignments that none of those assignments has opened yet, at `now`.
    func hiddenQuestions(classCode: String, now: Date) async throws -> Set<String> {
        guard let classroom = access.classroom else { return [] }
        let assignments = try await access.wrapStore { try await classroom.assignments(classCode: classCode) }
        var opened: Set<String> = []
        var waiting: Set<String> = []
        for assignment in assignments {
            if assignment.opensAt <= now {
                opened.formUnion(assignment.questions)
            } else {
                waiting.formUnion(assignment.questions)
            }
        }
        return waiting.subtracting(opened)
    }

    // MARK: - Routes

    /// `GET /api/v1/questions`: without `class`, the built-in list from memory (the immediate route). With
    /// `class=CODE`: the built-in questions, then the class's teachers' questions the caller may see now: a student
    /// of that class those open to students, a teacher of it (or the administrator) all of them. 401 without a token,
    /// 403 for a student or teacher of another class, 404 for no such class.
    func questions(_ request: Request) async throws -> Response {
        guard let code = request.query["class"]?.uppercased() else { return try catalog.current.questions(request) }
        let builtIn = catalog.current
        _ = try builtIn.questions(request)  // the same 400 for an unknown topic or kind
        let topic = request.query["topic"]
        let kind = request.query["kind"].flatMap(QuestionKind.init(rawValue:))
        guard try await access.wrapStore({ try await access.store.classRecord(code: code) }) != nil else {
            throw QuizError.unknownClass(code)
        }
        let now = Date()
        var hidden: Set<String> = []
        switch try await viewer(request) {
        case .anonymous:
            throw QuizError.unauthorized("Listing a class's questions needs a token of a student or teacher of it.")
        case .admin: break
        case .teacher(let id):
            guard try await teaches(id, code) else {
                throw QuizError.forbidden("The class \(code) is not one of yours.")
            }
        case .student(let student):
            guard student.classCode == code else {
                throw QuizError.forbidden("Your token is for the class \(student.classCode), not \(code).")
            }
            hidden = try await hiddenQuestions(classCode: code, now: now)
        }
        var owners: [String?: Bool] = [:]
        var listed: [PublicQuestion] = builtIn.bank.questions.map(PublicQuestion.init)
        for owned in catalog.owned.all where !hidden.contains(owned.question.id) {
            if owners[owned.owner] == nil { owners[owned.owner] = try await teaches(owned.owner, code) }
            guard owners[owned.owner] == true else { continue }
            listed.append(PublicQuestion(owned.question))
        }
        listed.removeAll { (topic != nil && $0.topic != topic) || (kind != nil && $0.kind != kind) }
        return .json(["questions": listed])
    }

    /// `GET /api/v1/questions/{id}` for a teacher's question, or a question with variants (other built-in ones
    /// answer from memory). A question with variants shows the one served to the caller (`VariantAssignment`), or
    /// with `?variant=N` the one a teacher asks for (to read a student's attempt beside its program).
    func question(_ request: Request) async throws -> Response {
        let question = try await question(request.parameters["id"] ?? "", for: request)
        guard question.hasVariants else {
            _ = try parsedVariant(request, question)  // only 0, the one program there is
            return .json(PublicQuestion(question))
        }
        let viewer = try await viewer(request)
        let variant: Int
        if let asked = try parsedVariant(request, question) {
            switch viewer {
            case .admin, .teacher: variant = asked
            case .anonymous, .student:
                throw QuizError.forbidden(
                    "Only a teacher picks a variant; a student is served theirs (leave out variant)."
                )
            }
        } else if case .student(let student) = viewer {
            variant = try await VariantAssignment(access: access).assigned(question, to: student)
        } else {
            variant = VariantAssignment.random(question)
        }
        guard let shown = PublicQuestion(question, variant: variant) else {
            throw QuizError.invalidQuery(
                "variant",
                "question \"\(question.id)\" has variants 0 to \(question.variantCount - 1)."
            )
        }
        var response = Response.json(shown)
        // Another fetch may serve another variant: no cache may answer for the server.
        response.headers.add("Cache-Control", "no-store")
        return response
    }

    /// `?variant=N`: nil when absent; 400 when not a variant of the question.
    private func parsedVariant(_ request: Request, _ question: Question) throws -> Int? {
        guard let text = request.query["variant"] else { return nil }
        guard let variant = Int(text), variant >= 0, variant < question.variantCount else {
            throw QuizError.invalidQuery(
                "variant",
                "question \"\(question.id)\" has variants 0 to \(question.variantCount - 1); got \"\(text)\"."
            )
        }
        return variant
    }

    /// `GET /api/v1/questions/{id}/hints/{n}`: a built-in question's from memory, a teacher's to those who may see it.
    func hint(_ request: Request) async throws -> Response {
        if answersFromMemory(request) { return try catalog.current.hint(request) }
        let id = request.parameters["id"] ?? ""
        let question = try await question(id, for: request)
        return try Catalog.hint(question, request)
    }

    /// The question routes: built-in questions answer from memory (on the bridge's thread), a teacher's question or
    /// a class's list after the store says who is asking. (Hints: `HintService`, which asks `hint` here.)
    func addQuestionRoutes(to router: inout Router) {
        let catalog = self.catalog
        let visibility = self
        router.get(
            "/api/v1/questions",
            immediate: { visibility.answersFromMemory($0) ? try catalog.current.questions($0) : nil },
            {
                visibility.answersFromMemory($0)
                    ? try catalog.current.questions($0) : try await visibility.questions($0)
            }
        )
        // A question with variants, or one asked for a variant, needs to know who asks: not from memory.
        let fromMemory: @Sendable (Request) -> Bool = { request in
            guard visibility.answersFromMemory(request), request.query["variant"] == nil else { return false }
            return catalog.current.bank.question(request.parameters["id"] ?? "")?.hasVariants != true
        }
        router.get(
            "/api/v1/questions/{id}",
            immediate: { fromMemory($0) ? try catalog.current.question($0) : nil },
            { fromMemory($0) ? try catalog.current.question($0) : try await visibility.question($0) }
        )
    }

    /// Whether the immediate route answers: everything but a teacher's question and a list for a class.
    func answersFromMemory(_ request: Request) -> Bool {
        guard let id = request.parameters["id"] else { return request.query["class"] == nil }
        return catalog.owned.question(id) == nil
    }
}

extension QuestionVisibility {
    /// An assignment of the class may hold the built-in questions and those of the class's teachers.
    /// - Throws: `QuizError.invalidField` naming the first teacher's question whose owner does not teach the class, as
    ///   for an id that does not exist (another teacher's question is not theirs to reveal).
    func requireAssignable(_ ids: [String], _ classCode: String) async throws {
        for (index, id) in ids.enumerated() {
            guard let owned = catalog.owned.question(id) else { continue }
            guard try await teaches(owned.owner, classCode) else {
                throw QuizError.invalidField("questions[\(index)]", "there is no question \"\(id)\".")
            }
        }
    }
}
