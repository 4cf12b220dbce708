import Foundation

/// A body fixed for the life of the server (the question lists, say), with its gzip form and ETag worked out once,
/// so that answering costs neither compression nor hashing: conditional GETs get 304, and clients that accept gzip
/// get the smaller bytes.
public struct StaticBody: Sendable {
    public let plain: Data
    public let gzipped: Data?
    public let etag: String
    public let contentType: String
    private let sharedPlain: SharedBytes
    private let sharedGzipped: SharedBytes?

    public init(_ data: Data, contentType: String) {
        plain = data
        self.contentType = contentType
        gzipped = data.count > 1024 ? Gzip.compress(data).flatMap { $0.count < data.count ? $0 : nil } : nil
        etag = "\"" + String(Self.fnv1a(data), radix: 16) + "\""
        sharedPlain = SharedBytes(plain)
        sharedGzipped = gzipped.map(SharedBytes.init)
    }

    public func response(for request: Request) -> Response {
        let wantsGzip = gzipped != nil && Negotiation.acceptsGzip(request)
        let tag = Negotiation.tag(etag, gzipped: wantsGzip)
        var headers = HTTPHeaders([("Content-Type", contentType), ("ETag", tag)])
        if gzipped != nil { headers.add("Vary", "Accept-Encoding") }
        if Negotiation.notModified(request, tag: tag) { return Response(status: 304, headers: headers) }
        var response = Response(status: 200, headers: headers, body: plain)
        response.shared = sharedPlain
        if wantsGzip, let gzipped {
            response.headers.add("Content-Encoding", "gzip")
            response.body = gzipped
            response.shared = sharedGzipped
        }
        return response
    }

    /// 64-bit FNV-1a: not for security, only to tell versions of a body apart.
    static func fnv1a(_ data: Data) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return hash
    }
}
