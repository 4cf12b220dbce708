import Foundation

/// Sums per question (`ItemSums`) over rows of (student, question, attempts, best, first passed, first choices),
/// fed straight from SQLite's column bytes: a class of 300 has tens of thousands of such rows, and a String and a
/// dictionary lookup by String for each would cost more than the query. All of one student's rows must come
/// together: the rest score needs the student's total first.
struct ItemAccumulator {
    private var names: [[UInt8]] = []
    private var byHash: [UInt64: [Int]] = [:]
    private var sums: [ItemSums] = []
    private var choiceNames: [[[UInt8]]] = []
    private var choiceCounts: [[Int]] = []
    private var student: Int64?
    private var total = 0.0
    private var pending: [(question: Int, best: Double)] = []

    /// - Parameter choices: the first attempt's choice ids joined by U+001F (choice questions only).
    mutating func add(
        student key: Int64,
        question: UnsafeRawBufferPointer,
        attempts: Int,
        best: Double,
        firstPassed: Bool,
        choices: UnsafeRawBufferPointer?
    ) {
        if key != student {
            flush()
            student = key
        }
        let at = index(of: question)
        sums[at].students += 1
        sums[at].attempts += attempts
        if firstPassed { sums[at].firstPassed += 1 }
        if let choices { count(choices, at: at) }
        pending.append((at, best))
        total += best
    }

    /// The sums by question id.
    mutating func finish() -> [String: ItemSums] {
        flush()
        var out: [String: ItemSums] = [:]
        out.reserveCapacity(names.count)
        for (at, name) in names.enumerated() {
            var item = sums[at]
            for (choice, count) in zip(choiceNames[at], choiceCounts[at]) {
                item.options[String(decoding: choice, as: UTF8.self)] = count
            }
            out[String(decoding: name, as: UTF8.self)] = item
        }
        return out
    }

    /// The student's rows are all in: each question's score against the rest of theirs.
    private mutating func flush() {
        for (at, x) in pending {
            let y = total - x
            sums[at].x += x
            sums[at].y += y
            sums[at].xx += x * x
            sums[at].yy += y * y
            sums[at].xy += x * y
        }
        pending.removeAll(keepingCapacity: true)
        total = 0
    }

    /// Each choice once per answer (a choice listed twice is picked once).
    private mutating func count(_ joined: UnsafeRawBufferPointer, at: Int) {
        sums[at].sawChoices = true
        var seen: UInt64 = 0  // the choices counted for this answer (a question has far fewer than 64)
        var start = 0
        for end in 0...joined.count where end == joined.count || joined[end] == 0x1F {
            defer { start = end + 1 }
            guard end > start else { continue }
            let piece = UnsafeRawBufferPointer(rebasing: joined[start..<end])
            let choice: Int
            if let found = choiceNames[at].firstIndex(where: { $0.elementsEqual(piece) }) {
                choice = found
            } else {
                choice = choiceNames[at].count
                choiceNames[at].append(Array(piece))
                choiceCounts[at].append(0)
            }
            if choice < 64 {
                guard seen & (1 << UInt64(choice)) == 0 else { continue }
                seen |= 1 << UInt64(choice)
            }
            choiceCounts[at][choice] += 1
        }
    }

    /// The question's index, by an FNV-1a hash of its bytes (compared in full on a hit).
    private mutating func index(of bytes: UnsafeRawBufferPointer) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        if let candidates = byHash[hash], let found = candidates.first(where: { names[$0].elementsEqual(bytes) }) {
            return found
        }
        let at = names.count
        names.append(Array(bytes))
        byHash[hash, default: []].append(at)
        sums.append(ItemSums())
        choiceNames.append([])
        choiceCounts.append([])
        return at
    }
}
