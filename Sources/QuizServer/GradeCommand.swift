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

    @Option(
        help: ArgumentHelp("A question bank (file or folder); repeatable. Default: questions.json.", valueName: "path")
    )
    var questions: [String] = []

    @OptionGroup var grader: GraderOptions

    func run() async throws {
        guard let code = try? String(contentsOfFile: file, encoding: .utf8) else {
            FileHandle.standardError.write(Data("cannot read \(file)\n".utf8))
            throw ExitCode(2)
        }
        let paths = questions.isEmpty ? ["questions.json"] : questions
        var found: Question?
        for path in paths {
            let parts: [BankSource.Part]
            do {
                parts = try BankSource.parts(at: path)
            } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw ExitCode(2)
            }
            found = found ?? parts.lazy.compactMap { $0.bank.question(self.question) }.first
        }
        guard let entry = found, entry.kind == .code else {
            let names = paths.joined(separator: ", ")
            FileHandle.standardError.write(Data("\(names): no code question \"\(question)\"\n".utf8))
            throw ExitCode(2)
        }
        let pool = GradingPool(configuration: grader.configuration(), logger: Logger(label: "grader"))
        let verdict = try await pool.grade(question: entry.id, code: code, spec: entry.grading)
        await pool.shutdown()
        let result = verdict.result(for: entry)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(result), as: UTF8.self))
        if result.verdict != .passed { throw ExitCode(1) }
    }
}
