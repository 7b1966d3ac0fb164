import FlowCore

/// Order of day and month in slashed dates (`03/02/2018`).
public enum DateOrder: String, Sendable, Equatable {
    case dayFirst = "day_first"
    case monthFirst = "month_first"
}

/// Unit of epoch timestamps.
public enum EpochUnit: String, Sendable, Equatable {
    case seconds = "s"
    case millis = "ms"
    case micros = "us"
}

/// Result of parsing one timestamp.
public enum TimeParse: Equatable, Sendable {
    case ok(Int64)
    case bad(String)
    case ambiguous(String)
}

/// Timestamp parsers on bytes. All results are UTC milliseconds; sub-millisecond digits
/// are truncated.
public enum TimestampParsing {
    /// Epoch time in `unit`, optionally with a fraction (`1418530010`, `1258531221.486539`).
    @inlinable
    public static func epoch(_ b: UnsafeBufferPointer<UInt8>, unit: EpochUnit) -> Int64? {
        switch unit {
        case .seconds: return ByteParsing.scaled(b, digits: 3)
        case .millis: return ByteParsing.scaled(b, digits: 0)
        case .micros: return ByteParsing.scaled(b, digits: 0).map { $0 / 1000 }
        }
    }

    /// True for the all-zero date `0000-00-00 00:00:00[.000000]` (and its `T` form) that
    /// pmacct's print plugin writes for a time it did not record.
    /// (Byte loops rather than `elementsEqual`/`allSatisfy`: it runs on every timestamp
    /// field, and the generic forms are slow in a debug build.)
    public static func isZeroDate(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard b.count >= 10 else { return false }
        for k in 0..<10 where b[k] != (k == 4 || k == 7 ? 0x2D : 0x30) { return false }
        for k in 10..<b.count {
            let c = b[k]
            guard c == 0x30 || c == 0x20 || c == 0x3A || c == 0x2E || c == 0x54 else { return false }
        }
        return true
    }

    /// The unit of a bare epoch number judged by the digits before any fraction:
    /// 10 digits are seconds (2001-09-09 … 2286-11-20), 13 milliseconds, 16 microseconds.
    /// Any other length is ambiguous (nil).
    public static func epochUnitByDigits(_ b: UnsafeBufferPointer<UInt8>) -> EpochUnit? {
        var n = 0
        while n < b.count && b[n] >= 48 && b[n] <= 57 { n += 1 }
        switch n {
        case 10: return .seconds
        case 13: return .millis
        case 16: return .micros
        default: return nil
        }
    }

    /// Text timestamps:
    /// - `YYYY-MM-DD[T| ]HH:MM:SS[.f…]` with optional `Z`, `±HH:MM`, `±HHMM` or `±HH`
    ///   (ISO 8601; nfdump's local `2024-01-02 03:04:05[.123]` is the zone-less form);
    /// - `YYYY/MM/DD HH:MM:SS[.f…]` (year first, unambiguous);
    /// - `D/M/YYYY H:MM[:SS][ AM|PM]` or `M/D/YYYY …` (CIC): see `slashedOrder`.
    /// Zone-less times are local times of `converter`.
    ///
    /// Slashed day/month dates: with `dateOrder` set, that order is used. Without it, and
    /// only when `inferSlashedOrder` is true (the column's convention is a slashed date,
    /// as in CICFlowMeter files), a date is accepted when the order is unambiguous: one
    /// part > 12 fixes the order, or both parts are equal. Otherwise `ambiguous`.
    public static func text(_ b: UnsafeBufferPointer<UInt8>, converter: inout LocalTimeConverter,
                            dateOrder: DateOrder?, inferSlashedOrder: Bool) -> TimeParse {
        var c = Cursor(b)
        let n = b.count
        if n < 8 { return .bad("too short") }
        // Year-first forms.
        if n >= 10, let y = c.digits(exactly: 4), let sep = c.peek, sep == 0x2D || sep == 0x2F {
            c.i += 1
            guard let mo = c.digits(exactly: 2), c.eat(sep), let d = c.digits(exactly: 2) else { return .bad("bad date") }
            if y == 0 && mo == 0 && d == 0 { return .bad("zero time") }
            guard mo >= 1 && mo <= 12, d >= 1, d <= CivilTime.daysInMonth(year: y, month: mo) else { return .bad("no such date") }
            guard let t = c.peek, t == 0x54 || t == 0x20 || t == 0x74 else { return .bad("no time of day") }
            c.i += 1
            return finishTime(&c, year: y, month: mo, day: d, allowAMPM: false, converter: &converter)
        }
        // Slashed day/month forms.
        c = Cursor(b)
        guard let p1 = c.digits(min: 1, max: 2), c.eat(0x2F), let p2 = c.digits(min: 1, max: 2), c.eat(0x2F),
              let y = c.digits(exactly: 4), c.eat(0x20) else { return .bad("not a recognised timestamp") }
        var day: Int, month: Int
        switch dateOrder {
        case .dayFirst?: day = p1; month = p2
        case .monthFirst?: day = p2; month = p1
        case nil:
            guard inferSlashedOrder else {
                return .ambiguous("slashed date without a date order option")
            }
            if p1 == p2 { day = p1; month = p2 }
            else if p1 > 12 && p2 <= 12 { day = p1; month = p2 }
            else if p2 > 12 && p1 <= 12 { day = p2; month = p1 }
            else if p1 > 12 && p2 > 12 { return .bad("no such date") }
            else { return .ambiguous("day and month both ≤ 12; set a date order") }
        }
        guard month >= 1 && month <= 12, day >= 1, day <= CivilTime.daysInMonth(year: y, month: month) else {
            return .bad("no such date")
        }
        return finishTime(&c, year: y, month: month, day: day, allowAMPM: true, converter: &converter)
    }

    static func finishTime(_ c: inout Cursor, year: Int, month: Int, day: Int, allowAMPM: Bool,
                           converter: inout LocalTimeConverter) -> TimeParse {
        guard var hh = allowAMPM ? c.digits(min: 1, max: 2) : c.digits(exactly: 2), c.eat(0x3A),
              let mm = c.digits(exactly: 2) else { return .bad("bad time of day") }
        var ss = 0
        var millis = 0
        if c.eat(0x3A) {
            guard let s = c.digits(exactly: 2) else { return .bad("bad seconds") }
            ss = s
            if c.eat(0x2E) || c.eat(0x2C) {
                var k = 0
                while let ch = c.peek, ch >= 48 && ch <= 57 {
                    if k < 3 { millis = millis * 10 + Int(ch - 48) }
                    k += 1
                    c.i += 1
                }
                if k == 0 || k > 9 { return .bad("bad fraction") }
                while k < 3 { millis *= 10; k += 1 }
            }
        }
        if allowAMPM, c.peek == 0x20 {
            c.i += 1
            let am = c.eatWord("am"), pm = !am && c.eatWord("pm")
            guard am || pm, hh >= 1 && hh <= 12 else { return .bad("bad AM/PM") }
            if am && hh == 12 { hh = 0 } else if pm && hh != 12 { hh += 12 }
        }
        guard hh <= 23, mm <= 59, ss <= 59 else { return .bad("time of day out of range") }
        let days = CivilTime.daysFromCivil(year: year, month: month, day: day)
        let local = days * 86_400_000 + Int64(hh * 3600 + mm * 60 + ss) * 1000 + Int64(millis)
        if c.atEnd {
            switch converter.toUTC(localMillis: local) {
            case .utc(let v): return .ok(v)
            case .gap: return .bad("local time in a DST gap (\(converter.spec))")
            case .overlap: return .ambiguous("local time repeated at DST end (\(converter.spec))")
            }
        }
        // Explicit zone.
        if c.eat(0x5A) || c.eat(0x7A) {
            return c.atEnd ? .ok(local) : .bad("text after zone")
        }
        guard let sign = c.peek, sign == 0x2B || sign == 0x2D else { return .bad("text after time") }
        c.i += 1
        let zoneStart = c.i
        guard let v = c.digits(min: 2, max: 4) else { return .bad("bad zone offset") }
        var oh = v, om = 0
        if c.i - zoneStart == 4 {
            oh = v / 100
            om = v % 100
        } else if c.i - zoneStart != 2 {
            return .bad("bad zone offset")
        } else if c.eat(0x3A) {
            guard let m = c.digits(exactly: 2) else { return .bad("bad zone offset") }
            om = m
        }
        guard c.atEnd, oh <= 18, om < 60 else { return .bad("bad zone offset") }
        let off = Int64(oh * 3600 + om * 60) * 1000
        return .ok(sign == 0x2B ? local - off : local + off)
    }

    struct Cursor {
        let b: UnsafeBufferPointer<UInt8>
        var i = 0
        init(_ b: UnsafeBufferPointer<UInt8>) { self.b = b }
        var atEnd: Bool { i >= b.count }
        var peek: UInt8? { i < b.count ? b[i] : nil }
        mutating func eat(_ ch: UInt8) -> Bool {
            if i < b.count && b[i] == ch { i += 1; return true }
            return false
        }
        mutating func eatWord(_ w: StaticString) -> Bool {
            let n = w.utf8CodeUnitCount
            guard i + n <= b.count else { return false }
            if ByteParsing.equalsLowercase(UnsafeBufferPointer(rebasing: b[i..<(i + n)]), w) { i += n; return true }
            return false
        }
        mutating func digits(exactly n: Int) -> Int? { digits(min: n, max: n) }
        mutating func digits(min: Int, max: Int) -> Int? {
            var v = 0, k = 0
            while k < max, i < b.count, b[i] >= 48, b[i] <= 57 {
                v = v * 10 + Int(b[i] - 48)
                i += 1
                k += 1
            }
            if k < min { i -= k; return nil }
            if i < b.count, b[i] >= 48, b[i] <= 57 { return nil }  // too many digits
            return v
        }
    }
}
