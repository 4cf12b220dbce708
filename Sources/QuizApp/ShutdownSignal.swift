import Dispatch
import Foundation

/// Waits for SIGINT or SIGTERM. The signals are ignored by default handling and delivered through dispatch
/// sources, so shutdown runs as ordinary async code rather than inside a signal handler.
public enum ShutdownSignal {
    public static func wait() async -> Int32 {
        await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            let once = Once(continuation)
            for number in [SIGINT, SIGTERM] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { once.fire(number) }
                source.resume()
                Once.keep(source)
            }
        }
    }

    private final class Once: @unchecked Sendable {
        // `@unchecked Sendable`: `continuation` is taken under `lock`.
        private var continuation: CheckedContinuation<Int32, Never>?
        private let lock = NSLock()
        nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

        init(_ continuation: CheckedContinuation<Int32, Never>) {
            self.continuation = continuation
        }

        static func keep(_ source: any DispatchSourceSignal) {
            sources.append(source)
        }

        func fire(_ signal: Int32) {
            lock.lock()
            let continuation = self.continuation
            self.continuation = nil
            lock.unlock()
            continuation?.resume(returning: signal)
        }
    }
}
