import Foundation
import Grader
import QuizCore

/// Loads the banks a server serves (`serve --questions PATH`, repeatable; `BankSource` says what a PATH may be)
/// and checks them whole: their shape and content, that no id is defined twice across them, and, with a grader,
/// that every code question can be graded and its model solution passes (and, for `validate`, that each of its
/// wrong solutions fails with the status it names).
public struct BankLoader: Sendable {
    /// Grade the wrong solutions too (`validate`), not only the model solutions (start-up).
    public var checkWrongSolutions: Bool

    public init(checkWrongSolutions: Bool = false) {
        self.checkWrongSolutions = checkWrongSolutions
    }

    /// - Returns: one bank: the topics of every path, then the questions of every path, in the order given.
    /// - Throws: `BankError.invalid` with one line per problem, each naming its file (and question).
    public func load(_ paths: [String], grader: GradingPool?) async throws(BankError) -> QuestionBank {
        var parts: [BankSource.Part] = []
        var problems: [String] = []
        var seen: Set<String> = []
        for path in paths where seen.insert(URL(fileURLWithPath: path).standardizedFileURL.path).inserted {
            do {
                parts += try BankSource.parts(at: path)
            } catch {
                problems.append(error.description)
            }
        }
        guard problems.isEmpty else { throw .invalid(problems) }

        var topics: [Topic] = []
        var topicFiles: [String: BankSource.Part] = [:]
        var questionFiles: [String: BankSource.Part] = [:]
        var questions: [Question] = []
        for part in parts {
            for topic in part.bank.topics {
                if let first = topicFiles[topic.id] {
                    problems.append(
                        "\(part.file): topic \"\(topic.id)\" is already defined in \(Self.name(first, part))"
                    )
                    continue
                }
                topicFiles[topic.id] = part
                topics.append(topic)
            }
            for question in part.bank.questions {
                if let first = questionFiles[question.id], first.path != part.path {
                    let first = Self.name(first, part)
                    problems.append("\(part.file): question \"\(question.id)\" is already defined in \(first)")
                    continue
                }
                questionFiles[question.id] = part
                questions.append(question)
            }
        }
        if topics.isEmpty && !parts.contains(where: \.bank.declaresTopics) {
            // Only teachers' banks of questions (`serve --questions examples/async-bootcamp`): the contract's topics,
            // named after their ids, so that every question still has its topic.
            topics = Topic.requiredIDs.map(Topic.named)
        } else {
            let topicsFile = parts.first { !$0.bank.topics.isEmpty }?.file ?? "questions.json"
            problems += BankValidator(file: topicsFile).problems(in: QuestionBank(topics: topics, questions: []))
        }
        let topicIDs = Set(topics.map(\.id))
        for part in parts {
            problems += BankValidator(file: part.file).questionProblems(part.bank.questions, topicIDs: topicIDs)
        }
        let bank = QuestionBank(topics: topics, questions: questions)
        if problems.isEmpty, let grader {
            let files = questionFiles.mapValues(\.file)
            problems += await graderProblems(bank, grader: grader, files: files).problems
            if checkWrongSolutions { problems += await outputProblems(bank, grader: grader, files: files) }
        }
        guard problems.isEmpty else { throw .invalid(problems) }
        return bank
    }

    /// How a clash names the other file: by its name, or by its path when both have the same name.
    static func name(_ first: BankSource.Part, _ second: BankSource.Part) -> String {
        first.file == second.file ? first.path : first.file
    }

    /// One bank file or folder (`validate FILE`).
    public func load(_ path: String, grader: GradingPool?) async throws(BankError) -> QuestionBank {
        try await load([path], grader: grader)
    }

    /// A bank sent over the API (a teacher's upload, `POST /api/v1/banks`): checked as `validate` checks a file,
    /// against the topics the server serves, with its solutions graded. Unlike a file, each question whose own
    /// checks pass is graded even when others have problems, so that one answer lists every problem.
    /// - Returns: one line per problem (`FILE: question "id": ...`), and the version the grader reported for each
    ///   code question whose model solution it graded (the hash of its grading data, as attempts record it).
    public func check(
        _ bank: QuestionBank,
        file: String,
        topicIDs: Set<String>,
        grader: GradingPool?
    ) async -> (problems: [String], versions: [String: String]) {
        let validator = BankValidator(file: file)
        let problems = validator.questionProblems(bank.questions, topicIDs: topicIDs)
        guard let grader else { return (problems, [:]) }
        var counts: [String: Int] = [:]
        for question in bank.questions { counts[question.id, default: 0] += 1 }
        let clean = bank.questions.filter {
            counts[$0.id] == 1 && validator.questionProblems([$0], topicIDs: topicIDs).isEmpty
        }
        let files = Dictionary(uniqueKeysWithValues: clean.map { ($0.id, file) })
        let cleanBank = QuestionBank(topics: [], questions: clean)
        let graded = await graderProblems(cleanBank, grader: grader, files: files)
        let outputs = checkWrongSolutions ? await outputProblems(cleanBank, grader: grader, files: files) : []
        return (problems + graded.problems + outputs, graded.versions)
    }

    private func graderProblems(
        _ bank: QuestionBank,
        grader: GradingPool,
        files: [String: String]
    ) async -> (problems: [String], versions: [String: String]) {
        let codeQuestions = bank.questions.filter { $0.kind == .code }
        guard !codeQuestions.isEmpty else { return ([], [:]) }
        var builtIn: Set<String> = []
        if codeQuestions.contains(where: { $0.grading == nil }) {
            do {
                builtIn = Set(try await grader.questionIDs())
            } catch {
                return (["the grader cannot be asked for its questions (\(error))"], [:])
            }
        }
        let known = builtIn
        let checkWrong = checkWrongSolutions
        @Sendable func check(_ question: Question) async -> (problems: [String], version: String?) {
            let name = "\(files[question.id] ?? "?"): question \"\(question.id)\""
            guard question.grading != nil || known.contains(question.id) else {
                return (["\(name): it has no example tasks (`tasks`), and the grader has none built in for it"], nil)
            }
            var problems: [String] = []
            var version: String?
            // A question whose example tasks are drawn (`vary`) is checked on several draws when a bank is
            // validated or uploaded: a draw that breaks only some variants must fail here, not in front of a
            // student. At start-up one draw does (the bank was checked when it came in).
            let seeds: [Int64?] = checkWrong && Self.varies(question) ? Self.variantSeeds : [nil]
            let drawn = { (seed: Int64?) in seed.map { " (example tasks drawn with seed \($0))" } ?? "" }
            if let solution = question.solution {
                for seed in seeds {
                    var outcome = await Self.grade(solution, question, grader, seed: seed)
                    if case .success(let first) = outcome, first.verdict != .passed {
                        // Once more before a model solution is called wrong: on a machine busy with other work, a
                        // task the verdict judges by time (blocked_loop, timeout) can fail a right solution now and
                        // then, and one such failure would stop the server from starting.
                        outcome = await Self.grade(solution, question, grader, seed: seed)
                    }
                    switch outcome {
                    case .failure(let reason):
                        problems.append("\(name): the model solution could not be graded\(drawn(seed)) (\(reason))")
                    case .success(let verdict) where verdict.verdict != .passed:
                        let failing = (verdict.tasks ?? []).filter { $0.status != "passed" }
                            .map { "\($0.name): \($0.status)" }.joined(separator: "; ")
                        problems.append(
                            "\(name): the model solution does not pass\(drawn(seed)) (\(verdict.verdict.rawValue): "
                                + "\(failing.isEmpty ? verdict.message ?? "" : failing))"
                        )
                    case .success(let verdict): version = verdict.version
                    }
                    if !problems.isEmpty { break }
                }
            }
            guard checkWrong else { return (problems, version) }
            for (index, wrong) in (question.wrongSolutions ?? []).enumerated() {
                let label = "\(name): wrong solution \(index + 1) (\(wrong.why ?? wrong.status))"
                if let problem = await Self.wrongProblem(wrong, label, question, grader, seeds: seeds, drawn: drawn) {
                    problems.append(problem)
                }
            }
            return (problems, version)
        }

        // No more at once than the pool grades at once: the check must never meet a full grading queue
        // (`--grading-queue 0` is a valid setting), which would make a good bank look broken.
        let width = grader.configuration.parallelism
        return await withTaskGroup(of: (String, [String], String?).self) { group in
            var problems: [String] = []
            var versions: [String: String] = [:]
            func add(_ found: (String, [String], String?)) {
                problems += found.1
                versions[found.0] = found.2
            }
            for (started, question) in codeQuestions.enumerated() {
                if started >= width, let found = await group.next() { add(found) }
                group.addTask {
                    let (problems, version) = await check(question)
                    return (question.id, problems, version)
                }
            }
            for await found in group { add(found) }
            return (problems.sorted(), versions)
        }
    }

    /// Each predict-output question's key, and each of its variants' keys, proven by running the program in the
    /// sandbox (`GradingPool.run`, the grader's virtual clock): a key that is not what the program prints would
    /// mark every right answer wrong. Lines compare as answers do (`AnswerChecker.normalize`). Only when a bank is
    /// validated or uploaded (`checkWrongSolutions`): the built-in bank's keys are proven by its own tests, on
    /// every Python the grader supports, and start-up stays quick.
    /// - Returns: one line per key that is not what its program prints, or whose program does not end cleanly.
    private func outputProblems(_ bank: QuestionBank, grader: GradingPool, files: [String: String]) async -> [String] {
        var programs: [(name: String, code: String, answer: String)] = []
        for question in bank.questions where question.kind == .predictOutput {
            for index in 0..<question.variantCount {
                guard let variant = question.variant(index), let code = variant.code, let answer = variant.answer
                else { continue }
                let which = question.hasVariants ? " variant \(index)" : ""
                programs.append(("\(files[question.id] ?? "?"): question \"\(question.id)\"\(which)", code, answer))
            }
        }
        guard !programs.isEmpty else { return [] }
        @Sendable func prove(_ name: String, _ code: String, _ answer: String) async -> String? {
            var last: RunOutput?
            // Twice before a key is called wrong, as a model solution is graded twice: a program that reads the
            // real clock (threads) may print otherwise on a machine busy with other work.
            for _ in 0..<2 {
                guard let output = try? await grader.run(code: code) else { continue }
                if output.status == "ok", output.exitCode == 0,
                    AnswerChecker.normalize(output.stdout) == AnswerChecker.normalize(answer)
                {
                    return nil
                }
                last = output
            }
            guard let last else { return "\(name): its program could not be run to prove the answer" }
            guard last.status == "ok", last.exitCode == 0 else {
                let error = last.stderr.split(separator: "\n").last.map(String.init) ?? last.status
                return "\(name): its program does not end cleanly (\(last.status): \(error.prefix(200)))"
            }
            let printed = last.stdout.count > 300 ? String(last.stdout.prefix(300)) + "…" : last.stdout
            return "\(name): the answer is not what the program prints; it prints \(JSONText.string(printed))"
        }
        let width = grader.configuration.parallelism
        return await withTaskGroup(of: String?.self) { group in
            var problems: [String] = []
            for (started, program) in programs.enumerated() {
                if started >= width, let found = await group.next(), let found { problems.append(found) }
                group.addTask { await prove(program.name, program.code, program.answer) }
            }
            for await found in group { if let found { problems.append(found) } }
            return problems.sorted()
        }
    }

    /// The draws a question with `vary` is checked on when a bank is validated or uploaded: eight, enough for the
    /// usual mistake (a draw whose range lets a check's expectation break) to show, at eight gradings a solution.
    static let variantSeeds: [Int64?] = (1...8).map { Int64($0) }

    /// Whether the question's example tasks are drawn per attempt: a `vary` at its top or in one of its tasks.
    static func varies(_ question: Question) -> Bool {
        guard let grading = question.grading?.members else { return false }
        if grading["vary"] != nil { return true }
        guard case .array(let tasks)? = grading["tasks"] else { return false }
        return tasks.contains { $0.members["vary"] != nil }
    }

    /// The problem with a declared wrong solution on any of the draws (the first one found), or nil when it fails
    /// with the status it names on each.
    private static func wrongProblem(
        _ wrong: Question.WrongSolution,
        _ label: String,
        _ question: Question,
        _ grader: GradingPool,
        seeds: [Int64?],
        drawn: (Int64?) -> String
    ) async -> String? {
        for seed in seeds {
            switch await grade(wrong.code, question, grader, seed: seed) {
            case .failure(let reason):
                return "\(label) could not be graded\(drawn(seed)) (\(reason))"
            case .success(let verdict):
                let statuses = (verdict.tasks ?? []).map(\.status)
                let named =
                    wrong.status == "not_gradable"
                    ? verdict.verdict == .notGradable
                    : verdict.verdict == .failed && statuses.contains(wrong.status)
                if verdict.verdict == .passed {
                    return "\(label) passes\(drawn(seed)): it should fail with \(wrong.status)"
                } else if !named {
                    let got = statuses.isEmpty ? verdict.verdict.rawValue : statuses.joined(separator: ", ")
                    return "\(label) should fail with \(wrong.status), but got \(got)\(drawn(seed))"
                }
            }
        }
        return nil
    }

    /// Grades one solution; `error` is the grader's own fault (a sandbox starved on a loaded machine, say), not the
    /// bank's, so it is tried again before the bank is called invalid.
    /// - Parameter seed: the draw of the example tasks; nil: the grader draws one.
    private static func grade(
        _ code: String,
        _ question: Question,
        _ grader: GradingPool,
        seed: Int64? = nil
    ) async -> Result<HarnessVerdict, GradingError> {
        do {
            var verdict = try await grader.grade(question: question.id, code: code, spec: question.grading, seed: seed)
            for _ in 0..<2 where verdict.verdict == .error {
                verdict = try await grader.grade(question: question.id, code: code, spec: question.grading, seed: seed)
            }
            return .success(verdict)
        } catch {
            return .failure(error)
        }
    }
}
