import ArgumentParser
import Foundation
import Grader
import Logging
import QuizApp

struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: """
            Check question banks (files or folders, checked together as `serve` would load them); exit 1 with one \
            line per problem.
            """
    )

    @Argument(help: "The banks to check (default: questions.json).")
    var files: [String] = []

    @Flag(help: "Skip grading the model and wrong solutions of code questions in the sandbox.")
    var noGrader = false

    @OptionGroup var grader: GraderOptions

    func run() async throws {
        let pool = noGrader ? nil : GradingPool(configuration: grader.configuration(), logger: Logger(label: "grader"))
        do {
            let paths = files.isEmpty ? ["questions.json"] : files
            let bank = try await BankLoader(checkWrongSolutions: true).load(paths, grader: pool)
            let names = paths.joined(separator: ", ")
            let questions = bank.questions.count == 1 ? "1 question" : "\(bank.questions.count) questions"
            print("\(names): \(questions) in \(bank.topics.count) topics, no problems")
            await pool?.shutdown()
        } catch {
            await pool?.shutdown()
            print("\(error)")
            throw ExitCode(1)
        }
    }
}
