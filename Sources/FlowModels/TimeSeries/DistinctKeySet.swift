/// Exact distinct counting per cell (a cell = series group × bucket × role) without a hash
/// table: each (cell, address) becomes one 64-bit key — the cell index in the high bits, a
/// 64-bit mix of the address in the low `hashBits` bits — appended to a log (sequential
/// writes, no cache misses per row). `flush` radix-sorts the log and adds the number of
/// different keys of each cell to its count. Two addresses of one cell collide with
/// probability about n²/2^(hashBits+1) (hashBits ≥ 32; ≥ 40 for the usual configurations).
/// Memory: 16 bytes per logged key until the next flush (the dataset path flushes per day).
struct DistinctKeyLog {
    let hashBits: UInt64
    private let hashMask: UInt64
    private(set) var keys: [UInt64] = []
    private var scratch: [UInt64] = []

    /// `cells`: number of cells (counts array length).
    init(cells: Int) {
        var bits: UInt64 = 1
        while (1 << bits) < max(cells, 2) { bits += 1 }
        hashBits = max(32, 64 - bits)
        hashMask = hashBits >= 64 ? .max : (UInt64(1) << hashBits) - 1
    }

    @inline(__always)
    mutating func append(cell: Int, address: IPAddressBits) {
        keys.append((UInt64(truncatingIfNeeded: cell) << hashBits) | (Self.hash(address) & hashMask))
    }

    /// Sorts the log, adds each cell's number of different keys to `counts[cell]`, empties the log.
    mutating func flush(into counts: UnsafeMutablePointer<Double>, cells: Int) {
        let n = keys.count
        if n == 0 { return }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: repeatElement(0, count: n))
        RadixSort.sort(&keys, scratch: &scratch)
        keys.withUnsafeBufferPointer { k in
            var previous = k[0]
            var cell = Int(truncatingIfNeeded: previous >> hashBits)
            if cell < cells { counts[cell] += 1 }
            for i in 1..<n where k[i] != previous {
                previous = k[i]
                cell = Int(truncatingIfNeeded: previous >> hashBits)
                if cell < cells { counts[cell] += 1 }
            }
        }
        keys.removeAll(keepingCapacity: true)
    }

    /// SplitMix64-style mixing of both halves of an address.
    @inline(__always)
    static func hash(_ a: IPAddressBits) -> UInt64 {
        mix(a.low &+ mix(a.high ^ 0x243F_6A88_85A3_08D3))
    }

    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// LSD radix sort of 64-bit keys, 16 bits per pass (4 passes; a pass whose digit is the
/// same for every key is skipped).
enum RadixSort {
    static func sort(_ keys: inout [UInt64], scratch: inout [UInt64]) {
        let n = keys.count
        var counts = [Int](repeating: 0, count: 1 << 16)
        var passes = 0
        keys.withUnsafeMutableBufferPointer { k in
            scratch.withUnsafeMutableBufferPointer { s in
                counts.withUnsafeMutableBufferPointer { c in
                    var src = k, dst = s
                    for pass in 0..<4 {
                        let shift = UInt64(pass * 16)
                        for i in 0..<c.count { c[i] = 0 }
                        for i in 0..<n { c[Int((src[i] >> shift) & 0xFFFF)] += 1 }
                        if c.contains(n) { continue }  // every key has the same digit
                        var total = 0
                        for i in 0..<c.count { let v = c[i]; c[i] = total; total += v }
                        for i in 0..<n {
                            let d = Int((src[i] >> shift) & 0xFFFF)
                            dst[c[d]] = src[i]
                            c[d] += 1
                        }
                        swap(&src, &dst)
                        passes += 1
                    }
                }
            }
        }
        if passes % 2 == 1 { swap(&keys, &scratch) }
    }
}

/// The two 64-bit halves of an address (FlowCore's IPAddress layout).
struct IPAddressBits {
    var high: UInt64
    var low: UInt64
}
