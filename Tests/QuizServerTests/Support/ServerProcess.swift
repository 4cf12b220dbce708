import Foundation

/// The real `QuizServer` binary in its own process, for what only a process shows: signals, exit codes, `kill -9`.
final class ServerProcess: @unchecked Sendable {
    // `@unchecked Sendable`: `output` is guarded by `lock`; the rest is set before `run()`.
    static let binary = Repository.path(".build/debug/QuizServer")

    let process = Process()
    let port: UInt16
    private let lock = NSLock()
    private var output = Data()

    var client: RawHTTPClient { RawHTTPClient(port: port) }

    init(arguments: [String], environment: [String: String] = [:], port: UInt16 = ServerProcess.freePort()) {
        self.port = port
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.currentDirectoryURL = Repository.root
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "QUIZ_TEACHER_TOKEN")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            self.lock.lock()
            self.output.append(data)
            self.lock.unlock()
            if data.isEmpty { handle.readabilityHandler = nil }
        }
    }

    static func serve(
        dataDirectory: String,
        extra: [String] = [],
        environment: [String: String] = [:]
    ) throws -> ServerProcess {
        let port = freePort()
        let server = ServerProcess(
            arguments: ["serve", "--port", String(port), "--data-dir", dataDirectory] + extra,
            environment: environment,
            port: port
        )
        try server.process.run()
        return server
    }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: output, as: UTF8.self)
    }

    /// Waits until `/healthz` answers (bounded), or the process has exited.
    func waitUntilServing() async throws {
        for _ in 0..<300 {
            if !process.isRunning { return }
            if (try? await client.get("/healthz"))?.status == 200 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// The exit status, awaited without blocking a thread (bounded: a hang is a failure, not a stuck test).
    func exitStatus(timeout: Duration = .seconds(30)) async throws -> Int32 {
        let end = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < end { try await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            return -1
        }
        return process.terminationStatus
    }

    func signal(_ number: Int32) {
        kill(process.processIdentifier, number)
    }

    static func freePort() -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return UInt16(bigEndian: address.sin_port)
    }

    static func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("quiz-\(UUID().uuidString)").path
    }
}
