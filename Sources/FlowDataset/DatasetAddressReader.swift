import FlowCore
import FlowColumnar

/// The one reader of the dataset's address columns (utf8 text) → `IPAddress`, used by every
/// stage that reads a dataset (features, series, labels, the report). Results are
/// exactly `IPAddress.parse`'s: a dotted quad seen lately comes from a memo keyed by its
/// bytes, a new strict dotted quad takes `IPAddress.parseIPv4(wordwise:count:)` and everything else —
/// IPv6, bad text, rows near the end of the column's bytes — goes to `IPAddress.parse`
/// through a small memo of recent texts (IPv6 addresses repeat, and their parse is slow).
/// Memory: fixed memos, 4,096 dotted quads and 4,096 other texts (≈ 400 kB). Not copyable:
/// it owns the memos and its copy of the internal networks and frees them when it goes
/// away. Not thread-safe (the memos are written on reads): one reader per thread.
public struct DatasetAddressReader: ~Copyable {
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
    /// The internal networks (for `inside`).
    private let internalNetworks: UnsafeMutableBufferPointer<NetworkPrefix>
    private static let quadSlots = 1 << 12
    private let quads: UnsafeMutablePointer<QuadEntry>

    /// A reader whose `parse` also tells whether an address lies in `internalNetworks`.
    public init(internalNetworks: [NetworkPrefix] = []) {
        self.internalNetworks = .allocate(capacity: internalNetworks.count)
        _ = self.internalNetworks.initialize(from: internalNetworks)
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

    deinit {
        internalNetworks.deallocate()
        quads.deallocate()
        memoText.deallocate()
        memoLength.deallocate()
        memoAddress.deallocate()
        memoValid.deallocate()
        scratch.deallocate()
    }

    /// Whether `a` lies in one of the internal networks.
    @inline(__always)
    public func isInside(_ a: IPAddress) -> Bool {
        var inside = false
        for n in internalNetworks where n.contains(a) { inside = true }
        return inside
    }

    /// The address in row `i` of `column` (nil when the text is not an address) and whether
    /// it lies in the internal networks (false when nil).
    @inline(__always)
    public func parse(_ column: ArrowUTF8View, row i: Int) -> (address: IPAddress?, inside: Bool) {
        let from = Int(column.offsets[i]), to = Int(column.offsets[i + 1])
        return column.data.withUnsafeBufferPointer { data in parse(data, from: from, to: to) }
    }

    /// The address in row `i` of `column`, nil when the text is not an address (exactly
    /// `IPAddress.parse` of the row's text).
    @inline(__always)
    public func address(_ column: ArrowUTF8View, row i: Int) -> IPAddress? {
        parse(column, row: i).address
    }

    /// The address of the text `data[from..<to]`.
    @inline(__always)
    private func parse(_ data: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> (address: IPAddress?, inside: Bool) {
        let n = to &- from
        if let base = data.baseAddress, from + 16 <= data.count, n <= 15 {
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
            if let v4 = IPAddress.parseIPv4(wordwise: raw, count: n) {
                let address = IPAddress(ipv4: v4)
                let inside = isInside(address)
                entry.pointee = QuadEntry(low: low, high: high, value: v4, length: UInt32(n) | (inside ? 0x100 : 0))
                return (address, inside)
            }
        }
        let address = memoised(UnsafeBufferPointer(rebasing: data[from..<to]), readable: data.count - from)
        guard let address else { return (nil, false) }
        return (address, isInside(address))
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
}
