import ArgumentParser
import Foundation
import Grader
import Logging
import QuizApp

struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a question bank; exit 1 with one line per problem."
    )

    @Argument(help: "The bank to check.")
    var file: String = "questions.json"

    @Flag(help: "Skip grading the model solutions of code questions in the sandbox.")
    var noGrader = false

    @OptionGroup var grader: GraderOptions

    func run() async throws {
        let pool = noGrader ? nil : GradingPool(configuration: grader.configuration(), logger: Logger(label: "grader"))
        do {
            let bank = try await BankLoader().load(file, grader: pool)
            print("\(file): \(bank.questions.count) questions in \(bank.topics.count) topics, no problems")
            await pool?.shutdown()
        } catch {
            await pool?.shutdown()
            print("\(error)")
            throw ExitCode(1)
        }
    }
}
