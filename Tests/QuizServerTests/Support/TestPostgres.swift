import Foundation

/// One throwaway PostgreSQL server for this test process (Debian's `postgresql`, started by `Tests/cluster/pg-temp`
/// on a free loopback port; it stops and is deleted when this process ends), and a fresh database per test.
enum TestPostgres {
    struct Server: Sendable {
        let directory: String
        let port: UInt16
    }

    static let server: Task<Server, any Error> = Task {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "quiz-pg-\(UUID().uuidString.prefix(8))"
        ).path
        let port = ServerProcess.freePort()
        try shell(
            Repository.path("Tests/cluster/pg-temp"),
            ["start", directory, String(port), String(ProcessInfo.processInfo.processIdentifier)]
        )
        return Server(directory: directory, port: port)
    }

    /// A new, empty database owned by `quiz`; its URL.
    static func freshDatabase() async throws -> String {
        let server = try await server.value
        let name = "t_" + UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "")
        try shell(
            "/usr/bin/env",
            [
                "psql", "-X", "-q", "-h", server.directory, "-p", String(server.port), "-U", "postgres", "-d",
                "postgres", "-c", "CREATE DATABASE \(name) OWNER quiz",
            ]
        )
        return "postgres://quiz:quiz@127.0.0.1:\(server.port)/\(name)"
    }

    /// Runs a program to its end (posix_spawn and waitpid: Foundation's `Process.waitUntilExit` can miss the exit
    /// of a child whose own children live on, as the server's do).
    static func shell(_ executable: String, _ arguments: [String]) throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("quiz-shell-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else of this process may live on in the child: the PostgreSQL server it starts outlives it, and a
        // socket it inherited would keep that socket's file open after this process closes it, so that libdispatch's
        // epoll (watching it for a hang-up) keeps a registration for a closed descriptor and crashes on it. Swift's
        // Glibc has no posix_spawn_file_actions_addclosefrom_np, so a small exec wrapper closes them.
        let wrapper = "import os, sys; os.closerange(3, 1 << 16); os.execv(sys.argv[1], sys.argv[1:])"
        let argv = (["/usr/bin/python3", "-c", wrapper, executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/usr/bin/python3", &actions, nil, argv, environ)
        guard spawned == 0 else { throw Failure(description: "cannot run \(executable): errno \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        let exited = (status & 0x7F) == 0
        let code = (status >> 8) & 0xFF
        guard exited, code == 0 else {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw Failure(
                description: "\(executable) \(arguments.joined(separator: " ")): status \(status): \(text)"
            )
        }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }
}
