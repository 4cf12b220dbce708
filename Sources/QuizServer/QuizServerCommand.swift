import ArgumentParser

@main
struct QuizServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "QuizServer",
        abstract: "A quiz and grading server for asynchronous programming in Python.",
        subcommands: [
            ServeCommand.self, ValidateCommand.self, GradeCommand.self, BackupCommand.self, RestoreCommand.self,
        ],
        defaultSubcommand: ServeCommand.self
    )
}
