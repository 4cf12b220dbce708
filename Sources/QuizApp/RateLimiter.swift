import Foundation

/// At most `limit` events per key in any `window` (seconds), a sliding window: code attempts per student (keyed by
/// student id) and, without a student's token, per client address. The one mechanism for both, so one student or
/// one anonymous address cannot flood the grading queue. Over the limit, `admit` says how many seconds to wait:
/// the `Retry-After` of a 429.
actor RateLimiter {
    let limit: Int
    let window: TimeInterval
    private var events: [String: [Date]] = [:]

    init(limit: Int, window: TimeInterval) {
        self.limit = limit
        self.window = window
    }

    /// Counts one event, or returns how many seconds until one is allowed.
    func admit(_ key: String, now: Date = Date()) -> Int? {
        var recent = (events[key] ?? []).filter { now.timeIntervalSince($0) < window }
        if recent.count >= limit, let oldest = recent.first {
            events[key] = recent
            return max(1, Int((window - now.timeIntervalSince(oldest)).rounded(.up)))
        }
        recent.append(now)
        events[key] = recent
        if events.count > 10_000 {
            events = events.filter { !$0.value.isEmpty && now.timeIntervalSince($0.value.last!) < window }
        }
        return nil
    }

    /// Takes back the last event counted for `key`: the work it admitted was never done (the grading queue was
    /// full, say), and a refusal must not use up the limit.
    func refund(_ key: String) {
        guard var recent = events[key], !recent.isEmpty else { return }
        recent.removeLast()
        events[key] = recent.isEmpty ? nil : recent
    }
}
