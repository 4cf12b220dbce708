import Foundation
import Synchronization

/// One sandbox: `grader/launch` started ahead of time, waiting with asyncio imported for the one request it will
/// ever serve. It speaks a line protocol on its pipes: it says `{"ready": true}`, reads one request line, writes one
/// result line and exits. The Swift side reads only these pipes, never files from the sandbox, and never blocks a
/// thread of the cooperative pool: reads arrive through readability handlers, writes go to a dispatch queue.
///
/// `@unchecked Sendable`: all mutable state is in the `state` mutex; `process` is configured before `start()`.
final class SandboxProcess: @unchecked Sendable {
    private struct State {
        var buffer = Data()
        var lines: [Data] = []
        var waiter: CheckedContinuation<Data?, Never>?
        var exited = false
        var ready = false
        var served = 0
    }

    /// The most a sandbox may write on stdout: its one result line is a few KB; anything near this is a broken harness.
    static let outputLimit = 1 << 20

    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let errors = Pipe()
    private let state = Mutex(State())
    let startedAt = ContinuousClock.now

    init(launch: URL, arguments: [String] = []) {
        process.executableURL = launch
        process.arguments = arguments
        // A clean environment: the server's own (with the teacher's token, say) never reaches the sandbox.
        process.environment = ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
    }

    func start() throws {
        output.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let chunk = handle.availableData
            self?.receive(chunk)
        }
        errors.fileHandleForReading.readabilityHandler = { handle in
            // Drained and dropped: the harness reports through stdout; a full stderr pipe must never stall it.
            if handle.availableData.isEmpty { handle.readabilityHandler = nil }
        }
        // The end of the sandbox's answer is the end of its stdout (an empty read), not its exit: the exit can be
        // reported before the last bytes it wrote have been read.
        try process.run()
    }

    private func receive(_ chunk: Data) {
        let outputHandle = output.fileHandleForReading
        let (waiter, line) = state.withLock { state -> (CheckedContinuation<Data?, Never>?, Data?) in
            if chunk.isEmpty {
                state.exited = true
                outputHandle.readabilityHandler = nil
            } else if state.buffer.count + chunk.count <= Self.outputLimit {
                state.buffer.append(chunk)
            }
            while let newline = state.buffer.firstIndex(of: UInt8(ascii: "\n")) {
                state.lines.append(Data(state.buffer[state.buffer.startIndex..<newline]))
                state.buffer.removeSubrange(state.buffer.startIndex...newline)
            }
            guard let waiter = state.waiter else { return (nil, nil) }
            if !state.lines.isEmpty {
                state.waiter = nil
                return (waiter, state.lines.removeFirst())
            }
            if state.exited {
                state.waiter = nil
                return (waiter, nil)
            }
            return (nil, nil)
        }
        waiter?.resume(returning: line)
    }

    /// The next line the sandbox writes, or nil once it has exited without one.
    func nextLine() async -> Data? {
        await withCheckedContinuation { continuation in
            let immediate = state.withLock { state -> (Bool, Data?) in
                if !state.lines.isEmpty { return (true, state.lines.removeFirst()) }
                if state.exited { return (true, nil) }
                state.waiter = continuation
                return (false, nil)
            }
            if immediate.0 { continuation.resume(returning: immediate.1) }
        }
    }

    /// Waits for the one `{"ready": true}` line a sandbox writes when it has started; at once after that.
    func awaitReady() async -> Bool {
        if state.withLock({ $0.ready }) { return true }
        guard let line = await nextLine(), line.contains(UInt8(ascii: "{")) else { return false }
        state.withLock { $0.ready = true }
        return true
    }

    /// Sends one request line. A one-shot sandbox gets end-of-file after it; a serving one waits for the next.
    func send(_ line: Data, close: Bool) {
        let handle = input.fileHandleForWriting
        state.withLock { $0.served += 1 }
        DispatchQueue.global().async {
            try? handle.write(contentsOf: line + Data("\n".utf8))
            if close { try? handle.close() }
        }
    }

    /// Requests this sandbox has been sent.
    var served: Int { state.withLock { $0.served } }

    /// Kills the sandbox: bubblewrap, and its descendants as well, found through `/proc` before the first signal.
    /// bubblewrap's pid namespace should take everything with it, but an orphaned namespace init was seen here
    /// outliving a killed bubblewrap, so every process of the tree is signalled directly.
    func kill() {
        guard process.isRunning else { return }
        let root = process.processIdentifier
        let tree = [root] + Self.descendants(of: root)
        for pid in tree { Foundation.kill(pid, SIGKILL) }
    }

    static func descendants(of pid: Int32) -> [Int32] {
        var found: [Int32] = []
        var queue = [pid]
        while let next = queue.popLast(), found.count < 4096 {
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(next)/task")) ?? []
            for task in tasks {
                guard let text = try? String(contentsOfFile: "/proc/\(next)/task/\(task)/children", encoding: .utf8)
                else { continue }
                let children = text.split(separator: " ").compactMap {
                    Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
                }
                found += children
                queue += children
            }
        }
        return found
    }

    var isRunning: Bool { process.isRunning }
}
