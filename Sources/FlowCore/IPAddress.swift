/// An IP address in one 128-bit representation: IPv6 as is, IPv4 as the v4-mapped IPv6
/// address `::ffff:a.b.c.d` (RFC 4291 §2.5.5.2). Comparable by numeric value, so IPv4
/// addresses sort together and before most IPv6 space.
///
/// Text forms are parsed strictly (no leading-zero IPv4 octets, no zone identifiers) and
/// printed canonically: dotted quad for IPv4, RFC 5952 for IPv6.
public struct IPAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// High 64 bits (network order: the first 8 bytes of the address).
    public var high: UInt64
    /// Low 64 bits (the last 8 bytes of the address).
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The v4-mapped form of an IPv4 address given as a host-order 32-bit integer.
    @inlinable
    public init(ipv4: UInt32) {
        self.high = 0
        self.low = 0x0000_FFFF_0000_0000 | UInt64(ipv4)
    }

    /// An address from 16 bytes in network order.
    public init<C: Collection>(ipv6Bytes bytes: C) where C.Element == UInt8 {
        precondition(bytes.count == 16, "IPv6 address needs 16 bytes")
        var h: UInt64 = 0
        var l: UInt64 = 0
        for (i, b) in bytes.enumerated() {
            if i < 8 { h = h << 8 | UInt64(b) } else { l = l << 8 | UInt64(b) }
        }
        self.high = h
        self.low = l
    }

    /// The unspecified address `::`.
    public static let zero = IPAddress(high: 0, low: 0)

    /// True when this is a v4-mapped address (an IPv4 address).
    @inlinable
    public var isIPv4: Bool { high == 0 && (low >> 32) == 0xFFFF }

    /// The IPv4 value (host order) when `isIPv4`.
    @inlinable
    public var ipv4: UInt32? { isIPv4 ? UInt32(truncatingIfNeeded: low) : nil }

    /// 0.0.0.0 or `::`: not a real endpoint.
    public var isUnspecified: Bool { (high == 0 && low == 0) || (isIPv4 && UInt32(truncatingIfNeeded: low) == 0) }

    public static func < (a: IPAddress, b: IPAddress) -> Bool {
        a.high != b.high ? a.high < b.high : a.low < b.low
    }

    /// The 16 bytes in network order.
    public var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 {
            out[i] = UInt8(truncatingIfNeeded: high >> (56 - 8 * UInt64(i)))
            out[8 + i] = UInt8(truncatingIfNeeded: low >> (56 - 8 * UInt64(i)))
        }
        return out
    }

    public var description: String {
        var out: [UInt8] = []
        out.reserveCapacity(39)
        appendText(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses a textual address (IPv4 dotted quad or IPv6) from a String.
    public init?(_ text: String) {
        var copy = text
        guard let parsed = copy.withUTF8({ IPAddress.parse($0) }) else { return nil }
        self = parsed
    }
}

// MARK: - Parsing

extension IPAddress {
    /// Parses an address from UTF-8 bytes. Returns nil unless the bytes are exactly one
    /// IPv4 dotted quad (decimal octets 0–255, no leading zeros) or one IPv6 address in a
    /// text form of RFC 4291 §2.2 (including an embedded dotted quad); zone ids rejected.
    @inlinable
    public static func parse(_ text: UnsafeBufferPointer<UInt8>) -> IPAddress? {
        if let v4 = parseIPv4(text) { return IPAddress(ipv4: v4) }
        return parseIPv6(text)
    }

    /// Strict IPv4 dotted-quad parser: exactly four decimal octets, each 0–255, no
    /// leading zeros ("010" is rejected: some tools read it as octal).
    ///
    /// Octet by octet, its up-to-three digits read in line: a loop over the bytes that
    /// tracked digit counts and the first digit cost a third more per address.
    @inlinable
    public static func parseIPv4(_ t: UnsafeBufferPointer<UInt8>) -> UInt32? {
        let n = t.count
        if n < 7 || n > 15 { return nil }
        guard let p = t.baseAddress else { return nil }
        var i = 0  // every read below is at an index checked < n
        var value: UInt32 = 0
        for k in 0..<4 {
            let d0 = UInt32(p[i] &- 48)
            guard d0 < 10 else { return nil }
            var octet = d0
            i &+= 1
            if i < n, case let d1 = UInt32(p[i] &- 48), d1 < 10 {
                guard d0 != 0 else { return nil }  // leading zero
                octet = octet &* 10 &+ d1
                i &+= 1
                if i < n, case let d2 = UInt32(p[i] &- 48), d2 < 10 {
                    octet = octet &* 10 &+ d2
                    i &+= 1
                    guard octet <= 255 else { return nil }
                }
            }
            value = value << 8 | octet
            if k < 3 {
                guard i < n, p[i] == UInt8(ascii: ".") else { return nil }
                i &+= 1
                guard i < n else { return nil }
            }
        }
        return i == n ? value : nil
    }

    /// IPv6 text parser (RFC 4291 §2.2 forms 1–3). Works on the stack: no allocation.
    public static func parseIPv6(_ t: UnsafeBufferPointer<UInt8>) -> IPAddress? {
        let n = t.count
        if n < 2 || n > 45 { return nil }
        var groups = SIMD8<UInt16>()
        var count = 0
        var gapAt = -1
        var i = 0
        if t[0] == UInt8(ascii: ":") {
            guard t[1] == UInt8(ascii: ":") else { return nil }
            gapAt = 0
            i = 2
            if i == n { return .zero }
        }
        while i < n {
            // Parse one group (or an embedded IPv4 at the end).
            var j = i
            var v: UInt32 = 0
            while j < n, j - i < 5, let h = hexValue(t[j]) {
                v = v << 4 | UInt32(h)
                j += 1
            }
            if j < n && t[j] == UInt8(ascii: ".") {
                // Embedded IPv4 takes the last two groups.
                guard count <= 6,
                      let v4 = parseIPv4(UnsafeBufferPointer(rebasing: t[i..<n])) else { return nil }
                groups[count] = UInt16(truncatingIfNeeded: v4 >> 16)
                groups[count + 1] = UInt16(truncatingIfNeeded: v4)
                count += 2
                break
            }
            let len = j - i
            if len == 0 || len > 4 || count == 8 { return nil }
            groups[count] = UInt16(truncatingIfNeeded: v)
            count += 1
            if j == n { break }
            guard t[j] == UInt8(ascii: ":") else { return nil }
            if j + 1 < n && t[j + 1] == UInt8(ascii: ":") {
                if gapAt >= 0 { return nil }
                gapAt = count
                i = j + 2
            } else {
                i = j + 1
                if i == n { return nil }  // trailing single colon
            }
        }
        if gapAt >= 0 {
            // "::" stands for at least one zero group.
            if count > 7 { return nil }
            let tail = count - gapAt
            var full = SIMD8<UInt16>()
            for k in 0..<gapAt { full[k] = groups[k] }
            for k in 0..<tail { full[8 - tail + k] = groups[gapAt + k] }
            groups = full
        } else if count != 8 {
            return nil
        }
        var h: UInt64 = 0
        var l: UInt64 = 0
        for k in 0..<4 { h = h << 16 | UInt64(groups[k]) }
        for k in 4..<8 { l = l << 16 | UInt64(groups[k]) }
        return IPAddress(high: h, low: l)
    }

    @inlinable
    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - 48
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - 87
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - 55
        default: return nil
        }
    }
}

// MARK: - Formatting

extension IPAddress {
    /// The longest canonical text: an IPv6 address of eight four-digit groups.
    public static let maxTextLength = 39

    /// Appends the canonical text: dotted quad for IPv4, RFC 5952 for IPv6 (lowercase,
    /// no leading zeros, the longest run of two or more zero groups as `::`, the first
    /// such run on a tie).
    @inlinable
    public func appendText(to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: IPAddress.maxTextLength) { buf in
            let n = writeText(to: buf.baseAddress!)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[0..<n]))
        }
    }

    /// Writes the canonical text (as `appendText`) to `out`, which must have room for
    /// `maxTextLength` bytes; returns the number of bytes written.
    @inlinable
    public func writeText(to out: UnsafeMutablePointer<UInt8>) -> Int {
        isIPv4 ? IPAddress.writeIPv4(UInt32(truncatingIfNeeded: low), to: out) : writeIPv6(to: out)
    }

    /// Appends an IPv4 address (host order) as a dotted quad.
    @inlinable
    public static func appendIPv4(_ v: UInt32, to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 15) { buf in
            let n = writeIPv4(v, to: buf.baseAddress!)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[0..<n]))
        }
    }

    /// Writes an IPv4 address (host order) as a dotted quad to `out` (room for 15 bytes);
    /// returns the number of bytes written.
    @inlinable
    public static func writeIPv4(_ v: UInt32, to out: UnsafeMutablePointer<UInt8>) -> Int {
        var p = 0
        for k in 0..<4 {
            let o = Int((v >> (24 - 8 * UInt32(k))) & 0xFF)
            if k > 0 { out[p] = UInt8(ascii: "."); p += 1 }
            if o >= 100 { out[p] = UInt8(truncatingIfNeeded: 48 + o / 100); p += 1 }
            if o >= 10 { out[p] = UInt8(truncatingIfNeeded: 48 + (o / 10) % 10); p += 1 }
            out[p] = UInt8(truncatingIfNeeded: 48 + o % 10)
            p += 1
        }
        return p
    }

    /// Group `k` (0–7) of the address, the first group being the most significant.
    @inlinable
    func group(_ k: Int) -> UInt16 {
        let half = k < 4 ? high : low
        return UInt16(truncatingIfNeeded: half >> UInt64(48 - 16 * (k & 3)))
    }

    /// Writes the RFC 5952 text to `out` (room for 39 bytes); returns the bytes written.
    @usableFromInline
    func writeIPv6(to out: UnsafeMutablePointer<UInt8>) -> Int {
        // The longest run of two or more zero groups; the first one on a tie.
        var bestStart = -1, bestLen = 1
        var runStart = 0, runLen = 0
        for k in 0..<8 {
            if group(k) == 0 {
                if runLen == 0 { runStart = k }
                runLen += 1
                if runLen > bestLen { bestStart = runStart; bestLen = runLen }
            } else {
                runLen = 0
            }
        }
        var p = 0
        var k = 0
        while k < 8 {
            if k == bestStart {
                out[p] = UInt8(ascii: ":")
                out[p + 1] = UInt8(ascii: ":")
                p += 2
                k += bestLen
                continue
            }
            if k > 0 && k != bestStart + bestLen { out[p] = UInt8(ascii: ":"); p += 1 }
            let v = group(k)
            // Hex digits without leading zeros (one digit for 0).
            var shift = max(0, (15 - v.leadingZeroBitCount) & ~3)
            while shift >= 0 {
                let d = UInt8(truncatingIfNeeded: v >> UInt16(shift)) & 0xF
                out[p] = d < 10 ? 48 + d : 87 + d
                p += 1
                shift -= 4
            }
            k += 1
        }
        return p
    }
}
