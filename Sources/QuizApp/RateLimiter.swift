import Foundation
import Store

/// At most `limit` events per key in any `window` (seconds), a sliding window: code attempts per student (keyed by
/// student id) and, without a student's token, per client address. The one mechanism for both, so one student or
/// one anonymous address cannot flood the grading queue. Over the limit, `admit` says how many seconds to wait:
/// the `Retry-After` of a 429.
///
/// With `shared` (the PostgreSQL store, when several instances serve), the events are counted in the database, so
/// the limit holds across every instance. When the database cannot be reached, it counts here, per instance.
actor RateLimiter {
    let limit: Int
    let window: TimeInterval
    let shared: (any SharedRateLimits)?
    /// The limiter's name among the shared ones (`code`, `anonymous`).
    let scope: String
    private var events: [String: [Date]] = [:]

    init(limit: Int, window: TimeInterval, shared: (any SharedRateLimits)? = nil, scope: String = "") {
        self.limit = limit
        self.window = window
        self.shared = shared
        self.scope = scope
    }

    /// Counts one event, or returns how many seconds until one is allowed.
    func admit(_ key: String, now: Date = Date()) async -> Int? {
        if let shared {
            do {
                return try await shared.admit(scope: scope, key: key, limit: limit, window: window)
            } catch {
                // The database is out of reach: count here until it is back.
            }
        }
        return admitHere(key, now: now)
    }

    private func admitHere(_ key: String, now: Date) -> Int? {
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
    func refund(_ key: String) async {
        if let shared, (try? await shared.refund(scope: scope, key: key)) != nil { return }
        guard var recent = events[key], !recent.isEmpty else { return }
        recent.removeLast()
        events[key] = recent.isEmpty ? nil : recent
    }
}
