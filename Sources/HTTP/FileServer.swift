import Foundation
import Synchronization

/// Serves files under one directory at one URL prefix. Nothing outside the directory can be reached: `..` segments
/// (however they were encoded; the path arrives decoded) answer 404, and a path that resolves, through symlinks,
/// to anywhere outside the real root answers 404 too.
public final class FileServer: Responder {
    let root: String
    public let prefix: String
    let cacheControl: String
    /// Compressed bodies by ETag, so a file is compressed once per version, not once per request.
    private let gzipCache = Mutex<[String: Data]>([:])

    /// - Parameters:
    ///   - prefix: the URL prefix ending in `/` (`/` or `/vendor/codemirror/`).
    public init(root: String, prefix: String = "/", cacheControl: String = "no-cache") {
        self.root = URL(fileURLWithPath: root).standardizedFileURL.resolvingSymlinksInPath().path
        self.prefix = prefix
        self.cacheControl = cacheControl
    }

    public func respond(to request: Request) async throws -> Response {
        guard let path = resolve(request.path) else {
            throw HTTPError.notFound("There is nothing at \(request.path).")
        }
        return try serve(path, request: request)
    }

    /// The real path of the file a URL path names, or nil when it names nothing servable.
    func resolve(_ urlPath: String) -> String? {
        guard urlPath.hasPrefix(prefix), !urlPath.contains("\0"), !urlPath.contains("\\") else { return nil }
        let relative = urlPath.dropFirst(prefix.count)
        let parts = relative.split(separator: "/", omittingEmptySubsequences: true)
        if parts.contains(where: { $0 == ".." || $0 == "." || $0.hasPrefix(".") }) { return nil }
        var candidate = ([root] + parts.map(String.init)).joined(separator: "/")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory) else { return nil }
        if isDirectory.boolValue { candidate += "/index.html" }
        let real = URL(fileURLWithPath: candidate).resolvingSymlinksInPath().path
        guard real.hasPrefix(root + "/") else { return nil }
        guard FileManager.default.fileExists(atPath: real, isDirectory: &isDirectory), !isDirectory.boolValue else {
            return nil
        }
        return real
    }

    private func serve(_ path: String, request: Request) throws -> Response {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let size = (attributes?[.size] as? NSNumber)?.intValue ?? 0
        let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let etag = "\"\(String(size, radix: 16))-\(String(Int(modified * 1000), radix: 16))\""
        let type = MediaType.forPath(path)
        let wantsGzip = MediaType.isCompressible(type) && size > 512 && Negotiation.acceptsGzip(request)
        let variantTag = Negotiation.tag(etag, gzipped: wantsGzip)

        var headers = HTTPHeaders([("Content-Type", type), ("ETag", variantTag), ("Cache-Control", cacheControl)])
        if MediaType.isCompressible(type) { headers.add("Vary", "Accept-Encoding") }
        if Negotiation.notModified(request, tag: variantTag) { return Response(status: 304, headers: headers) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw HTTPError.notFound("There is nothing at \(request.path).")
        }
        if wantsGzip {
            let cached = gzipCache.withLock { $0[variantTag] }
            if let compressed = cached ?? Gzip.compress(data) {
                if cached == nil { gzipCache.withLock { $0[variantTag] = compressed } }
                headers.add("Content-Encoding", "gzip")
                return Response(status: 200, headers: headers, body: compressed)
            }
        }
        return Response(status: 200, headers: headers, body: data)
    }
}
