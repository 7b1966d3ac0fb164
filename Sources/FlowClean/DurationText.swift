import FlowCore

/// Parsing and printing of the config's durations and instants.
public enum DurationText {
    /// Parses `<integer><unit>` with unit `ms`, `s`, `m`, `h` or `d` (e.g. `100ms`, `30m`)
    /// into milliseconds. A bare number is refused: the unit must be explicit.
    public static func parseMillis(_ text: String) -> Int64? {
        let t = text.trimmingSpaces
        let units: [(String, Int64)] = [("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)]
        for (suffix, factor) in units where t.hasSuffix(suffix) {
            let number = t.dropLast(suffix.count)
            // "ms" also ends in "s": make sure the number part is all digits.
            guard !number.isEmpty, number.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int64(number) else { continue }
            let (product, overflow) = v.multipliedReportingOverflow(by: factor)
            return overflow ? nil : product
        }
        return nil
    }

    /// Prints milliseconds with the largest unit that divides them exactly.
    public static func format(millis: Int64) -> String {
        for (suffix, factor) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1_000)]
            where millis != 0 && millis % factor == 0 {
            return "\(millis / factor)\(suffix)"
        }
        return "\(millis)ms"
    }

    /// Parses `YYYY-MM-DD` (the start of that UTC day, `isDate` true) or
    /// `YYYY-MM-DDTHH:MM:SS[.mmm]Z` into UTC milliseconds.
    public static func parseInstant(_ text: String) -> (millis: Int64, isDate: Bool)? {
        let t = text.trimmingSpaces
        if let day = CivilTime.parseDate(t) { return (day * CivilTime.millisPerDay, true) }
        guard t.hasSuffix("Z"), let tIndex = t.firstIndex(of: "T"),
              let day = CivilTime.parseDate(String(t[..<tIndex])) else { return nil }
        var clock = t[t.index(after: tIndex)..<t.index(before: t.endIndex)]
        var millis: Int64 = 0
        if let dot = clock.firstIndex(of: ".") {
            let fraction = clock[clock.index(after: dot)...]
            guard fraction.count == 3, let f = Int64(fraction) else { return nil }
            millis = f
            clock = clock[..<dot]
        }
        let parts = clock.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ $0.count == 2 }),
              let h = Int64(parts[0]), let m = Int64(parts[1]), let s = Int64(parts[2]),
              (0..<24).contains(h), (0..<60).contains(m), (0..<60).contains(s) else { return nil }
        return (day * CivilTime.millisPerDay + ((h * 60 + m) * 60 + s) * 1000 + millis, false)
    }
}
