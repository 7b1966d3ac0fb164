/// exp, sigmoid and tanh on 8 lanes at a time, without libm (the recurrent layers spent a
/// sixth of their time in `expf`). Only adds, multiplies, one division and bit operations,
/// so they vectorise on the x86-64 baseline (SSE2) as well as with wider units, and give the
/// same bits for an element wherever it sits in a buffer (no cross-lane work).
///
/// Accuracy (tested in `ActivationTests` against Double over ±20 in steps of 1/1024 and
/// special points): exp relative error ≤ 4e-7 on [−87, 88] (outside it the input is clamped:
/// exp(x) for x < −87 is exp(−87) ≈ 1.6e-38, not a denormal or 0, and exp(x) for x > 88 is
/// exp(88)); sigmoid and tanh absolute error ≤ 4e-7 everywhere, tanh relative error ≤ 4e-7
/// (a Taylor series below |x| = 1/8 keeps small arguments exact to a few units in the last
/// place).
public enum Activations {
    public typealias Lanes = SIMD8<Float>

    /// eˣ: x = n·ln 2 + r with |r| ≤ ln 2 / 2, a degree-6 polynomial for eʳ (Cephes'
    /// coefficients), 2ⁿ built in the exponent bits.
    @inline(__always)
    public static func exp(_ v: Lanes) -> Lanes {
        let low = Lanes(repeating: -87), high = Lanes(repeating: 88)
        let x = v.replacing(with: low, where: v .< low).replacing(with: high, where: v .> high)  // (`clamped` is not inlined)
        // Round x·log₂e to the nearest integer with the 1.5·2²³ trick (no SSE4.1 round needed):
        // t's low mantissa bits are then n.
        let magic = Lanes(repeating: 12_582_912)
        let t = x * 1.442_695_04 + magic
        let n = t - magic
        var r = x - n * 0.693_359_375
        r = r - n * -2.121_944_4e-4
        var p = Lanes(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_950_7e-3
        p = p * r + 8.333_451_907_3e-3
        p = p * r + 4.166_579_589_4e-2
        p = p * r + 1.666_666_545_9e-1
        p = p * r + 5.000_000_120_1e-1
        let y = p * (r * r) + r + 1
        let bits = unsafeBitCast(t, to: SIMD8<UInt32>.self) &- 0x4B40_0000 &+ 127
        return y * unsafeBitCast(bits &<< 23, to: Lanes.self)
    }

    /// 1 / (1 + e⁻ˣ).
    @inline(__always)
    public static func sigmoid(_ x: Lanes) -> Lanes {
        1 / (1 + exp(-x))
    }

    /// tanh x = sign(x)·(1 − e)/(1 + e) with e = e^(−2|x|); below |x| = 1/8 the series
    /// x − x³/3 + 2x⁵/15 − 17x⁷/315 (truncation error < 1e-9 relative).
    @inline(__always)
    public static func tanh(_ x: Lanes) -> Lanes {
        let bits = unsafeBitCast(x, to: SIMD8<UInt32>.self)
        let a = unsafeBitCast(bits & 0x7FFF_FFFF, to: Lanes.self)
        let e = exp(-2 * a)
        let large = unsafeBitCast(unsafeBitCast((1 - e) / (1 + e), to: SIMD8<UInt32>.self) | (bits & 0x8000_0000), to: Lanes.self)
        let x2 = x * x
        var series = Lanes(repeating: -17.0 / 315)
        series = series * x2 + 2.0 / 15
        series = series * x2 - 1.0 / 3
        series = x + x * x2 * series
        return large.replacing(with: series, where: a .< 0.125)
    }

    /// The scalar forms: lane 0 of the vector ones, so a value is the same bits either way.
    @inline(__always) public static func sigmoid(_ x: Float) -> Float { sigmoid(Lanes(repeating: x))[0] }
    @inline(__always) public static func tanh(_ x: Float) -> Float { tanh(Lanes(repeating: x))[0] }
    @inline(__always) public static func exp(_ x: Float) -> Float { exp(Lanes(repeating: x))[0] }

    /// y[i] = f(x[i]) for i in 0..<n, 8 at a time (the tail through a padded vector);
    /// `x` and `y` may be the same buffer.
    @inline(__always)
    static func map(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int, _ f: (Lanes) -> Lanes) {
        let rx = UnsafeRawPointer(x), ry = UnsafeMutableRawPointer(y)
        var i = 0
        while i + 8 <= n {
            ry.storeBytes(of: f(rx.loadUnaligned(fromByteOffset: 4 * i, as: Lanes.self)), toByteOffset: 4 * i, as: Lanes.self)
            i += 8
        }
        if i < n {
            var v = Lanes()
            for k in 0..<(n - i) { v[k] = x[i + k] }
            let r = f(v)
            for k in 0..<(n - i) { y[i + k] = r[k] }
        }
    }

    /// σ over `n` values in place.
    @inline(__always)
    static func sigmoid(_ p: UnsafeMutablePointer<Float>, _ n: Int) { map(p, p, n, sigmoid) }
    /// tanh from `x` into `y` (may be the same buffer).
    @inline(__always)
    static func tanh(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) { map(x, y, n, tanh) }
}
