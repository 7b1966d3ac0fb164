extension IPAddress {
    /// `parseIPv4` for text that has 16 readable bytes from its start (the bytes after the
    /// text are read but ignored): the same strict dotted quads (four decimal octets 0–255,
    /// no leading zeros) or nil, without a loop over the bytes — two 8-byte loads are
    /// classified word-wise and the octets found from the dot positions. For hot loops over
    /// column buffers, where the next rows' bytes follow the text.
    @inlinable @inline(__always)
    public static func parseIPv4(wordwise p: UnsafeRawPointer, count n: Int) -> UInt32? {
        guard n >= 7 && n <= 15 else { return nil }
        let high: UInt64 = 0x8080_8080_8080_8080
        let w0 = UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))
        let w1 = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        // High bit of each byte of the text (n − 8 bytes of the second word).
        let inText0: UInt64 = n >= 8 ? high : high >> 8
        let inText1: UInt64 = n > 8 ? high >> UInt64(64 - 8 * (n - 8)) : 0
        let (dot0, digit0) = classify(w0)
        let (dot1, digit1) = classify(w1)
        let other = (~(dot0 | digit0) & inText0) | (~(dot1 | digit1) & inText1)
        let dots = gather(dot0 & inText0) | gather(dot1 & inText1) << 8
        // Exactly three dots (no popcount instruction on baseline x86-64).
        let rest = dots & (dots &- 1), last = rest & (rest &- 1)
        guard other == 0, last != 0, last & (last &- 1) == 0 else { return nil }
        let p1 = dots.trailingZeroBitCount
        let p2 = rest.trailingZeroBitCount
        let p3 = last.trailingZeroBitCount
        guard let a = octet(p, end: p1, length: p1), let b = octet(p, end: p2, length: p2 - p1 - 1),
              let c = octet(p, end: p3, length: p3 - p2 - 1), let d = octet(p, end: n, length: n - p3 - 1) else { return nil }
        return a << 24 | b << 16 | c << 8 | d
    }

    /// High bit set in each byte of `w` that is '.' / an ASCII digit.
    @inline(__always)
    @inlinable static func classify(_ w: UInt64) -> (dot: UInt64, digit: UInt64) {
        let high: UInt64 = 0x8080_8080_8080_8080, low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        let ascii = ~w & high
        let seven = w & low
        let xorDot = seven ^ 0x2E2E_2E2E_2E2E_2E2E  // zero byte where '.'
        let dot = ~((xorDot &+ low) | xorDot) & high & ascii
        let atLeast0 = (seven &+ 0x5050_5050_5050_5050) & high  // byte ≥ 0x30
        let above9 = (seven &+ 0x4646_4646_4646_4646) & high  // byte > 0x39
        return (dot, atLeast0 & ~above9 & ascii)
    }

    /// The high bits of the 8 bytes as an 8-bit mask (byte i → bit i).
    @inline(__always)
    @inlinable static func gather(_ x: UInt64) -> Int {
        Int(truncatingIfNeeded: ((x >> 7) &* 0x0102_0408_1020_4080) >> 56)
    }

    /// The octet of `length` digits ending before `end` (digits already checked).
    @inline(__always)
    @inlinable static func octet(_ p: UnsafeRawPointer, end: Int, length: Int) -> UInt32? {
        guard length >= 1 && length <= 3 else { return nil }
        let bytes = p.assumingMemoryBound(to: UInt8.self)
        let last = UInt32(bytes[end &- 1]) &- 48
        let middle = UInt32(bytes[end >= 2 ? end &- 2 : 0]) &- 48
        let first = UInt32(bytes[end >= 3 ? end &- 3 : 0]) &- 48
        let value = (length >= 3 ? first &* 100 : 0) &+ (length >= 2 ? middle &* 10 : 0) &+ last
        let leading = length == 3 ? first : middle
        guard value <= 255, length == 1 || leading != 0 else { return nil }
        return value
    }
}
