/// The delay a server asks for before the next attempt, in seconds: `retry-after-ms` first
/// (OpenAI), then `retry-after` as seconds or as an HTTP date (RFC 9110 IMF-fixdate, compared
/// with `now`). Nil when neither is present or readable; a date in the past is 0.
func retryAfterSeconds(_ headers: [String: String], now: Int64) -> Double? {
    if let milliseconds = headers["retry-after-ms"].flatMap({ Double($0.trimmingWhitespace()) }), milliseconds >= 0, milliseconds.isFinite {
        return milliseconds / 1000
    }
    guard let value = headers["retry-after"]?.trimmingWhitespace(), !value.isEmpty else { return nil }
    if let seconds = Double(value) { return seconds >= 0 && seconds.isFinite ? seconds : nil }
    guard let date = httpDateSeconds(value) else { return nil }
    return Double(max(0, date - now))
}

/// Seconds since the epoch for `Sun, 06 Nov 1994 08:49:37 GMT`; nil for anything else.
func httpDateSeconds(_ text: String) -> Int64? {
    let parts = text.split(separator: " ")
    guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]), let year = Int(parts[3]) else { return nil }
    let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    guard let monthIndex = months.firstIndex(of: String(parts[2])) else { return nil }
    let clock = parts[4].split(separator: ":").compactMap { Int($0) }
    guard clock.count == 3, (1...31).contains(day), (0...23).contains(clock[0]), (0...59).contains(clock[1]),
          (0...60).contains(clock[2]) else { return nil }
    // Days from 1970-01-01 to the civil date (Howard Hinnant's days_from_civil).
    let month = monthIndex + 1
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    let days = era * 146_097 + dayOfEra - 719_468
    return Int64(days) * 86_400 + Int64(clock[0] * 3600 + clock[1] * 60 + clock[2])
}
