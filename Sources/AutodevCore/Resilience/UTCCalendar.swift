/// Days and months in UTC from seconds since the epoch, for budgets that reset at midnight UTC
/// and on the first of the month (no time zones, no Foundation: the civil-date algorithm of
/// Howard Hinnant's `days_from_civil`).
public enum UTCCalendar {
    public struct Civil: Sendable, Equatable {
        public var year: Int64
        public var month: Int64
        public var day: Int64
    }

    /// The date of `seconds` since the epoch, in UTC.
    public static func civil(_ seconds: Int64) -> Civil {
        let z = floorDivide(seconds, 86_400) + 719_468
        let era = floorDivide(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return Civil(year: yoe + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day)
    }

    /// Seconds since the epoch at 00:00 UTC of a date.
    public static func seconds(_ date: Civil) -> Int64 {
        let y = date.month <= 2 ? date.year - 1 : date.year
        let era = floorDivide(y, 400)
        let yoe = y - era * 400
        let mp = date.month > 2 ? date.month - 3 : date.month + 9
        let doy = (153 * mp + 2) / 5 + date.day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return (era * 146_097 + doe - 719_468) * 86_400
    }

    /// 00:00 UTC of the day holding `seconds`.
    public static func startOfDay(_ seconds: Int64) -> Int64 { floorDivide(seconds, 86_400) * 86_400 }
    public static func startOfNextDay(_ seconds: Int64) -> Int64 { startOfDay(seconds) + 86_400 }

    /// 00:00 UTC on the first of the month holding `seconds`.
    public static func startOfMonth(_ seconds: Int64) -> Int64 {
        var date = civil(seconds)
        date.day = 1
        return Self.seconds(date)
    }

    public static func startOfNextMonth(_ seconds: Int64) -> Int64 {
        var date = civil(seconds)
        date.day = 1
        date.month += 1
        if date.month > 12 { date.month = 1; date.year += 1 }
        return Self.seconds(date)
    }

    /// `2026-12-02 00:00 UTC`.
    public static func format(_ seconds: Int64) -> String {
        let date = civil(seconds)
        let minutes = floorDivide(seconds - startOfDay(seconds), 60)
        return "\(date.year)-\(pad(date.month))-\(pad(date.day)) \(pad(minutes / 60)):\(pad(minutes % 60)) UTC"
    }

    private static func pad(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }
}
