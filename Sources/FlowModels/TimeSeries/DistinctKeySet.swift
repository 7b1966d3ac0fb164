/// An open-addressing set of 64-bit keys (linear probing, power-of-two capacity, grows at
/// 50 % load) used to count distinct addresses per (series, bucket) exactly. Keys are
/// 64-bit mixes of (series group, bucket, role, address), so two different triples
/// collide with probability about n²/2⁶⁵, negligible for any day of flows.
struct DistinctKeySet {
    private var slots: [UInt64]
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 1 << 16) {
        var c = 16
        while c < capacity { c <<= 1 }
        slots = [UInt64](repeating: 0, count: c)
        mask = c - 1
    }

    /// Inserts `key`; returns true when it was not there yet.
    @inline(__always)
    mutating func insert(_ key: UInt64) -> Bool {
        let k = key == 0 ? 0x9E37_79B9_7F4A_7C15 : key
        if (count + 1) * 2 > slots.count { grow() }
        var i = Int(truncatingIfNeeded: k) & mask
        while true {
            let s = slots[i]
            if s == 0 { slots[i] = k; count += 1; return true }
            if s == k { return false }
            i = (i + 1) & mask
        }
    }

    /// Empties the set, keeping its capacity.
    mutating func removeAll() {
        for i in slots.indices { slots[i] = 0 }
        count = 0
    }

    private mutating func grow() {
        let old = slots
        slots = [UInt64](repeating: 0, count: old.count * 2)
        mask = slots.count - 1
        count = 0
        for k in old where k != 0 {
            var i = Int(truncatingIfNeeded: k) & mask
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = k
            count += 1
        }
    }

    @inline(__always)
    static func key(group: Int, bucket: Int, role: UInt64, address: IPAddressBits) -> UInt64 {
        let a = mix(address.high ^ 0x243F_6A88_85A3_08D3)
        let b = mix(address.low &+ a)
        return mix(b ^ ((UInt64(truncatingIfNeeded: group) << 34) | (UInt64(truncatingIfNeeded: bucket) << 2) | role))
    }

    /// SplitMix64's finaliser: every input bit affects every output bit.
    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The two 64-bit halves of an address (FlowCore's IPAddress layout).
struct IPAddressBits {
    var high: UInt64
    var low: UInt64
}
