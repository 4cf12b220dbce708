import Foundation

/// The fields of the CSV files the server writes (class and assignment results, class exports), by RFC 4180:
/// a field holding a comma, a quote or a line break is quoted, with its quotes doubled.
enum CSVText {
    /// A field written as RFC 4180 requires: quoted when it must be, as is otherwise. For text the server makes
    /// (question ids, headers); text that people typed goes through `text`.
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Text that people typed (a name, an answer), guarded against formula injection and then quoted: a field a
    /// spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return) is
    /// prefixed with an apostrophe, as OWASP's "CSV Injection" advice says.
    static func text(_ value: String) -> String {
        guard let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else {
            return field(value)
        }
        return field("'" + value)
    }

    /// A score: rounded to 2 decimals, written without a fraction when it is whole (`1`, `0.33`).
    static func number(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.2f", rounded)
    }
}
