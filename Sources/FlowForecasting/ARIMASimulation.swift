import FlowRandom
import Foundation

/// Deterministic Gaussian noise for simulated series (FlowNeural's SplitMix64 + Box–Muller).
struct SeriesNoise {
    var generator: SplitMix64
    init(seed: UInt64) { generator = SplitMix64(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ 1) }
    mutating func unit() -> Double { (Double(generator.next() >> 11) + 0.5) / Double(1 << 53) }
    mutating func gaussian() -> Double {
        (-2 * log(unit())).squareRoot() * cos(2 * Double.pi * unit())
    }
}

/// A simulated ARIMA/SARIMA series of `count` values after a burn-in of 500 (the test series
/// and the statsmodels peer check's series): simulates (1 − Σφ)(1 − ΣΦ)∇ᵈ∇ₛᴰ(y − μ) = (1 + Σθ)(1 + ΣΘ)ε.
func simulateARIMA(order: ARIMAOrder, coefficients c: ARIMACoefficients, count: Int, seed: UInt64) -> [Double] {
    var noise = SeriesNoise(seed: seed)
    let period = max(order.period, 1)
    let ar = ARIMAPolynomials.reducedAR(c.ar, c.seasonalAR, period: period)
    let ma = ARIMAPolynomials.reducedMA(c.ma, c.seasonalMA, period: period)
    let burnIn = 500
    let total = count + burnIn
    var e = [Double](repeating: 0, count: total)
    var w = [Double](repeating: 0, count: total)
    let sd = c.variance.squareRoot()
    for t in 0..<total {
        e[t] = sd * noise.gaussian()
        var v = e[t]
        for (i, phi) in ar.enumerated() where t - i - 1 >= 0 { v += phi * w[t - i - 1] }
        for (j, theta) in ma.enumerated() where t - j - 1 >= 0 { v += theta * e[t - j - 1] }
        w[t] = v
    }
    var y = Array(w[burnIn...]).map { $0 + (c.mean ?? 0) }
    // Integrate: seasonal then ordinary.
    for _ in 0..<(order.isSeasonal ? order.seasonalD : 0) {
        for t in period..<y.count { y[t] += y[t - period] }
    }
    for _ in 0..<order.d {
        for t in 1..<y.count { y[t] += y[t - 1] }
    }
    return y
}
