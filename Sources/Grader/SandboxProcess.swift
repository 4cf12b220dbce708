import Foundation
import Synchronization

/// One sandbox: `grader/launch` started ahead of time, waiting with asyncio imported for the one request it will
/// ever serve. It speaks a line protocol on its pipes: it says `{"ready": true}`, reads one request line, writes one
/// result line and exits. The Swift side reads only these pipes, never files from the sandbox, and never blocks a
/// thread of the cooperative pool: reads arrive through readability handlers, writes go to a dispatch queue.
///
/// `@unchecked Sendable`: all mutable state is in the `state` mutex; `process` is configured before `start()`.
final class SandboxProcess: @unchecked Sendable {
    /// One line the sandbox wrote, or what stands for it.
    enum Line: Equatable {
        case line(Data)
        /// A line longer than `answerLimit`, of this many bytes (newline not counted): read to its end and dropped,
        /// never cut.
        case tooLong(Int)
        /// Its stdout ended, with no further line.
        case end
    }

    private struct State {
        var buffer = Data()
        /// Bytes of the current line dropped so far, once it has gone over `answerLimit`.
        var dropping: Int?
        var lines: [Line] = []
        var waiter: CheckedContinuation<Line, Never>?
        var exited = false
        var ready = false
        var served = 0
    }

    /// The most bytes one answer line may have (the newline not counted): 1 MiB. A grading's answer is a few KB; a
    /// run's is at most 64 KB of stdout and 64 KB of stderr, JSON-escaped (under 800 KB at worst). A longer line
    /// is read to its end, dropped whole, and reported as `.tooLong`: the pool makes it the submission's failure
    /// (`output_limit`), never a cut answer. Memory per sandbox stays bounded by this, whatever it writes.
    static let answerLimit = 1 << 20

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
        let (waiter, line) = state.withLock { state -> (CheckedContinuation<Line, Never>?, Line?) in
            if chunk.isEmpty {
                state.exited = true
                outputHandle.readabilityHandler = nil
                // A last line without its newline: what there is of it (a broken answer is judged as such).
                if let dropped = state.dropping {
                    state.lines.append(.tooLong(dropped))
                } else if !state.buffer.isEmpty {
                    state.lines.append(.line(state.buffer))
                }
                state.buffer = Data()
                state.dropping = nil
            } else {
                Self.split(chunk, into: &state)
            }
            guard let waiter = state.waiter else { return (nil, nil) }
            if !state.lines.isEmpty {
                state.waiter = nil
                return (waiter, state.lines.removeFirst())
            }
            if state.exited {
                state.waiter = nil
                return (waiter, .end)
            }
            return (nil, nil)
        }
        if let waiter, let line { waiter.resume(returning: line) }
    }

    /// Cuts a chunk into lines; a line that goes over `answerLimit` is dropped as it comes, and only counted.
    private static func split(_ chunk: Data, into state: inout State) {
        var rest = chunk[...]
        while !rest.isEmpty {
            let newline = rest.firstIndex(of: UInt8(ascii: "\n"))
            let part = rest[rest.startIndex..<(newline ?? rest.endIndex)]
            if let dropped = state.dropping {
                state.dropping = dropped + part.count
            } else if state.buffer.count + part.count > answerLimit {
                state.dropping = state.buffer.count + part.count
                state.buffer = Data()
            } else {
                state.buffer.append(contentsOf: part)
            }
            guard let newline else { return }
            if let dropped = state.dropping {
                state.lines.append(.tooLong(dropped))
            } else {
                state.lines.append(.line(state.buffer))
            }
            state.buffer = Data()
            state.dropping = nil
            rest = rest[rest.index(after: newline)...]
        }
    }

    /// The next line the sandbox writes, `.tooLong` for one over `answerLimit`, or `.end` once its stdout has ended.
    func nextLine() async -> Line {
        await withCheckedContinuation { continuation in
            let immediate = state.withLock { state -> Line? in
                if !state.lines.isEmpty { return state.lines.removeFirst() }
                if state.exited { return .end }
                state.waiter = continuation
                return nil
            }
            if let immediate { continuation.resume(returning: immediate) }
        }
    }

    /// Waits for the one `{"ready": true}` line a sandbox writes when it has started; at once after that.
    func awaitReady() async -> Bool {
        if state.withLock({ $0.ready }) { return true }
        guard case .line(let line) = await nextLine(), line.contains(UInt8(ascii: "{")) else { return false }
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
