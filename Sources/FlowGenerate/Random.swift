import FlowRandom
import Foundation

/// A source of 64-bit pseudo-random words. The generator's own PRNGs implement it so that
/// every draw is reproducible from the seed on every platform (Swift's
/// `SystemRandomNumberGenerator` is not seedable).
protocol RandomSource {
    mutating func next() -> UInt64
}

/// FlowRandom's SplitMix64 as a `RandomSource` (its words only: the draws built on them —
/// `below`, `normal`, … — are the generator's own, RandomSource's): it seeds xoshiro and is
/// a cheap generator of a few draws for one anomaly row.
struct KeyedDraws: RandomSource {
    var generator: SplitMix64

    @inline(__always)
    mutating func next() -> UInt64 { generator.next() }

    /// A generator for draw number `index` of stream `stream` under `seed`: independent
    /// streams without sequential state, so any row can be generated on its own.
    static func keyed(seed: UInt64, stream: UInt64, index: UInt64) -> KeyedDraws {
        let mix = SplitMix64.mix
        return KeyedDraws(generator: SplitMix64(seed: mix(mix(seed ^ 0x6A09_E667_F3BC_C909) ^ mix(stream &* 0xD1B5_4A32_D192_ED03 ^ index))))
    }
}

/// xoshiro256** (Blackman, Vigna 2018), seeded from (seed, stream) through SplitMix64.
/// Used for the benign rows of one chunk and for plan-time choices.
struct Xoshiro256: RandomSource {
    var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    init(seed: UInt64, stream: UInt64) {
        var sm = KeyedDraws.keyed(seed: seed, stream: stream, index: 0x5851_F42D_4C95_7F2D)
        s0 = sm.next(); s1 = sm.next(); s2 = sm.next(); s3 = sm.next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }  // the all-zero state is a fixed point
    }

    @inline(__always)
    mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }
}

extension RandomSource {
    /// Uniform integer in `0..<n` (Lemire's multiply-shift; `n` ≥ 1; bias below 2^-32
    /// for the small ranges used here).
    @inline(__always)
    mutating func below(_ n: Int) -> Int {
        Int(truncatingIfNeeded: ((next() >> 32) &* UInt64(truncatingIfNeeded: n)) >> 32)
    }

    /// Uniform integer in a closed range.
    @inline(__always)
    mutating func between(_ lo: Int, _ hi: Int) -> Int { lo + below(hi - lo + 1) }

    /// Uniform double in [0, 1).
    @inline(__always)
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// True with probability `p`.
    @inline(__always)
    mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// Standard normal draw (Box–Muller, one of the pair).
    @inline(__always)
    mutating func normal() -> Double {
        let u1 = 1.0 - unit()  // (0, 1]
        let u2 = unit()
        return (-2.0 * log(u1)).squareRoot() * cos(2.0 * Double.pi * u2)
    }

    /// Log-normal draw with the given median and log-space standard deviation.
    @inline(__always)
    mutating func logNormal(median: Double, sigma: Double) -> Double {
        median * exp(sigma * normal())
    }

    /// Pareto draw with scale `xm` and shape `alpha` (heavy tail for alpha near 1).
    @inline(__always)
    mutating func pareto(xm: Double, alpha: Double) -> Double {
        xm * exp(-log(1.0 - unit()) / alpha)
    }
}
