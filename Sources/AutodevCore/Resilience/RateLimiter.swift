/// A provider's requests and tokens per minute, kept between runs. Every call sent in the last
/// 60 s is remembered with the tokens it was charged (its input estimate plus
/// `max_output_tokens` up front, the provider's `usage` once it answers), so no 60 s window ever
/// holds more than `requests_per_minute` calls or `tokens_per_minute` tokens — a token bucket
/// refilled continuously would let a full bucket and a minute's refill through in one window.
/// What the provider says in `x-ratelimit-*` / `anthropic-ratelimit-*` headers narrows it further
/// until the reset it names. Times are wall-clock milliseconds.
struct RateLimiter: Sendable, Codable, Equatable {
    public struct Charge: Sendable, Codable, Equatable {
        public var id: String
        public var at: Int64
        public var tokens: Int
    }

    /// What the provider's headers last said is left, and until when that holds.
    public struct ServerLimit: Sendable, Codable, Equatable {
        public var remaining: Int
        public var resetsAt: Int64
    }

    public static let window: Int64 = 60_000

    public var requestsPerMinute: Int
    public var tokensPerMinute: Int
    public var charges: [Charge] = []
    public var serverRequests: ServerLimit?
    public var serverTokens: ServerLimit?
    /// The largest limit the headers named, for the quota reading.
    public var serverTokenLimit: Int?

    public init(requestsPerMinute: Int, tokensPerMinute: Int) {
        self.requestsPerMinute = requestsPerMinute
        self.tokensPerMinute = tokensPerMinute
    }

    /// How long to wait before a call of `tokens` may go at `now` (0: at once). A call larger
    /// than `tokens_per_minute` waits for an empty window and then goes alone.
    public func delay(tokens: Int, now: Int64) -> Int64 {
        var wait: Int64 = 0
        let live = charges.filter { $0.at > now - Self.window }.sorted { $0.at < $1.at }
        if requestsPerMinute > 0, live.count >= requestsPerMinute {
            // The oldest calls must leave the window until one fewer than the limit remain.
            let leaving = live[live.count - requestsPerMinute]
            wait = max(wait, leaving.at + Self.window - now)
        }
        if tokensPerMinute > 0 {
            var used = live.map(\.tokens).reduce(0, +)
            let need = min(tokens, tokensPerMinute)
            for charge in live where used + need > tokensPerMinute {
                used -= charge.tokens
                wait = max(wait, charge.at + Self.window - now)
            }
        }
        if let limit = serverRequests, limit.remaining <= 0, limit.resetsAt > now {
            wait = max(wait, limit.resetsAt - now)
        }
        if let limit = serverTokens, limit.remaining < tokens, limit.resetsAt > now {
            wait = max(wait, limit.resetsAt - now)
        }
        return max(0, wait)
    }

    /// Records a call sent at `now` charged `tokens`, and forgets what left the window.
    public mutating func take(id: String, tokens: Int, now: Int64) {
        charges.removeAll { $0.at <= now - Self.window }
        charges.append(Charge(id: id, at: now, tokens: tokens))
        if var limit = serverRequests, limit.resetsAt > now { limit.remaining -= 1; serverRequests = limit }
        if var limit = serverTokens, limit.resetsAt > now { limit.remaining -= tokens; serverTokens = limit }
    }

    /// Replaces the up-front charge of call `id` with what the provider reported.
    public mutating func reconcile(id: String, tokens: Int) {
        if let index = charges.firstIndex(where: { $0.id == id }) { charges[index].tokens = tokens }
    }

    /// Reads OpenAI's `x-ratelimit-{remaining,reset}-{requests,tokens}` (resets like `12ms`,
    /// `6m0s`) and Anthropic's `anthropic-ratelimit-{requests,tokens}-{remaining,reset}` (RFC 3339).
    public mutating func update(headers: [String: String], now: Int64) {
        for kind in ["requests", "tokens"] {
            var remaining: Int?
            var reset: Int64?
            var limit: Int?
            if let value = headers["x-ratelimit-remaining-\(kind)"].flatMap({ Int($0.trimmingSpaces()) }) {
                remaining = value
                reset = headers["x-ratelimit-reset-\(kind)"].flatMap(Self.duration).map { now + $0 }
                limit = headers["x-ratelimit-limit-\(kind)"].flatMap { Int($0.trimmingSpaces()) }
            } else if let value = headers["anthropic-ratelimit-\(kind)-remaining"].flatMap({ Int($0.trimmingSpaces()) }) {
                remaining = value
                reset = headers["anthropic-ratelimit-\(kind)-reset"].flatMap(Self.rfc3339).map { $0 * 1000 }
                limit = headers["anthropic-ratelimit-\(kind)-limit"].flatMap { Int($0.trimmingSpaces()) }
            }
            guard let remaining, remaining >= 0 else { continue }  // Azure's −1: no reading
            // Without a reset the reading holds for a window.
            let server = ServerLimit(remaining: remaining, resetsAt: max(now, reset ?? now + Self.window))
            if kind == "requests" { serverRequests = server } else {
                serverTokens = server
                if let limit, limit > 0 { serverTokenLimit = limit }
            }
        }
    }

    /// The fraction of the provider's token limit its headers say is left; nil without headers.
    public func quotaLeft(now: Int64) -> Double? {
        guard let tokens = serverTokens, tokens.resetsAt > now, let limit = serverTokenLimit, limit > 0 else { return nil }
        return max(0, Double(tokens.remaining) / Double(limit))
    }

    /// `6m0s`, `1.5s`, `12ms`, `250ms`, `2h3m` → milliseconds.
    static func duration(_ text: String) -> Int64? {
        var total = 0.0
        var number = ""
        var any = false
        let scalars = Array(text.trimmingSpaces().unicodeScalars)
        var index = 0
        while index < scalars.count {
            let c = scalars[index]
            if ("0"..."9").contains(c) || c == "." {
                number.unicodeScalars.append(c)
                index += 1
                continue
            }
            guard let value = Double(number) else { return nil }
            var unit = String(c)
            if c == "m", index + 1 < scalars.count, scalars[index + 1] == "s" { unit = "ms"; index += 1 }
            switch unit {
            case "h": total += value * 3_600_000
            case "m": total += value * 60_000
            case "s": total += value * 1000
            case "ms": total += value
            default: return nil
            }
            any = true
            number = ""
            index += 1
        }
        if !number.isEmpty { guard let value = Double(number) else { return nil }; total += value * 1000; any = true }
        return any ? Int64(total.rounded(.up)) : nil
    }

    /// `2026-12-01T10:20:30Z` (fractions and offsets allowed) → seconds since the epoch.
    static func rfc3339(_ text: String) -> Int64? {
        let bytes = Array(text.trimmingSpaces().utf8)
        guard bytes.count >= 20 else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for i in range { guard (48...57).contains(bytes[i]) else { return nil }; value = value * 10 + Int64(bytes[i] - 48) }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
              let minute = number(14..<16), let second = number(17..<19) else { return nil }
        var index = 19
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < bytes.count, (48...57).contains(bytes[index]) { index += 1 }
        }
        var offset: Int64 = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"), index + 6 <= bytes.count,
           let h = number(index + 1..<index + 3), let m = number(index + 4..<index + 6) {
            offset = (h * 3600 + m * 60) * (bytes[index] == UInt8(ascii: "+") ? 1 : -1)
        }
        return UTCCalendar.seconds(.init(year: year, month: month, day: day)) + hour * 3600 + minute * 60 + second - offset
    }
}
