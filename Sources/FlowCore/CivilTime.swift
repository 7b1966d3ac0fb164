/// Conversions between UTC milliseconds and the proleptic Gregorian calendar, with no
/// Foundation and no allocation (Howard Hinnant's days-from-civil algorithms).
public enum CivilTime {
    public static let millisPerDay: Int64 = 86_400_000

    /// Days since 1970-01-01 for a calendar date (month 1–12, day 1–31).
    @inlinable
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The calendar date of a day number (days since 1970-01-01).
    @inlinable
    public static func civilFromDays(_ z0: Int64) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(m <= 2 ? y + 1 : y), Int(m), Int(d))
    }

    /// Number of days in a month of a year.
    @inlinable
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Floor division of a millisecond instant into its UTC day number.
    @inlinable
    public static func day(ofMillis ms: Int64) -> Int64 {
        ms >= 0 ? ms / millisPerDay : (ms - millisPerDay + 1) / millisPerDay
    }

    /// `YYYY-MM-DD` of a UTC day number.
    public static func dateString(day: Int64) -> String {
        let c = civilFromDays(day)
        return pad(c.year, 4) + "-" + pad(c.month, 2) + "-" + pad(c.day, 2)
    }

    /// Parses `YYYY-MM-DD` into a day number.
    public static func parseDate(_ s: String) -> Int64? {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), d >= 1, d <= daysInMonth(year: y, month: m) else { return nil }
        return daysFromCivil(year: y, month: m, day: d)
    }

    /// ISO 8601 text of a UTC instant: `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    public static func isoString(millis ms: Int64) -> String {
        let day = day(ofMillis: ms)
        let rem = ms - day * millisPerDay
        let hms = rem / 1000
        return dateString(day: day) + "T" + pad(Int(hms / 3600), 2) + ":" + pad(Int(hms / 60 % 60), 2)
            + ":" + pad(Int(hms % 60), 2) + "." + pad(Int(rem % 1000), 3) + "Z"
    }

    static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
