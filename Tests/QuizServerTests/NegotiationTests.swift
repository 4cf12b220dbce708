import Foundation
import Testing

@testable import HTTP

/// Content coding and conditional GETs (RFC 9110 §12.5.3, §13.1.2), in process, on a body the server keeps.
@Suite("Negotiation, in process")
struct NegotiationTests {
    static let body = StaticBody(
        Data(String(repeating: "{\"q\":1},", count: 400).utf8),
        contentType: "application/json"
    )

    static func get(_ headers: [(String, String)]) -> Response {
        body.response(for: Request(method: "GET", path: "/x", headers: HTTPHeaders(headers)))
    }

    @Test(arguments: [
        ("gzip", true), ("gzip, br", true), ("br;q=1.0, gzip;q=0.5", true), ("GZIP", true), ("x-gzip", true),
        ("*", true), ("gzip;q=0", false), ("gzip;q=0.000", false), ("br", false), ("identity", false),
        ("*;q=0", false), ("gzip;q=0, *", false), ("*;q=0, gzip;q=0.1", true), ("", false),
    ])
    func gzipIsSentOnlyWhenAccepted(header: String, gzipped: Bool) {
        let response = Self.get([("Accept-Encoding", header)])
        #expect(response.status == 200)
        #expect((response.headers["Content-Encoding"] == "gzip") == gzipped)
        #expect(response.headers["Vary"] == "Accept-Encoding")
    }

    @Test func noHeaderMeansTheIdentityCoding() {
        #expect(Self.get([]).headers["Content-Encoding"] == nil)
    }

    @Test func eachCodingHasItsOwnTagAndA304NamesIt() throws {
        let plain = try #require(Self.get([]).headers["ETag"])
        let zipped = try #require(Self.get([("Accept-Encoding", "gzip")]).headers["ETag"])
        #expect(plain != zipped)
        #expect(Self.get([("If-None-Match", plain)]).status == 304)
        #expect(Self.get([("If-None-Match", "W/" + plain)]).status == 304)
        #expect(Self.get([("If-None-Match", "\"other\", " + plain)]).status == 304)
        #expect(Self.get([("If-None-Match", "*")]).status == 304)
        // The gzip form's tag does not validate the plain bytes, nor the other way round.
        #expect(Self.get([("If-None-Match", zipped)]).status == 200)
        #expect(Self.get([("If-None-Match", plain), ("Accept-Encoding", "gzip")]).status == 200)
        #expect(Self.get([("If-None-Match", zipped), ("Accept-Encoding", "gzip")]).status == 304)
    }
}
