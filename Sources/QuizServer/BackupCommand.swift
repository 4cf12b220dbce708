import ArgumentParser
import Foundation
import Logging
import Store

/// `QuizServer backup FILE`: a consistent copy of the store, taken while the server keeps serving. SQLite through
/// its online backup API (a SQLite file); PostgreSQL with `pg_dump` (its custom format, for `pg_restore`).
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back up the store while the server runs (SQLite: online backup API; PostgreSQL: pg_dump)."
    )

    @Option(help: "The data dir of the SQLite store (ignored with --database).")
    var dataDir: String = "data"

    @OptionGroup var database: DatabaseOption

    @Argument(help: "The file to write.")
    var file: String

    func run() async throws {
        do {
            if let url = database.resolved {
                try PostgresTools.run("pg_dump", ["--format=custom", "--no-owner", "--file", file, "--dbname", url])
            } else {
                try SQLiteStore(directory: dataDir).backup(to: file)
            }
        } catch {
            FileHandle.standardError.write(Data("backup failed: \(error)\n".utf8))
            throw ExitCode(1)
        }
        FileHandle.standardOutput.write(Data("backed up \(database.describe(dataDir: dataDir)) to \(file)\n".utf8))
    }
}

/// `QuizServer restore FILE`: puts a backup back, while the server keeps serving (requests during the restore
/// wait for it or get 503), then brings the schema up to date.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup into the store, replacing its contents (the server may keep running)."
    )

    @Option(help: "The data dir of the SQLite store (ignored with --database).")
    var dataDir: String = "data"

    @OptionGroup var database: DatabaseOption

    @Argument(help: "The backup file (from `QuizServer backup`).")
    var file: String

    func run() async throws {
        do {
            guard FileManager.default.fileExists(atPath: file) else { throw StoreError.unavailable("no file \(file)") }
            if let url = database.resolved {
                // One transaction: every table is replaced at once, or nothing is.
                try PostgresTools.run(
                    "pg_restore",
                    ["--clean", "--if-exists", "--single-transaction", "--no-owner", "--dbname", url, file]
                )
                var logger = Logger(label: "store")
                logger.logLevel = .error
                let store = try await PostgresStore(url: url, logger: logger)
                store.shutdown()
            } else {
                try SQLiteStore(directory: dataDir).restore(from: file)
            }
        } catch {
            FileHandle.standardError.write(Data("restore failed: \(error)\n".utf8))
            throw ExitCode(1)
        }
        FileHandle.standardOutput.write(Data("restored \(file) into \(database.describe(dataDir: dataDir))\n".utf8))
    }
}

/// PostgreSQL's client programs (Debian's `postgresql-client`).
enum PostgresTools {
    struct Failed: Error, CustomStringConvertible {
        let description: String
    }

    /// The program on the PATH, else in Debian's versioned folders (newest first).
    static func locate(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":")
        where FileManager.default.isExecutableFile(
            atPath: "\(directory)/\(name)"
        ) {
            return "\(directory)/\(name)"
        }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        for version in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
            let candidate = "/usr/lib/postgresql/\(version)/bin/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    static func run(_ name: String, _ arguments: [String]) throws {
        guard let executable = locate(name) else {
            throw Failed(description: "\(name) is not installed (Debian: apt-get install postgresql-client)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failed(
                description: "\(name) exited with \(process.terminationStatus): "
                    + String(decoding: message, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            )
        }
    }
}
