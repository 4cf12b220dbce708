import ArgumentParser
import Foundation
import Logging
import Store

/// `--database`: where the server keeps its data. A `postgres://` URL selects PostgreSQL (for several instances
/// sharing one database); without it, SQLite in the data dir (the default: no database server to run).
struct DatabaseOption: ParsableArguments {
    static let environmentVariable = "QUIZ_DATABASE_URL"

    @Option(
        name: .customLong("database"),
        help: ArgumentHelp(
            """
            A PostgreSQL URL (postgres://user:password@host:port/db; ?host=/socket/dir for a Unix socket) to \
            keep the data in, shared by every instance given the same URL. Default: $QUIZ_DATABASE_URL, else \
            SQLite in --data-dir.
            """,
            valueName: "url"
        )
    )
    var url: String?

    /// The URL in force: the flag, else the environment variable; nil for SQLite.
    var resolved: String? {
        if let url, !url.isEmpty { return url }
        if let url = ProcessInfo.processInfo.environment[Self.environmentVariable], !url.isEmpty { return url }
        return nil
    }

    /// Opens the store: PostgreSQL when a URL is in force, else SQLite in `dataDir`.
    func open(dataDir: String, logger: Logger) async throws -> any AttemptStore {
        if let url = resolved {
            return try await PostgresStore(url: url, logger: logger)
        }
        return try SQLiteStore(directory: dataDir)
    }

    /// Where, for messages (the password hidden).
    func describe(dataDir: String) -> String {
        resolved.map(PostgresLocation.redacted) ?? "\(dataDir)/quiz.sqlite"
    }
}
