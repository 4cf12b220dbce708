import Foundation

/// Times as the API writes and reads them: RFC 3339 (the internet profile of ISO 8601), in UTC on the way out
/// (`2026-03-01T08:00:00Z`), with any offset and optional fractional seconds on the way in.
///
/// The format styles are values made once: an `ISO8601DateFormatter` per call cost a class allocation and its
/// set-up for each of the thousands of times a study hand-over or a student's attempts carry.
enum RFC3339 {
    private static let plain = Date.ISO8601FormatStyle()
    private static let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// `date` in UTC, to the second: `2026-03-01T08:00:00Z`.
    static func string(_ date: Date) -> String {
        plain.format(date)
    }

    /// The instant `text` names, or nil when it is not an RFC 3339 date-time with its offset (`Z` or `±hh:mm`).
    /// Lower-case `t` and `z` are allowed, as RFC 3339 §5.6 says.
    static func date(_ text: String) -> Date? {
        guard text.utf8.count <= 40 else { return nil }
        let upper = text.uppercased()
        return (try? plain.parse(upper)) ?? (try? fractional.parse(upper))
    }
}
