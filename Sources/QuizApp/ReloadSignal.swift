import Dispatch
import Foundation

/// SIGHUP, the Unix convention for "read your configuration again": `serve` reloads its banks. Delivered through a
/// dispatch source as an async sequence, so the reload runs as ordinary async code rather than in a signal handler.
public enum ReloadSignal {
    /// One element per SIGHUP received (signals that arrive while a reload runs are folded into one).
    public static func signals() -> AsyncStream<Void> {
        AsyncStream(bufferingPolicy: .bufferingNewest(1)) { continuation in
            signal(SIGHUP, SIG_IGN)
            let source = Source(DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global()))
            source.signal.setEventHandler { continuation.yield() }
            source.signal.resume()
            continuation.onTermination = { _ in source.signal.cancel() }
        }
    }

    /// `@unchecked Sendable`: a dispatch source is thread-safe; only `cancel()` is called on it from elsewhere.
    private final class Source: @unchecked Sendable {
        let signal: any DispatchSourceSignal
        init(_ signal: any DispatchSourceSignal) { self.signal = signal }
    }
}
