import Foundation

/// SplitMix64 (Steele, Lea, Flood 2014): a small, fast, well-mixed 64-bit generator, and its
/// finalizer as a bijective 64-bit hash. floe's one seeded generator: neural weights and
/// shuffles, k-means++ and sampling draws, the flow generator's seeds, peer samples. A seed
/// fixes every draw on every platform (Swift's `SystemRandomNumberGenerator` is not
/// seedable). The methods are inlinable: the callers' hot loops draw millions of numbers.
public struct SplitMix64: Sendable {
    /// The generator's state (the next draw adds the golden-ratio increment to it first).
    public var state: UInt64

    @inlinable public init(seed: UInt64) { state = seed }

    /// The golden-ratio increment added to the state before each draw.
    public static let increment: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// The next 64 random bits.
    @inlinable @inline(__always)
    public mutating func next() -> UInt64 {
        state &+= Self.increment
        return Self.mix(state)
    }

    /// The SplitMix64 finalizer: a bijective 64-bit mixing function.
    @inlinable @inline(__always)
    public static func mix(_ x0: UInt64) -> UInt64 {
        var z = x0
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The first draw of a generator seeded with `x` (`mix(x + increment)`): a bijective
    /// hash of `x` for hash tables and identifiers.
    @inlinable @inline(__always)
    public static func scramble(_ x: UInt64) -> UInt64 { mix(x &+ increment) }

    /// Uniform in [0, 1) with 53 random bits.
    @inlinable
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in [low, high).
    @inlinable
    public mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * nextUnit() }

    /// A standard normal deviate (Box–Muller, one of the pair).
    @inlinable
    public mutating func normal() -> Double {
        let u1 = max(nextUnit(), 0x1.0p-60)
        let u2 = nextUnit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Uniform integer in 0..<n (n > 0; `next() % n`).
    @inlinable
    public mutating func below(_ n: Int) -> Int {
        precondition(n > 0)
        return Int(next() % UInt64(n))
    }

    /// A generator for a named sub-stream: the same (seed, stream) always gives the same
    /// sequence, and different streams do not overlap in practice.
    public static func stream(seed: UInt64, _ stream: UInt64) -> SplitMix64 {
        var g = SplitMix64(seed: seed ^ (stream &* 0xD6E8_FEB8_6659_FD93))
        _ = g.next()
        return SplitMix64(seed: g.next())
    }

    /// Fisher–Yates shuffle of `values`.
    public mutating func shuffle<T>(_ values: inout [T]) {
        guard values.count > 1 else { return }
        for i in stride(from: values.count - 1, to: 0, by: -1) {
            values.swapAt(i, below(i + 1))
        }
    }
}
