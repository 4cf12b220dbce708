import ArgumentParser
import Foundation
import Grader
import Logging
import QuizApp
import QuizCore

struct GradeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grade",
        abstract: "Grade a snippet offline in the same sandbox; exit 0 if it passed."
    )

    @Option(help: "The code question's id.")
    var question: String

    @Argument(help: "The Python file to grade.")
    var file: String

    @Option(help: "The question bank.")
    var questions: String = "questions.json"

    @OptionGroup var grader: GraderOptions

    func run() async throws {
        guard let code = try? String(contentsOfFile: file, encoding: .utf8) else {
            FileHandle.standardError.write(Data("cannot read \(file)\n".utf8))
            throw ExitCode(2)
        }
        let bank = try QuestionBank.load(contentsOf: URL(fileURLWithPath: questions))
        guard let entry = bank.question(question), entry.kind == .code else {
            FileHandle.standardError.write(Data("\(questions): no code question \"\(question)\"\n".utf8))
            throw ExitCode(2)
        }
        let pool = GradingPool(configuration: grader.configuration(), logger: Logger(label: "grader"))
        let verdict = try await pool.grade(question: entry.id, code: code)
        await pool.shutdown()
        let result = AttemptResult(
            question: entry.id,
            verdict: verdict.verdict,
            score: verdict.score,
            explanation: entry.explanation,
            message: verdict.message,
            tasks: verdict.tasks
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(result), as: UTF8.self))
        if result.verdict != .passed { throw ExitCode(1) }
    }
}
