import FlowArtifacts
import FlowCore

/// UTC times as people read them in a report.
public enum UTCText {
    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    /// ISO weekday names, Monday first.
    public static let weekdayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

    /// `2026-11-01 02:14` (minutes precision).
    public static func minute(_ ms: Int64) -> String {
        date(ms) + " " + clock(ms)
    }

    /// `2026-11-01 02:14:05` (seconds precision).
    public static func second(_ ms: Int64) -> String {
        let rem = ms - CivilTime.day(ofMillis: ms) * CivilTime.millisPerDay
        return minute(ms) + ":" + pad(Int(rem / 1000 % 60))
    }

    /// `2026-11-01`.
    public static func date(_ ms: Int64) -> String { CivilTime.dateString(day: CivilTime.day(ofMillis: ms)) }

    /// `02:14`.
    public static func clock(_ ms: Int64) -> String {
        let rem = ms - CivilTime.day(ofMillis: ms) * CivilTime.millisPerDay
        return pad(Int(rem / 3_600_000)) + ":" + pad(Int(rem / 60_000 % 60))
    }

    /// `Nov 1`.
    public static func monthDay(_ ms: Int64) -> String {
        let c = CivilTime.civilFromDays(CivilTime.day(ofMillis: ms))
        return monthNames[c.month - 1] + " " + String(c.day)
    }

    /// ISO weekday of a UTC instant, Monday = 1 … Sunday = 7.
    public static func weekday(_ ms: Int64) -> Int {
        let d = CivilTime.day(ofMillis: ms)
        // 1970-01-01 was a Thursday (ISO 4).
        let r = Int(((d % 7) + 7 + 3) % 7)
        return r + 1
    }

    /// A window in the shortest unambiguous form: `2026-11-01 02:14–02:19` on one day,
    /// else `2026-11-01 23:50 – 2026-11-02 00:10`.
    public static func window(_ start: Int64, _ end: Int64) -> String {
        if date(start) == date(end) || (end > start && end - start <= 60_000 && clock(end) == "00:00") {
            return minute(start) + "–" + clock(end)
        }
        return minute(start) + " – " + minute(end)
    }

    /// A duration: `45 s`, `5 min`, `2 h 10 min`, `3 d 4 h`.
    public static func duration(_ ms: Int64) -> String {
        let s = max(ms, 0) / 1000
        if s < 60 { return "\(s) s" }
        let m = s / 60
        if m < 60 { return "\(m) min" }
        let h = m / 60
        if h < 48 { return m % 60 == 0 ? "\(h) h" : "\(h) h \(m % 60) min" }
        let d = h / 24
        return h % 24 == 0 ? "\(d) d" : "\(d) d \(h % 24) h"
    }

    static func pad(_ v: Int) -> String { v < 10 ? "0" + String(v) : String(v) }
}
