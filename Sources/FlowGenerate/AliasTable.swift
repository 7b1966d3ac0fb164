/// Walker/Vose alias table: O(1) sampling from a fixed discrete distribution, built once,
/// with no allocation per draw. Used for Zipf host popularity and the service mix.
struct AliasTable: Sendable {
    /// Acceptance threshold of each column, scaled to 2^32.
    private let threshold: [UInt64]
    /// The other outcome of each column.
    private let alias: [Int32]

    var count: Int { threshold.count }

    /// A table for the given non-negative weights (at least one positive).
    init(weights: [Double]) {
        let n = weights.count
        let total = weights.reduce(0, +)
        var scaled = weights.map { $0 * Double(n) / total }
        var small: [Int] = []
        var large: [Int] = []
        for (i, p) in scaled.enumerated() { if p < 1.0 { small.append(i) } else { large.append(i) } }
        var thr = [UInt64](repeating: 1 << 32, count: n)
        var ali = [Int32](repeating: 0, count: n)
        for i in 0..<n { ali[i] = Int32(i) }
        while let s = small.popLast() {
            guard let l = large.last else { break }
            thr[s] = UInt64(scaled[s] * 4_294_967_296.0)
            ali[s] = Int32(l)
            scaled[l] -= 1.0 - scaled[s]
            if scaled[l] < 1.0 {
                large.removeLast()
                small.append(l)
            }
        }
        // Leftovers (rounding) accept always.
        threshold = thr
        alias = ali
    }

    /// Zipf popularity over `n` ranks: weight of rank k (0-based) is 1/(k+1)^exponent.
    static func zipf(count n: Int, exponent: Double) -> AliasTable {
        AliasTable(weights: (0..<n).map { 1.0 / pow(Double($0 + 1), exponent) })
    }

    /// One draw: a rank in `0..<count`.
    @inline(__always)
    func sample<R: RandomSource>(_ rng: inout R) -> Int {
        let u = rng.next()
        let column = Int(truncatingIfNeeded: ((u >> 32) &* UInt64(threshold.count)) >> 32)
        return (u & 0xFFFF_FFFF) < threshold[column] ? column : Int(alias[column])
    }
}

import Foundation
