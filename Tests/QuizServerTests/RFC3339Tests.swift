import Foundation
import Testing

@testable import QuizApp

@Suite("RFC 3339 times, in process")
struct RFC3339Tests {
    @Test(arguments: [
        ("2026-03-01T09:00:00+01:00", 1_772_352_000.0),
        ("2026-03-01T08:00:00Z", 1_772_352_000.0),
        ("2026-03-01t08:00:00z", 1_772_352_000.0),
        ("2026-03-01T08:00:00.250Z", 1_772_352_000.25),
        ("2026-02-28T22:30:00-09:30", 1_772_352_000.0),
    ])
    func readsEveryFormTheAPIAccepts(text: String, seconds: Double) throws {
        let date = try #require(RFC3339.date(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 0.001)
    }

    @Test(arguments: ["", "2026-03-01", "2026-03-01T08:00:00", "yesterday", "2026-13-01T08:00:00Z"])
    func refusesWhatIsNotADateTimeWithItsOffset(text: String) {
        #expect(RFC3339.date(text) == nil)
    }

    @Test func writesUTCToTheSecond() {
        #expect(RFC3339.string(Date(timeIntervalSince1970: 1_772_352_000.7)) == "2026-03-01T08:00:00Z")
    }
}
