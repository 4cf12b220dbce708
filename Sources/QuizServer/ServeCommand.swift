import ArgumentParser
import Dispatch
import Foundation
import Grader
import HTTP
import Logging
import QuizApp
import QuizCore
import ServiceLifecycle
import Store
import UnixSignals

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the quiz, the API and the grader."
    )

    /// The server's defaults, stated once in the configuration types; the flags below show them.
    static let server = ServerConfiguration()
    static let limits = AttemptLimits()

    @Option(help: "The address to listen on (IPv4).")
    var host: String = server.host

    @Option(help: "The port to listen on; 0 picks a free one (printed at start-up).")
    var port: Int = Int(server.port)

    @Option(help: "Where the server keeps its data (SQLite, the generated teacher token).")
    var dataDir: String = "data"

    @Option(
        help: ArgumentHelp(
            """
            A question bank: a bank file, or a folder (a teacher's bank folder with bank.json, or a folder of bank \
            files); repeatable. Ids must be unique across them. Default: questions.json.
            """,
            valueName: "path"
        )
    )
    var questions: [String] = []

    /// The banks to serve: `--questions` as given, or the built-in bank.
    var bankPaths: [String] { questions.isEmpty ? ["questions.json"] : questions }

    @Option(name: .customLong("public"), help: "The browser UI's files.")
    var publicDirectory: String = "Public"

    @Option(help: "Where Debian's browser libraries are (CodeMirror, highlight.js).")
    var vendorDir: String = "/usr/share/javascript"

    @Option(help: "libmicrohttpd's I/O threads (default: the number of cores).")
    var threads: Int = server.threads

    @Option(help: "Seconds an idle or dribbling connection may live.")
    var connectionTimeout: Int = server.connectionTimeout

    @Option(help: "Connections at once; more are refused until some close.")
    var connectionLimit: Int = server.connectionLimit

    @Option(help: "The largest request body accepted, in bytes; a larger one gets 413.")
    var maxBodySize: Int = server.maxBodySize

    @Option(
        help: """
            Seconds a handler may take before the client gets 504. A code submission expected to wait for a \
            grader longer than this less 5 s gets 429 with Retry-After at once instead.
            """
    )
    var handlerTimeout: Double = server.handlerDeadline.inSeconds

    @Option(help: "Seconds shutdown waits for requests in flight.")
    var shutdownGrace: Double = server.shutdownGrace.inSeconds

    @Option(help: "Code attempts one student (by token) may send in any 60 s; past it, 429 with Retry-After.")
    var codeAttemptsPerMinute: Int = limits.codeAttemptsPerMinute

    @Option(
        help: """
            Code attempts without a student's token that one client address may send in any 60 s; past it, 429 \
            with Retry-After. A whole class may share one address (a school's NAT).
            """
    )
    var anonymousCodeAttemptsPerMinute: Int = limits.anonymousCodeAttemptsPerMinute

    @Option(
        help: ArgumentHelp(
            """
            A reverse proxy (its IP address) whose X-Forwarded-For header is believed for the client's address; \
            repeatable. Without it, or for any other peer, the socket's peer address is used.
            """,
            valueName: "ip"
        )
    )
    var trustedProxy: [String] = []

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    @Flag(help: "Run every handler as a Task, even those that answer from memory (for measuring the bridge).")
    var asyncOnly = false

    @OptionGroup var grader: GraderOptions

    @OptionGroup var database: DatabaseOption

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "quiz")
        guard (0...65535).contains(port) else {
            logger.critical("--port must be 0 to 65535")
            throw ExitCode(2)
        }
        let badProxies = ClientAddress.invalid(trustedProxy)
        guard badProxies.isEmpty else {
            logger.critical("--trusted-proxy must be an IP address: \(badProxies.joined(separator: ", "))")
            throw ExitCode(2)
        }
        guard codeAttemptsPerMinute >= 1, anonymousCodeAttemptsPerMinute >= 1 else {
            logger.critical("--code-attempts-per-minute and --anonymous-code-attempts-per-minute must be at least 1")
            throw ExitCode(2)
        }
        guard maxBodySize >= 1024 else {
            logger.critical("--max-body-size must be at least 1024 bytes")
            throw ExitCode(2)
        }
        Self.raiseOpenFileLimit(toFit: connectionLimit + 4 * grader.graders + 64, logger: logger)
        let pool = GradingPool(
            configuration: grader.configuration(handlerTimeout: handlerTimeout),
            logger: Logger(label: "grader")
        )
        let bank: QuestionBank
        do {
            bank = try await BankLoader().load(bankPaths, grader: pool)
        } catch {
            await pool.shutdown()
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(1)
        }
        let store: any AttemptStore
        let teacher: TeacherToken
        do {
            store = try await database.open(dataDir: dataDir, logger: Logger(label: "store"))
            teacher = try TeacherToken.resolve(environment: ProcessInfo.processInfo.environment, dataDirectory: dataDir)
        } catch {
            await pool.shutdown()
            let place = database.describe(dataDir: dataDir)
            FileHandle.standardError.write(Data("cannot open the store \(place): \(error)\n".utf8))
            throw ExitCode(1)
        }
        if database.resolved != nil, teacher.source != "QUIZ_TEACHER_TOKEN" {
            logger.warning("with a shared database, give every instance the same QUIZ_TEACHER_TOKEN")
        }
        if teacher.source != "QUIZ_TEACHER_TOKEN" {
            FileHandle.standardOutput.write(Data("Teacher token (kept in \(teacher.source)): \(teacher.value)\n".utf8))
        }
        let app = QuizApplication(
            bank: bank,
            grader: pool,
            store: store,
            teacher: teacher,
            paths: .init(publicDirectory: publicDirectory, vendorDirectory: vendorDir),
            logger: logger,
            codeAttemptsPerMinute: codeAttemptsPerMinute,
            anonymousCodeAttemptsPerMinute: anonymousCodeAttemptsPerMinute,
            clientAddress: ClientAddress(trustedProxies: trustedProxy),
            sharedRateLimits: store as? any SharedRateLimits
        )
        do {
            try await app.loadTeacherBanks()
        } catch {
            await pool.shutdown()
            FileHandle.standardError.write(Data("cannot read the teachers' banks from the store: \(error)\n".utf8))
            throw ExitCode(1)
        }
        app.bootstrapMetricsSystem()
        let server = HTTPServer(
            configuration: ServerConfiguration(
                host: host,
                port: UInt16(port),
                threads: threads,
                connectionTimeout: connectionTimeout,
                connectionLimit: connectionLimit,
                maxBodySize: maxBodySize,
                handlerDeadline: .milliseconds(Int64(handlerTimeout * 1000)),
                shutdownGrace: .milliseconds(Int64(shutdownGrace * 1000)),
                bodyLimits: QuizApplication.bodyLimits,
                immediateAnswers: !asyncOnly
            ),
            responder: app.responder(),
            observer: app.metrics(),
            logger: logger
        )
        let host = self.host
        // Started in this order, shut down in the reverse: the server drains first, the grading pool goes last.
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    .init(service: GradingPoolService(pool: pool)),
                    .init(
                        service: BankReloadService(
                            paths: bankPaths,
                            app: app,
                            load: { try await BankLoader().load($0, grader: pool) },
                            logger: logger
                        )
                    ),
                    .init(
                        service: HTTPService(server: server) { port in
                            let line = "QuizServer listening on http://\(host):\(port)\n"
                            FileHandle.standardOutput.write(Data(line.utf8))
                            // The regrades the last process left unfinished go on once the server listens.
                            Task { await app.resumeBackgroundWork() }
                        }
                    ),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        defer { (store as? PostgresStore)?.shutdown() }
        do {
            try await Self.run(group, logger: logger)
        } catch let error as ServerError {
            FileHandle.standardError.write(Data("QuizServer: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// Runs the group until it ends: the first SIGINT or SIGTERM shuts it down gracefully; a second one cancels it,
    /// so the server quits without waiting for the requests in flight (exit status 1).
    static func run(_ group: ServiceGroup, logger: Logger) async throws {
        let quitNow = try await withThrowingTaskGroup(of: Bool.self) { tasks in
            tasks.addTask {
                try await group.run()
                return false
            }
            tasks.addTask {
                // The group traps the signals too; this counts them, and stops the group at the second.
                var seen = 0
                for await signal in await UnixSignalsSequence(trapping: .sigterm, .sigint) {
                    seen += 1
                    if seen == 1 { logger.info("shutting down", metadata: ["signal": "\(signal)"]) }
                    if seen == 2 { return true }
                }
                return false
            }
            let first = try await tasks.next() ?? false
            tasks.cancelAll()
            return first
        }
        if quitNow {
            logger.warning("a second signal: quit without waiting")
            throw ExitCode(1)
        }
    }

    /// Every connection, waiting or not, is an open file: raises the soft limit towards the hard one so that
    /// `--connection-limit` connections (a class submitting at once) can be accepted, and says so when it cannot.
    static func raiseOpenFileLimit(toFit wanted: Int, logger: Logger) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
        if limit.rlim_cur < rlim_t(wanted) {
            limit.rlim_cur = min(limit.rlim_max, rlim_t(wanted))
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        if limit.rlim_cur < rlim_t(wanted) {
            logger.warning(
                "the open-file limit is below what --connection-limit needs; connections past it are refused",
                metadata: ["limit": "\(limit.rlim_cur)", "wanted": "\(wanted)"]
            )
        }
    }
}

extension Duration {
    /// The duration in seconds, for flags that take seconds.
    fileprivate var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
