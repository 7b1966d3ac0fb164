/// The distinct addresses of one bucket and one role (sources or destinations): an
/// open-addressing set of exact address keys (`ExactAddressKeys`), each with the bit mask of
/// the series groups it was seen in (`chunk` = which 64 groups the mask covers). Sized for
/// one bucket's addresses, so it stays in cache; `drain` counts and empties it.
/// Memory: 32 bytes per slot, at most half full; keeps the largest size reached.
struct BucketAddressSet {
    private var keys: UnsafeMutablePointer<UInt64>
    private var chunks: UnsafeMutablePointer<UInt32>
    /// Group mask per slot; 0 = empty slot.
    private var masks: UnsafeMutablePointer<UInt64>
    /// Slots in use, in insertion order.
    private var used: UnsafeMutablePointer<Int32>
    private var usedCount = 0
    private var capacity: Int
    private var shift: UInt64

    init() {
        capacity = 1024
        shift = 64 - 10
        keys = .allocate(capacity: capacity)
        chunks = .allocate(capacity: capacity)
        masks = .allocate(capacity: capacity)
        masks.initialize(repeating: 0, count: capacity)
        used = .allocate(capacity: capacity / 2 + 1)
    }

    /// Frees the table (the owner calls this once).
    func release() {
        keys.deallocate()
        chunks.deallocate()
        masks.deallocate()
        used.deallocate()
    }

    /// Adds `mask` (non-zero) to the groups of `key` in `chunk`.
    @inline(__always)
    mutating func insert(key: UInt64, chunk: UInt32, mask: UInt64) {
        var i = slot(key, chunk)
        while true {
            let m = masks[i]
            if m == 0 { break }
            if keys[i] == key && chunks[i] == chunk {
                masks[i] = m | mask
                return
            }
            i = (i + 1) & (capacity - 1)
        }
        if (usedCount + 1) * 2 > capacity {
            grow()
            insert(key: key, chunk: chunk, mask: mask)
            return
        }
        keys[i] = key
        chunks[i] = chunk
        masks[i] = mask
        used[usedCount] = Int32(truncatingIfNeeded: i)
        usedCount += 1
    }

    /// For every key and every group in its masks, adds one to
    /// `counts[2 * (group * buckets + bucket) + role]`; empties the set.
    mutating func drain(into counts: UnsafeMutablePointer<Double>, groups: Int, bucket: Int, buckets: Int, role: Int) {
        for u in 0..<usedCount {
            let i = Int(used[u])
            var m = masks[i]
            let base = Int(chunks[i]) &* 64
            masks[i] = 0
            while m != 0 {
                let group = base + m.trailingZeroBitCount
                m &= m &- 1
                if group < groups { counts[2 &* (group &* buckets &+ bucket) &+ role] += 1 }
            }
        }
        usedCount = 0
    }

    @inline(__always)
    private func slot(_ key: UInt64, _ chunk: UInt32) -> Int {
        Int(truncatingIfNeeded: ((key ^ UInt64(chunk) << 40) &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    private mutating func grow() {
        let oldKeys = keys, oldChunks = chunks, oldMasks = masks, oldUsed = used, oldCount = usedCount
        capacity *= 2
        shift -= 1
        keys = .allocate(capacity: capacity)
        chunks = .allocate(capacity: capacity)
        masks = .allocate(capacity: capacity)
        masks.initialize(repeating: 0, count: capacity)
        used = .allocate(capacity: capacity / 2 + 1)
        usedCount = 0
        for u in 0..<oldCount {
            let j = Int(oldUsed[u])
            var i = slot(oldKeys[j], oldChunks[j])
            while masks[i] != 0 { i = (i + 1) & (capacity - 1) }
            keys[i] = oldKeys[j]
            chunks[i] = oldChunks[j]
            masks[i] = oldMasks[j]
            used[usedCount] = Int32(truncatingIfNeeded: i)
            usedCount += 1
        }
        oldKeys.deallocate()
        oldChunks.deallocate()
        oldMasks.deallocate()
        oldUsed.deallocate()
    }

    /// SplitMix64 finaliser.
    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
