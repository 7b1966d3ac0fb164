import FlowCore

/// Instants in the exchanged files: written as ISO 8601 UTC text in the CSV tables
/// (`CivilTime.isoString`) and as epoch milliseconds in JSON; readers take either.
public enum InstantText {
    /// Parses `YYYY-MM-DDTHH:MM[:SS[.fff]][Z|+00:00]`, `YYYY-MM-DD HH:MM…` or `YYYY-MM-DD`
    /// (UTC), or an integer of epoch milliseconds.
    public static func parse(_ text: String) -> Int64? {
        let t = text.trimmedOfSpace()
        if let v = Int64(t) { return v }
        let bytes = Array(t.utf8)
        guard bytes.count >= 10, let day = CivilTime.parseDate(String(decoding: bytes[0..<10], as: UTF8.self)) else { return nil }
        var ms = day * CivilTime.millisPerDay
        if bytes.count == 10 { return ms }
        guard bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "), bytes.count >= 16 else { return nil }
        func num(_ a: Int, _ n: Int) -> Int64? {
            guard a + n <= bytes.count else { return nil }
            var v: Int64 = 0
            for i in a..<(a + n) {
                let c = bytes[i]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int64(c - 48)
            }
            return v
        }
        guard let hh = num(11, 2), bytes[13] == UInt8(ascii: ":"), let mm = num(14, 2), hh < 24, mm < 60 else { return nil }
        ms += hh * 3_600_000 + mm * 60_000
        var i = 16
        if i < bytes.count && bytes[i] == UInt8(ascii: ":") {
            guard let ss = num(i + 1, 2), ss < 61 else { return nil }
            ms += ss * 1000
            i += 3
            if i < bytes.count && bytes[i] == UInt8(ascii: ".") {
                i += 1
                var frac: Int64 = 0
                var digits = 0
                while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 {
                    if digits < 3 { frac = frac * 10 + Int64(bytes[i] - 48) }
                    digits += 1
                    i += 1
                }
                guard digits > 0 else { return nil }
                while digits < 3 { frac *= 10; digits += 1 }
                ms += frac
            }
        }
        let rest = String(decoding: bytes[i...], as: UTF8.self)
        guard rest.isEmpty || rest == "Z" || rest == "+00:00" || rest == "+0000" else { return nil }
        return ms
    }
}
