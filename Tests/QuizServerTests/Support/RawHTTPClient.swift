import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A deliberately plain HTTP/1.1 client over a blocking socket on its own thread: tests need to send exactly the
/// bytes they mean (`%2e%2e`, lying lengths, chunked bodies), which a real client would normalise, and blocking on
/// a dedicated thread never starves Swift's cooperative pool, however many requests a test sends at once.
struct RawHTTPClient: Sendable {
    struct Reply: Sendable {
        var status: Int
        var headers: [String: String]
        var body: Data

        var text: String { String(decoding: body, as: UTF8.self) }

        func json() throws -> [String: Any] {
            (try JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:]
        }
    }

    enum Failure: Error { case connect, closedEarly, malformed }

    let port: UInt16

    func request(
        _ method: String,
        _ path: String,
        headers: [String: String],
        body: Data?
    ) async throws -> Reply {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if let body { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        return try await send(Data(head.utf8) + (body ?? Data()))
    }

    /// Sends raw bytes, then reads one response until the server closes or the body is complete.
    func send(_ bytes: Data, chunks: [Data] = [], readTimeout: Int = 30) async throws -> Reply {
        let port = self.port
        return try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(
                    with: Result { try Self.exchange(port: port, bytes, chunks: chunks, readTimeout: readTimeout) }
                )
            }
            thread.stackSize = 256 * 1024
            thread.start()
        }
    }

    static func connect(port: UInt16) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure.connect }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(fd)
            throw Failure.connect
        }
        return fd
    }

    static func writeAll(_ fd: Int32, _ data: Data) {
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.send(fd, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                if n <= 0 { return }
                offset += n
            }
        }
    }

    static func exchange(port: UInt16, _ bytes: Data, chunks: [Data], readTimeout: Int) throws -> Reply {
        let fd = try connect(port: port)
        defer { close(fd) }
        var timeout = timeval(tv_sec: readTimeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        writeAll(fd, bytes)
        for chunk in chunks { writeAll(fd, chunk) }
        return try readReply(fd)
    }

    static func readReply(_ fd: Int32) throws -> Reply {
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        var headerEnd: Range<Data.Index>?
        var expected: Int?
        while true {
            if headerEnd == nil, let range = received.range(of: Data("\r\n\r\n".utf8)) {
                headerEnd = range
                let head = String(decoding: received[..<range.lowerBound], as: UTF8.self)
                for line in head.split(separator: "\r\n").dropFirst() {
                    let parts = line.split(separator: ":", maxSplits: 1)
                    if parts.count == 2, parts[0].lowercased() == "content-length" {
                        expected = Int(parts[1].trimmingCharacters(in: .whitespaces))
                    }
                }
            }
            if let headerEnd, let expected, received.count - headerEnd.upperBound >= expected { break }
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            received.append(buffer, count: n)
        }
        guard let headerEnd else { throw Failure.closedEarly }
        let head = String(decoding: received[..<headerEnd.lowerBound], as: UTF8.self)
        let lines = head.split(separator: "\r\n")
        guard let statusLine = lines.first, statusLine.split(separator: " ").count >= 2,
            let status = Int(statusLine.split(separator: " ")[1])
        else { throw Failure.malformed }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 { headers[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        var body = Data(received[headerEnd.upperBound...])
        if let expected, body.count > expected { body = body.prefix(expected) }
        return Reply(status: status, headers: headers, body: body)
    }
}
