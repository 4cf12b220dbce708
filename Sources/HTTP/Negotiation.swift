import Foundation

/// What a request asks of a representation it may already hold or may take compressed: the `gzip` content coding
/// (RFC 9110 §12.5.3, `Accept-Encoding`) and a conditional GET (RFC 9110 §13.1.2, `If-None-Match`). One place for
/// both, so that `StaticBody` and `FileServer` answer alike.
enum Negotiation {
    /// Whether `Accept-Encoding` lists `gzip` (or `*`) with a weight above 0: `gzip;q=0` refuses it (RFC 9110
    /// §12.4.2), and no header at all means the identity coding only.
    static func acceptsGzip(_ request: Request) -> Bool {
        guard let header = request.headers["Accept-Encoding"] else { return false }
        var gzip: Bool?
        var any: Bool?
        for item in header.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let coding = parts.first, !coding.isEmpty else { continue }
            var weight = 1.0
            for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
                weight = Double(parameter.dropFirst(2)) ?? 0
            }
            if coding == "gzip" || coding == "x-gzip" {
                gzip = weight > 0
            } else if coding == "*" {
                any = weight > 0
            }
        }
        return gzip ?? any ?? false
    }

    /// The entity tag of one coding of a representation: the gzip form gets its own (`"abc-gz"`), since its bytes
    /// differ (RFC 9110 §8.8.3: a strong tag names one sequence of bytes).
    static func tag(_ etag: String, gzipped: Bool) -> String {
        gzipped ? String(etag.dropLast()) + "-gz\"" : etag
    }

    /// Whether `If-None-Match` names `tag` (weak comparison, as §13.1.2 asks for GET) or is `*`: then the answer
    /// is 304 Not Modified.
    static func notModified(_ request: Request, tag: String) -> Bool {
        guard let match = request.headers["If-None-Match"] else { return false }
        return match.split(separator: ",").contains {
            let candidate = $0.trimmingCharacters(in: .whitespaces)
            return candidate == tag || candidate == "W/" + tag || candidate == "*"
        }
    }
}
