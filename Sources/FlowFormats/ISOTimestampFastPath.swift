import FlowCore

/// The common ISO 8601 form `YYYY-MM-DD[T| ]HH:MM:SS[.f…][Z]` read at fixed positions,
/// with the day number of the last date seen kept: consecutive flows almost always share
/// their date, so most timestamps cost a 10-byte compare and six digit pairs.
///
/// It only answers for well-formed, valid values in that form; anything else (offsets,
/// slashed dates, out-of-range fields, named local zones) returns nil and goes to
/// `TimestampParsing.text`, which decides and explains. Same results as that parser for
/// every input it accepts (tested on both).
struct ISOTimestampFastPath: Sendable {
    private var lastDateWord: UInt64 = 0
    private var lastDateTail: UInt16 = 0
    private var lastDays: Int64 = 0
    private var haveLast = false

    /// UTC milliseconds of `f`, or nil when the general parser must decide.
    /// `zoneLessOffsetMillis`: what to subtract from a time without `Z` (the fixed offset of
    /// the local zone), or nil when such times need the general parser (named zones).
    @inline(__always)
    mutating func parse(_ f: UnsafeBufferPointer<UInt8>, zoneLessOffsetMillis: Int64?) -> Int64? {
        let n = f.count
        guard n >= 19, n <= 30, let base = f.baseAddress else { return nil }
        guard f[4] == 0x2D, f[7] == 0x2D, f[10] == 0x54 || f[10] == 0x20 || f[10] == 0x74,
              f[13] == 0x3A, f[16] == 0x3A else { return nil }
        // The rest: optional fraction, optional Z, nothing else.
        var i = 19
        var millis = 0
        if i < n && (f[i] == 0x2E || f[i] == 0x2C) {
            i += 1
            var k = 0
            while i < n, f[i] &- 48 < 10 {
                if k < 3 { millis = millis * 10 + Int(f[i] &- 48) }
                k += 1
                i += 1
            }
            guard k >= 1 && k <= 9 else { return nil }
            while k < 3 { millis *= 10; k += 1 }
        }
        let offset: Int64
        if i == n {
            guard let local = zoneLessOffsetMillis else { return nil }
            offset = local
        } else if i == n - 1 && (f[i] == 0x5A || f[i] == 0x7A) {
            offset = 0
        } else {
            return nil
        }
        let raw = UnsafeRawPointer(base)
        let word = raw.loadUnaligned(as: UInt64.self)
        let tail = raw.loadUnaligned(fromByteOffset: 8, as: UInt16.self)
        let days: Int64
        if haveLast && word == lastDateWord && tail == lastDateTail {
            days = lastDays
        } else {
            guard let y4 = Self.pair(f, 0), let y2 = Self.pair(f, 2), let mo = Self.pair(f, 5), let d = Self.pair(f, 8)
            else { return nil }
            let y = y4 * 100 + y2
            guard mo >= 1 && mo <= 12, d >= 1, d <= CivilTime.daysInMonth(year: y, month: mo) else { return nil }
            days = CivilTime.daysFromCivil(year: y, month: mo, day: d)
            lastDateWord = word
            lastDateTail = tail
            lastDays = days
            haveLast = true
        }
        guard let hh = Self.pair(f, 11), let mm = Self.pair(f, 14), let ss = Self.pair(f, 17),
              hh <= 23, mm <= 59, ss <= 59 else { return nil }
        return days * 86_400_000 + Int64(hh * 3600 + mm * 60 + ss) * 1000 + Int64(millis) - offset
    }

    /// The two decimal digits at `i`, or nil.
    @inline(__always)
    private static func pair(_ f: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int? {
        let a = f[i] &- 48, b = f[i + 1] &- 48
        guard a < 10, b < 10 else { return nil }
        return Int(a) * 10 + Int(b)
    }
}
