/// Strict parsers over ASCII bytes. None accepts signs, spaces, exponents or empty input.
public enum ByteParsing {
    /// An unsigned decimal integer of 1–20 digits that is ≤ `max`. Rejects signs, spaces,
    /// exponents (`1e3`), fractions and overflow.
    @inlinable
    public static func unsigned(_ b: UnsafeBufferPointer<UInt8>, max: UInt64 = .max) -> UInt64? {
        let n = b.count
        if n == 0 || n > 20 { return nil }
        var v: UInt64 = 0
        for i in 0..<n {
            let d = b[i] &- 48
            if d > 9 { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(d))
            if o1 || o2 { return nil }
            v = a
        }
        return v <= max ? v : nil
    }

    /// An unsigned decimal with an optional fraction, scaled by 10^`digits` and
    /// truncated (not rounded) past that many fraction digits: `"5.000"` with 3 digits is
    /// 5000, `"1.0005"` is 1000. Exact integer arithmetic, no floating point.
    @inlinable
    public static func scaled(_ b: UnsafeBufferPointer<UInt8>, digits: Int) -> Int64? {
        let n = b.count
        if n == 0 { return nil }
        var intPart: Int64 = 0
        var i = 0
        var intDigits = 0
        while i < n && b[i] != 0x2E {
            let d = b[i] &- 48
            if d > 9 { return nil }
            let (m, o1) = intPart.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(d))
            if o1 || o2 { return nil }
            intPart = a
            intDigits += 1
            i += 1
        }
        if intDigits == 0 { return nil }
        var frac: Int64 = 0
        var fracDigits = 0
        if i < n {
            i += 1  // the dot
            if i == n { return nil }  // "5." is not accepted
            while i < n {
                let d = b[i] &- 48
                if d > 9 { return nil }
                if fracDigits < digits {
                    frac = frac * 10 + Int64(d)
                    fracDigits += 1
                }
                i += 1
            }
        }
        while fracDigits < digits { frac *= 10; fracDigits += 1 }
        var scale: Int64 = 1
        for _ in 0..<digits { scale *= 10 }
        let (m, o1) = intPart.multipliedReportingOverflow(by: scale)
        let (a, o2) = m.addingReportingOverflow(frac)
        return o1 || o2 ? nil : a
    }

    /// Like `unsigned`, but also accepts a zero fraction (`"12.0"`), as CIC datasets
    /// re-exported through spreadsheets write counters.
    @inlinable
    public static func unsignedAllowingZeroFraction(_ b: UnsafeBufferPointer<UInt8>, max: UInt64 = .max) -> UInt64? {
        if let v = unsigned(b, max: max) { return v }
        guard let dot = b.firstIndex(of: 0x2E), dot > 0, dot + 1 < b.count else { return nil }
        for k in (dot + 1)..<b.count where b[k] != 0x30 { return nil }
        return unsigned(UnsafeBufferPointer(rebasing: b[..<dot]), max: max)
    }

    /// True for the CIC special values `Infinity`, `-Infinity`, `inf`, `NaN` (any case).
    public static func isNonFinite(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let s = lowercased(b)
        return s == "infinity" || s == "-infinity" || s == "inf" || s == "-inf" || s == "nan"
    }

    /// Lowercased ASCII text of a short field (slow path: names, error details).
    public static func lowercased(_ b: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: b.lazy.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
    }

    /// Case-insensitive comparison of bytes with a lowercase ASCII literal.
    @inlinable
    public static func equalsLowercase(_ b: UnsafeBufferPointer<UInt8>, _ lower: StaticString) -> Bool {
        let n = lower.utf8CodeUnitCount
        if b.count != n { return false }
        let p = lower.utf8Start
        for i in 0..<n {
            var c = b[i]
            if c >= 65 && c <= 90 { c += 32 }
            if c != p[i] { return false }
        }
        return true
    }

    /// A protocol as a number 0–255 or a name: TCP, UDP, ICMP, ICMP6/ICMPv6/IPv6-ICMP,
    /// GRE, ESP, AH, IGMP, IPIP/IPv4, IPv6, OSPF, PIM, VRRP, L2TP, SCTP, EGP, RSVP, then any
    /// IANA keyword or Argus spelling (`IPProtocolNames`), case-insensitive.
    @inlinable
    public static func proto(_ b: UnsafeBufferPointer<UInt8>) -> UInt8? {
        if let v = unsigned(b, max: 255) { return UInt8(v) }
        if b.count < 1 || b.count > 16 { return nil }
        return protoName(b)
    }

    @usableFromInline
    static func protoName(_ b: UnsafeBufferPointer<UInt8>) -> UInt8? {
        if equalsLowercase(b, "tcp") { return 6 }
        if equalsLowercase(b, "udp") { return 17 }
        if equalsLowercase(b, "icmp") { return 1 }
        for (name, num) in protocolNames where equalsLowercaseString(b, name) { return num }
        return IPProtocolNames.byName[lowercased(b)]
    }

    static func equalsLowercaseString(_ b: UnsafeBufferPointer<UInt8>, _ lower: String) -> Bool {
        let u = lower.utf8
        if b.count != u.count { return false }
        var i = 0
        for c0 in u {
            var c = b[i]
            if c >= 65 && c <= 90 { c += 32 }
            if c != c0 { return false }
            i += 1
        }
        return true
    }

    /// Names accepted for protocol numbers (lowercase).
    public static let protocolNames: [(String, UInt8)] = [
        ("tcp", 6), ("udp", 17), ("icmp", 1), ("icmp6", 58), ("icmpv6", 58), ("ipv6-icmp", 58),
        ("gre", 47), ("esp", 50), ("ah", 51), ("igmp", 2), ("ipip", 4), ("ipv4", 4), ("ipv6", 41),
        ("ospf", 89), ("ospfigp", 89), ("pim", 103), ("vrrp", 112), ("l2tp", 115), ("sctp", 132),
        ("egp", 8), ("rsvp", 46),
    ]

    /// TCP flags as nfdump letters (`.AP.SF`, `...A....`: 6 letters UAPRSF or 8 letters
    /// CEUAPRSF, each letter in its own position or `.`), a decimal number 0–255, or
    /// `0x` hex. Letters are checked by position, so `S.....` is rejected.
    @inlinable
    public static func tcpFlags(_ b: UnsafeBufferPointer<UInt8>) -> UInt8? {
        let n = b.count
        if n == 6 || n == 8 {
            let letters: StaticString = "CEUAPRSF"
            let p = letters.utf8Start
            let offset = 8 - n
            var v: UInt8 = 0
            var ok = true
            for i in 0..<n {
                let c = b[i]
                let bit = 7 - (i + offset)
                if c == 0x2E { continue }
                if c == p[i + offset] { v |= UInt8(1) << UInt8(bit) } else { ok = false; break }
            }
            if ok { return v }
        }
        if n > 2 && b[0] == 0x30 && (b[1] == 0x78 || b[1] == 0x58) {
            if n > 4 { return nil }
            var v: UInt32 = 0
            for i in 2..<n {
                guard let h = hex(b[i]) else { return nil }
                v = v << 4 | UInt32(h)
            }
            return UInt8(v)
        }
        if let v = unsigned(b, max: 255) { return UInt8(v) }
        return nil
    }

    @inlinable
    static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: return c - 48
        case 97...102: return c - 87
        case 65...70: return c - 55
        default: return nil
        }
    }

    /// True when `b` is valid UTF-8. Pure ASCII is checked eight bytes at a time.
    @inlinable
    public static func isValidUTF8(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = b.baseAddress else { return true }
        let n = b.count
        var i = 0
        var acc: UInt64 = 0
        let raw = UnsafeRawPointer(base)
        while i + 8 <= n {
            acc |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < n { acc |= UInt64(base[i]); i += 1 }
        if acc & 0x8080_8080_8080_8080 == 0 { return true }
        return validateUTF8Slow(b)
    }

    @usableFromInline
    static func validateUTF8Slow(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            if c < 0x80 { i += 1; continue }
            var need = 0
            var minCode: UInt32 = 0
            var code: UInt32 = 0
            if c & 0xE0 == 0xC0 { need = 1; minCode = 0x80; code = UInt32(c & 0x1F) }
            else if c & 0xF0 == 0xE0 { need = 2; minCode = 0x800; code = UInt32(c & 0x0F) }
            else if c & 0xF8 == 0xF0 { need = 3; minCode = 0x10000; code = UInt32(c & 0x07) }
            else { return false }
            if i + need >= n { return false }
            for k in 1...need {
                let cc = b[i + k]
                if cc & 0xC0 != 0x80 { return false }
                code = code << 6 | UInt32(cc & 0x3F)
            }
            if code < minCode || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF) { return false }
            i += need + 1
        }
        return true
    }
}
