import FlowCore
import FlowColumnar

/// Address text of a dataset column → `IPAddress`, for the series hot loop. Results are
/// exactly `IPAddress.parse`'s: a dotted quad seen lately comes from a memo keyed by its
/// bytes, a new strict dotted quad takes a branch-light path (two 8-byte loads classified
/// word-wise, octets found from the dot positions) and everything else —
/// IPv6, bad text, rows near the end of the column's bytes — goes to `IPAddress.parse`
/// through a small memo of recent texts (IPv6 addresses repeat, and their parse is slow).
/// Memory: fixed memos, 4,096 dotted quads and 4,096 other texts (≈ 400 kB). The owner calls `release()` once.
struct AddressColumnParser {
    private static let memoSlots = 4096
    private static let memoWords = 6  // texts of at most 48 bytes are memoised
    private let memoText: UnsafeMutablePointer<UInt64>
    /// Text length + 1 per slot; 0 = empty.
    private let memoLength: UnsafeMutablePointer<UInt8>
    private let memoAddress: UnsafeMutablePointer<IPAddress>
    private let memoValid: UnsafeMutablePointer<Bool>
    private let scratch: UnsafeMutablePointer<UInt64>
    /// Recent dotted quads: the text's bytes (zero-padded to 16), its length, its value.
    private struct QuadEntry {
        var low: UInt64
        var high: UInt64
        var value: UInt32
        /// Text length (0 = empty slot) | 256 when inside the internal networks.
        var length: UInt32
    }
    /// The internal networks (for `inside`), owned by the caller.
    private let internalNetworks: UnsafeMutableBufferPointer<SubnetMask>
    private static let quadSlots = 1 << 12
    private let quads: UnsafeMutablePointer<QuadEntry>

    init(internalNetworks: UnsafeMutableBufferPointer<SubnetMask>) {
        self.internalNetworks = internalNetworks
        quads = .allocate(capacity: Self.quadSlots)
        quads.initialize(repeating: QuadEntry(low: 0, high: 0, value: 0, length: 0), count: Self.quadSlots)
        memoText = .allocate(capacity: Self.memoSlots * Self.memoWords)
        memoText.initialize(repeating: 0, count: Self.memoSlots * Self.memoWords)
        memoLength = .allocate(capacity: Self.memoSlots)
        memoLength.initialize(repeating: 0, count: Self.memoSlots)
        memoAddress = .allocate(capacity: Self.memoSlots)
        memoAddress.initialize(repeating: .zero, count: Self.memoSlots)
        memoValid = .allocate(capacity: Self.memoSlots)
        memoValid.initialize(repeating: false, count: Self.memoSlots)
        scratch = .allocate(capacity: Self.memoWords)
    }

    func release() {
        quads.deallocate()
        memoText.deallocate()
        memoLength.deallocate()
        memoAddress.deallocate()
        memoValid.deallocate()
        scratch.deallocate()
    }

    /// Whether `a` lies in one of the internal networks.
    @inline(__always)
    func isInside(_ a: IPAddress) -> Bool {
        var inside = false
        for n in internalNetworks where n.contains(a) { inside = true }
        return inside
    }

    /// The address in row `i` of `column` (nil when the text is not an address) and whether
    /// it lies in the internal networks (false when nil).
    @inline(__always)
    func parse(_ column: ArrowUTF8View, row i: Int) -> (address: IPAddress?, inside: Bool) {
        let from = Int(column.offsets[i]), to = Int(column.offsets[i + 1])
        let n = to &- from
        if let base = column.data.baseAddress, from + 16 <= column.data.count, n <= 15 {
            // Seen this text lately? (Addresses repeat; a lookup is cheaper than a parse.)
            let raw = UnsafeRawPointer(base + from)
            var low = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
            var high = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            if n < 8 {
                low &= (UInt64(1) << UInt64(8 &* n)) &- 1
                high = 0
            } else {
                high &= (UInt64(1) << UInt64(8 &* (n &- 8))) &- 1
            }
            let h = ((low &* 0x9E37_79B9_7F4A_7C15) ^ (high &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(n)) &* 0x1656_67B1_9E37_79F9
            let entry = quads + Int(truncatingIfNeeded: h >> 52)
            let stored = entry.pointee
            if stored.low == low && stored.high == high && stored.length & 0xFF == UInt32(n) {
                return (IPAddress(ipv4: stored.value), stored.length & 0x100 != 0)
            }
            if let v4 = Self.dottedQuad(raw, count: n) {
                let address = IPAddress(ipv4: v4)
                let inside = isInside(address)
                entry.pointee = QuadEntry(low: low, high: high, value: v4, length: UInt32(n) | (inside ? 0x100 : 0))
                return (address, inside)
            }
        }
        let address = memoised(UnsafeBufferPointer(rebasing: column.data[from..<to]), readable: column.data.count - from)
        return (address, address.map(isInside) ?? false)
    }

    /// `IPAddress.parse` through the memo; `readable` bytes can be read from the text's start.
    func memoised(_ text: UnsafeBufferPointer<UInt8>, readable: Int) -> IPAddress? {
        let n = text.count
        guard n <= Self.memoWords * 8, let base = text.baseAddress else { return IPAddress.parse(text) }
        if readable >= Self.memoWords * 8 {
            // Whole words, bytes after the text zeroed.
            let raw = UnsafeRawPointer(base)
            for w in 0..<Self.memoWords {
                let kept = min(max(n - 8 * w, 0), 8)
                let mask: UInt64 = kept == 8 ? .max : (UInt64(1) << UInt64(8 * kept)) &- 1
                scratch[w] = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * w, as: UInt64.self)) & mask
            }
        } else {
            scratch.initialize(repeating: 0, count: Self.memoWords)
            UnsafeMutableRawPointer(scratch).copyMemory(from: base, byteCount: n)
        }
        var h = UInt64(n)
        for w in 0..<Self.memoWords { h = (h ^ scratch[w]) &* 0x9E37_79B9_7F4A_7C15 }
        let slot = Int(truncatingIfNeeded: h >> 52) & (Self.memoSlots - 1)
        let stored = memoText + slot * Self.memoWords
        if Int(memoLength[slot]) == n + 1 {
            var same = true
            for w in 0..<Self.memoWords where stored[w] != scratch[w] { same = false }
            if same { return memoValid[slot] ? memoAddress[slot] : nil }
        }
        let parsed = IPAddress.parse(text)
        stored.update(from: scratch, count: Self.memoWords)
        memoLength[slot] = UInt8(n + 1)
        memoAddress[slot] = parsed ?? .zero
        memoValid[slot] = parsed != nil
        return parsed
    }

    /// A strict dotted quad (what `IPAddress.parseIPv4` accepts: four decimal octets 0–255,
    /// no leading zeros), or nil for anything else. `p` must have 16 readable bytes.
    @inline(__always)
    static func dottedQuad(_ p: UnsafeRawPointer, count n: Int) -> UInt32? {
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
    private static func classify(_ w: UInt64) -> (dot: UInt64, digit: UInt64) {
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
    private static func gather(_ x: UInt64) -> Int {
        Int(truncatingIfNeeded: ((x >> 7) &* 0x0102_0408_1020_4080) >> 56)
    }

    /// The octet of `length` digits ending before `end` (digits already checked).
    @inline(__always)
    private static func octet(_ p: UnsafeRawPointer, end: Int, length: Int) -> UInt32? {
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
