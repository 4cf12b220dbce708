import Foundation
import HTTP

#if canImport(Glibc)
import Glibc
#endif

/// Which address a request comes from, for the per-address rate limit and the grading queue's turns.
///
/// In: the socket peer's address (`Request.remoteAddress`) and the `X-Forwarded-For` header. Out: an address in its
/// canonical text form (`203.0.113.7`, `2001:db8::1`), or `unknown` when there is none.
///
/// `X-Forwarded-For` is believed only when the peer is one of `trustedProxies` (`--trusted-proxy`); anyone else
/// could write anything there. Then the client is the right-most address in it that is not itself a trusted proxy
/// (each proxy appends the address it saw, so the entries to its left are the client's own words). An entry that
/// is not an IP address ends the walk there, and the last trusted hop's view is used.
public struct ClientAddress: Sendable {
    /// The proxies whose `X-Forwarded-For` is believed, canonical.
    public let trustedProxies: Set<String>

    /// - Parameter trustedProxies: IPv4 or IPv6 addresses; an entry that is not one is ignored.
    public init(trustedProxies: [String] = []) {
        self.trustedProxies = Set(trustedProxies.compactMap(Self.canonical))
    }

    /// The addresses among `candidates` that are not IP addresses: what `--trusted-proxy` should refuse.
    public static func invalid(_ candidates: [String]) -> [String] {
        candidates.filter { canonical($0) == nil }
    }

    /// The client's address for this request.
    public func resolve(_ request: Request) -> String {
        guard let peer = request.remoteAddress.flatMap(Self.canonical) else { return "unknown" }
        guard trustedProxies.contains(peer), let header = request.headers["X-Forwarded-For"] else { return peer }
        var client = peer
        let hops = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() {
            guard let address = Self.canonical(hop) else { break }
            client = address
            if !trustedProxies.contains(address) { break }
        }
        return client
    }

    /// Whether the client reached us over HTTPS: only a trusted proxy can say so, with `X-Forwarded-Proto: https`
    /// (the server itself speaks plain HTTP). Cookies are then marked `Secure` (RFC 6265 §4.1.2.5).
    public func isHTTPS(_ request: Request) -> Bool {
        guard let peer = request.remoteAddress.flatMap(Self.canonical), trustedProxies.contains(peer),
            let proto = request.headers["X-Forwarded-Proto"]
        else { return false }
        // A chain of proxies may list one scheme per hop; the first is the client's.
        let first = proto.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        return first.lowercased() == "https"
    }

    /// The canonical text of an IPv4 or IPv6 address, or nil when `text` is not one.
    static func canonical(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var v4 = in_addr()
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        if inet_pton(AF_INET, trimmed, &v4) == 1,
            inet_ntop(AF_INET, &v4, &buffer, socklen_t(buffer.count)) != nil
        {
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, trimmed, &v6) == 1,
            inet_ntop(AF_INET6, &v6, &buffer, socklen_t(buffer.count)) != nil
        {
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return nil
    }
}
