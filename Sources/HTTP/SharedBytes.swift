import Foundation

/// Bytes that never change, in memory libmicrohttpd may send from directly: a body sent many times (a question
/// list) is then not copied for every response. libmicrohttpd holds a retain on it until it is done with a response.
///
/// `@unchecked Sendable`: the memory is written once, in `init`, and only read afterwards.
public final class SharedBytes: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
    public let count: Int

    public init(_ data: Data) {
        count = data.count
        pointer = UnsafeMutableRawPointer.allocate(byteCount: max(1, data.count), alignment: 16)
        data.withUnsafeBytes { buffer in
            if let base = buffer.baseAddress { pointer.copyMemory(from: base, byteCount: buffer.count) }
        }
    }

    deinit {
        pointer.deallocate()
    }
}
