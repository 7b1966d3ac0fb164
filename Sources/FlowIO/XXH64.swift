/// Streaming XXH64 (xxHash, 64-bit variant), written from the published algorithm
/// description (xxHash `doc/xxhash_spec.md`). Feed bytes with `update`, read `digest()`
/// at any time; the state is a few words plus a 32-byte stripe buffer.
public struct XXH64: Sendable {
    static let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
    static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    static let prime3: UInt64 = 0x1656_67B1_9E37_79F9
    static let prime4: UInt64 = 0x85EB_CA77_C2B2_AE63
    static let prime5: UInt64 = 0x27D4_EB2F_1656_67C5

    private let seed: UInt64
    private var acc1: UInt64
    private var acc2: UInt64
    private var acc3: UInt64
    private var acc4: UInt64
    /// Bytes of an incomplete 32-byte stripe, kept until the stripe is full.
    private var pending: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private var pendingCount = 0
    /// Total bytes fed so far.
    public private(set) var totalLength: UInt64 = 0

    public init(seed: UInt64 = 0) {
        self.seed = seed
        acc1 = seed &+ Self.prime1 &+ Self.prime2
        acc2 = seed &+ Self.prime2
        acc3 = seed
        acc4 = seed &- Self.prime1
    }

    /// One-shot hash of a buffer.
    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        var hasher = XXH64(seed: seed)
        hasher.update(bytes)
        return hasher.digest()
    }

    /// One-shot hash of a byte array.
    public static func hash(_ bytes: [UInt8], seed: UInt64 = 0) -> UInt64 {
        bytes.withUnsafeBytes { hash($0, seed: seed) }
    }

    @inline(__always)
    private static func round(_ acc: UInt64, _ lane: UInt64) -> UInt64 {
        rotl(acc &+ lane &* prime2, 31) &* prime1
    }

    @inline(__always)
    private static func merge(_ acc: UInt64, _ value: UInt64) -> UInt64 {
        (acc ^ round(0, value)) &* prime1 &+ prime4
    }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 {
        (x << r) | (x >> (64 &- r))
    }

    @inline(__always)
    private static func load64(_ p: UnsafeRawPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// Feeds bytes into the hash.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        var offset = 0
        let count = bytes.count
        totalLength &+= UInt64(count)

        if pendingCount > 0 {
            let take = min(32 - pendingCount, count)
            withUnsafeMutableBytes(of: &pending) { stripe in
                stripe.baseAddress!.advanced(by: pendingCount).copyMemory(from: base, byteCount: take)
            }
            pendingCount += take
            offset = take
            guard pendingCount == 32 else { return }
            let (l1, l2, l3, l4) = pending
            acc1 = Self.round(acc1, UInt64(littleEndian: l1))
            acc2 = Self.round(acc2, UInt64(littleEndian: l2))
            acc3 = Self.round(acc3, UInt64(littleEndian: l3))
            acc4 = Self.round(acc4, UInt64(littleEndian: l4))
            pendingCount = 0
        }

        // Whole stripes straight from the input, accumulators in locals.
        if count - offset >= 32 {
            var a1 = acc1, a2 = acc2, a3 = acc3, a4 = acc4
            let last = count - 32
            while offset <= last {
                a1 = Self.round(a1, Self.load64(base, offset))
                a2 = Self.round(a2, Self.load64(base, offset + 8))
                a3 = Self.round(a3, Self.load64(base, offset + 16))
                a4 = Self.round(a4, Self.load64(base, offset + 24))
                offset += 32
            }
            acc1 = a1; acc2 = a2; acc3 = a3; acc4 = a4
        }

        if offset < count {
            let rest = count - offset
            withUnsafeMutableBytes(of: &pending) { stripe in
                stripe.baseAddress!.copyMemory(from: base + offset, byteCount: rest)
            }
            pendingCount = rest
        }
    }

    /// The hash of all bytes fed so far (the state is not changed).
    public func digest() -> UInt64 {
        var acc: UInt64
        if totalLength >= 32 {
            acc = Self.rotl(acc1, 1) &+ Self.rotl(acc2, 7) &+ Self.rotl(acc3, 12) &+ Self.rotl(acc4, 18)
            acc = Self.merge(acc, acc1)
            acc = Self.merge(acc, acc2)
            acc = Self.merge(acc, acc3)
            acc = Self.merge(acc, acc4)
        } else {
            acc = seed &+ Self.prime5
        }
        acc &+= totalLength

        var stripe = pending
        let remaining = pendingCount
        withUnsafeBytes(of: &stripe) { tail in
            let p = tail.baseAddress!
            var i = 0
            while i + 8 <= remaining {
                acc ^= Self.round(0, Self.load64(p, i))
                acc = Self.rotl(acc, 27) &* Self.prime1 &+ Self.prime4
                i += 8
            }
            if i + 4 <= remaining {
                let lane = UInt64(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt32.self)))
                acc ^= lane &* Self.prime1
                acc = Self.rotl(acc, 23) &* Self.prime2 &+ Self.prime3
                i += 4
            }
            while i < remaining {
                acc ^= UInt64(tail[i]) &* Self.prime5
                acc = Self.rotl(acc, 11) &* Self.prime1
                i += 1
            }
        }

        acc ^= acc >> 33
        acc &*= Self.prime2
        acc ^= acc >> 29
        acc &*= Self.prime3
        acc ^= acc >> 32
        return acc
    }
}
