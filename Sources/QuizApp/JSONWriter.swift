import Foundation

/// JSON text (RFC 8259) written straight into bytes, for the few large answers built by hand (the teacher's results
/// matrix: 30,000 cells for a class of 300): no intermediate strings per value, and one buffer sized up front.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []

    /// - Parameter capacity: the bytes to reserve (a guess; the buffer grows past it if needed).
    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// JSON syntax or text known to be valid JSON, as is.
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Text already in JSON form (a stored JSON value, say), as is.
    mutating func raw(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// `value` as a JSON string: quotes, backslashes and control characters escaped (RFC 8259 §7).
    mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        if Self.needsEscape(value) {
            let escaped = JSONText.string(value)
            bytes.append(contentsOf: escaped.utf8.dropFirst().dropLast())
        } else {
            bytes.append(contentsOf: value.utf8)
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Whether `value` holds a byte JSON escapes: a scan of its UTF-8 in place (the generic `contains(where:)`
    /// over `utf8` cost more than the copy).
    static func needsEscape(_ value: String) -> Bool {
        func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            for byte in bytes where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                return true
            }
            return false
        }
        if let found = value.utf8.withContiguousStorageIfAvailable(scan) { return found }
        var copy = value
        return copy.withUTF8(scan)
    }

    mutating func int(_ value: Int) {
        bytes.append(contentsOf: String(value).utf8)
    }

    /// A number as `JSONText.number` writes it: whole values without a fraction.
    mutating func number(_ value: Double) {
        bytes.append(contentsOf: JSONText.number(value).utf8)
    }

    var data: Data { Data(bytes) }
}
