import FlowRandom

/// The distinct addresses of one bucket and one role (sources or destinations): an
/// open-addressing set of exact address keys (`ExactAddressKeys`, 33 bits) with the group
/// chunk in the bits above (which 64 groups the mask covers), each with the bit mask of the
/// series groups it was seen in. Sized for one bucket's
/// addresses, so it stays in cache; `drain` counts and empties it.
/// Memory: 24 bytes per slot, at most half full; keeps the largest size reached. Not
/// copyable: it owns its table and frees it when it goes away.
struct BucketAddressSet: ~Copyable {
    /// Largest chunk (so groups < 2^21).
    static let maxChunk: UInt32 = 0x7FFF

    private struct Slot {
        var key: UInt64
        /// Group mask; 0 = empty slot.
        var mask: UInt64
    }

    private var slots: UnsafeMutablePointer<Slot>
    /// Slots in use, in insertion order.
    private var used: UnsafeMutablePointer<Int32>
    /// Scratch for `drain`: the masks of the slots in use.
    private var masks: UnsafeMutablePointer<UInt64>
    private var usedCount = 0
    private var capacity: Int
    private var shift: UInt64

    init() {
        capacity = 1024
        shift = 64 - 10
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: Slot(key: 0, mask: 0), count: capacity)
        used = .allocate(capacity: capacity / 2 + 1)
        masks = .allocate(capacity: capacity / 2 + 1)
    }

    deinit {
        slots.deallocate()
        used.deallocate()
        masks.deallocate()
    }

    /// Adds `mask` (non-zero) to the groups of `key` (address key | chunk << 33).
    @inline(__always)
    mutating func insert(key: UInt64, mask: UInt64) {
        var i = slot(key)
        while true {
            let m = slots[i].mask
            if m == 0 { break }
            if slots[i].key == key {
                slots[i].mask = m | mask
                return
            }
            i = (i &+ 1) & (capacity &- 1)
        }
        if (usedCount &+ 1) &* 2 > capacity {
            growAndInsert(key: key, mask: mask)
            return
        }
        slots[i] = Slot(key: key, mask: mask)
        used[usedCount] = Int32(truncatingIfNeeded: i)
        usedCount += 1
    }

    /// For every key and every group in its masks, adds one to
    /// `counts[2 * (group * buckets + bucket) + role]`; empties the set.
    mutating func drain(into counts: UnsafeMutablePointer<Double>, groups: Int, bucket: Int, buckets: Int, role: Int) {
        if groups <= 64 {
            // Every chunk is 0: gather the masks, then count each group's bit over all of
            // them (fixed trip counts, no branch per key and group).
            for u in 0..<usedCount {
                let i = Int(used[u])
                masks[u] = slots[i].mask
                slots[i].mask = 0
            }
            for group in 0..<groups {
                var n = 0
                for u in 0..<usedCount { n &+= Int(truncatingIfNeeded: (masks[u] >> UInt64(group)) & 1) }
                if n > 0 { counts[2 &* (group &* buckets &+ bucket) &+ role] += Double(n) }
            }
            usedCount = 0
            return
        }
        for u in 0..<usedCount {
            let i = Int(used[u])
            var m = slots[i].mask
            let base = Int(truncatingIfNeeded: slots[i].key >> 33) &* 64
            slots[i].mask = 0
            while m != 0 {
                let group = base + m.trailingZeroBitCount
                m &= m &- 1
                if group < groups { counts[2 &* (group &* buckets &+ bucket) &+ role] += 1 }
            }
        }
        usedCount = 0
    }

    /// The rare path of `insert`: doubles the table, then adds the new key.
    @inline(never)
    private mutating func growAndInsert(key: UInt64, mask: UInt64) {
        grow()
        var i = slot(key)
        while slots[i].mask != 0 { i = (i &+ 1) & (capacity &- 1) }
        slots[i] = Slot(key: key, mask: mask)
        used[usedCount] = Int32(truncatingIfNeeded: i)
        usedCount += 1
    }

    @inline(__always)
    private func slot(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    private mutating func grow() {
        let old = slots, oldUsed = used, oldCount = usedCount
        capacity *= 2
        shift -= 1
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: Slot(key: 0, mask: 0), count: capacity)
        used = .allocate(capacity: capacity / 2 + 1)
        masks.deallocate()
        masks = .allocate(capacity: capacity / 2 + 1)
        usedCount = 0
        for u in 0..<oldCount {
            let entry = old[Int(oldUsed[u])]
            var i = slot(entry.key)
            while slots[i].mask != 0 { i = (i &+ 1) & (capacity &- 1) }
            slots[i] = entry
            used[usedCount] = Int32(truncatingIfNeeded: i)
            usedCount += 1
        }
        old.deallocate()
        oldUsed.deallocate()
    }

    /// SplitMix64's first draw from `x` (a bijective hash).
    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 { SplitMix64.scramble(x) }
}
