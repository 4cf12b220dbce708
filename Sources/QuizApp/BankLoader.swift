import Foundation
import Grader
import QuizCore

/// Loads a bank and checks it whole: its shape, its content, and, with a grader, that every code question has
/// example tasks, that its model solution passes, and that each wrong solution fails as it says.
public struct BankLoader: Sendable {
    public init() {}

    public func load(_ path: String, grader: GradingPool?) async throws(BankError) -> QuestionBank {
        let url = URL(fileURLWithPath: path)
        let bank = try QuestionBank.load(contentsOf: url)
        var problems = BankValidator(file: url.lastPathComponent).problems(in: bank)
        if let grader {
            problems += await graderProblems(bank, grader: grader, file: url.lastPathComponent)
        }
        guard problems.isEmpty else { throw .invalid(problems) }
        return bank
    }

    private func graderProblems(_ bank: QuestionBank, grader: GradingPool, file: String) async -> [String] {
        let codeQuestions = bank.questions.filter { $0.kind == .code }
        guard !codeQuestions.isEmpty else { return [] }
        let known: Set<String>
        do {
            known = Set(try await grader.questionIDs())
        } catch {
            return ["\(file): the grader cannot be asked for its questions (\(error))"]
        }
        @Sendable func check(_ question: Question) async -> [String] {
            let name = "\(file): question \"\(question.id)\""
            guard known.contains(question.id) else {
                return ["\(name): the grader has no example tasks for it"]
            }
            guard let solution = question.solution else { return [] }
            do {
                // `error` is the grader's own fault (a sandbox starved on a loaded machine, say), not the
                // bank's: try again before calling the bank invalid.
                var verdict = try await grader.grade(question: question.id, code: solution)
                for _ in 0..<2 where verdict.verdict == .error {
                    verdict = try await grader.grade(question: question.id, code: solution)
                }
                if verdict.verdict != .passed {
                    let failing = (verdict.tasks ?? []).filter { $0.status != "passed" }
                        .map { "\($0.name): \($0.status)" }.joined(separator: "; ")
                    return [
                        "\(name): the model solution does not pass (\(verdict.verdict.rawValue): \(failing.isEmpty ? verdict.message ?? "" : failing))"
                    ]
                }
            } catch {
                return ["\(name): the model solution could not be graded (\(error))"]
            }
            return []
        }

        // No more at once than the pool grades at once: the check must never meet a full grading queue
        // (`--grading-queue 0` is a valid setting), which would make a good bank look broken.
        let width = grader.configuration.parallelism
        return await withTaskGroup(of: [String].self) { group in
            var problems: [String] = []
            for (started, question) in codeQuestions.enumerated() {
                if started >= width, let found = await group.next() { problems += found }
                group.addTask { await check(question) }
            }
            for await found in group { problems += found }
            return problems.sorted()
        }
    }
}
