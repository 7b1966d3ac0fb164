import FlowCore
import Foundation

/// The one scale every detection is ranked on (docs/incidents.md).
///
/// A detector's raw score is first turned into a tail probability `p` (how often a score
/// at least this extreme occurs when nothing is wrong: against the detector's own training
/// distribution, `TailCalibration`, or — for detectors without history — from the
/// detector's own test statistic). Severity is then
///
///     severity = round(100 × min(1, −log10(p) / 6))
///
/// so p = 10⁻⁶ or smaller is 100, and the bands are:
///
/// | severity | band | p at most |
/// |---|---|---|
/// | ≥ 75 | critical | 3.2 × 10⁻⁵ (one in ~31,600) |
/// | ≥ 50 | major | 10⁻³ |
/// | ≥ 25 | minor | 0.032 |
/// | < 25 | low | — |
///
/// Working in log10 p keeps extreme statistics (a scan with 800 failed first contacts has
/// p ≈ 10⁻⁴⁸¹) finite.
public enum Severity {
    /// −log10 p at which severity reaches 100.
    public static let saturation = 6.0

    /// Severity 0–100 from log10 of the p-value (≤ 0).
    public static func from(log10P: Double) -> Int {
        guard log10P.isFinite else { return log10P < 0 ? 100 : 0 }
        let s = 100 * min(1, max(0, -log10P) / saturation)
        return Int(s.rounded())
    }

    /// The band name of a severity.
    public static func band(_ severity: Int) -> String {
        switch severity {
        case 75...: return "critical"
        case 50..<75: return "major"
        case 25..<50: return "minor"
        default: return "low"
        }
    }

    /// log10 of a p-value given as a probability (clamped to 10⁻³⁰⁰ … 1).
    public static func log10(p: Double) -> Double {
        guard p.isFinite, p > 0 else { return -300 }
        return min(0, Foundation.log10(max(p, 1e-300)))
    }

    /// The p-value of a log10 p-value, clamped to 10⁻³⁰⁰ … 1 (as the tables hold it;
    /// `AnomaliesFile.pValueText` writes it).
    public static func pValue(log10P: Double) -> Double {
        pow(10, max(-300, min(0, log10P.isFinite ? log10P : -300)))
    }
}

/// A detector's distribution of raw scores on its training window, stored in its model
/// file at train time and applied at score time: `pValue(x)` = P(score ≥ x | training).
///
/// Below the 95th percentile `u` the empirical tail is used, (#{training ≥ x} + 1) / (n + 1)
/// (never 0); above it an exponential tail fitted to the exceedances,
/// p = q_u × exp(−(x − u) / σ), with σ = median(exceedance) / ln 2 — the median, so that the
/// one planted outlier of a training window does not stretch the tail it is measured on.
/// The tail is bounded by what the sample can resolve (`TailResolution`): inside the
/// training range never rarer than the share of training values at least as extreme
/// (counted exactly among the `topCount` largest, which the file keeps), beyond the largest
/// at most one decade below 1/(n + 1).
/// A sample of fewer than `minimumSample` values is too small to fit: the detector is
/// skipped and says so (`fit` returns nil).
public struct TailCalibration: Codable, Sendable, Equatable {
    public static let minimumSample = 30
    /// Quantiles stored for the empirical part (0, 1/Q, …, 1).
    static let quantileCount = 200

    /// Training values the distribution was fitted on.
    public var sampleSize: Int
    /// `quantileCount + 1` evenly spaced empirical quantiles (ascending).
    public var quantiles: [Double]
    /// The tail threshold (95th percentile) and the share of training values above it.
    public var tailStart: Double
    public var tailShare: Double
    /// Scale of the exponential tail (> 0).
    public var tailScale: Double
    /// The `topCount` largest training values (ascending), to count exactly how many are at
    /// least as extreme as a scored value in the tail (nil in files from before: the
    /// quantile grid's count is used, which errs on the side of "less rare").
    public var top: [Double]?
    /// Largest training values kept in `top`.
    static let topCount = 100

    enum CodingKeys: String, CodingKey {
        case quantiles, top
        case sampleSize = "sample_size"
        case tailStart = "tail_start"
        case tailShare = "tail_share"
        case tailScale = "tail_scale"
    }

    /// Fits the distribution of `values` (non-finite values dropped); nil when fewer than
    /// `minimumSample` values remain.
    public static func fit(_ values: [Double]) -> TailCalibration? {
        let v = values.filter(\.isFinite).sortedAscending()
        guard v.count >= minimumSample else { return nil }
        let n = v.count
        let quantiles = (0...quantileCount).map { k -> Double in
            let position = Double(k) / Double(quantileCount) * Double(n - 1)
            let lo = Int(position.rounded(.down)), hi = min(n - 1, lo + 1)
            return v[lo] + (v[hi] - v[lo]) * (position - Double(lo))
        }
        let u = quantiles[Int(0.95 * Double(quantileCount))]
        let above = v.filter { $0 > u }
        let share = Double(above.count + 1) / Double(n + 1)
        var scale = 0.0
        if !above.isEmpty {
            let excess = above.map { $0 - u }
            scale = excess[excess.count / 2] / log(2)
        }
        if !(scale > 0) {
            // No spread above the 95th percentile: use the spread of the upper half.
            let spread = (v[n - 1] - v[n / 2])
            scale = spread > 0 ? spread / 4 : max(abs(u) * 0.1, 1e-6)
        }
        return TailCalibration(sampleSize: n, quantiles: quantiles, tailStart: u, tailShare: share, tailScale: scale,
                               top: Array(v.suffix(topCount)))
    }

    /// log10 of the smallest p-value this calibration can give (`TailResolution`).
    public var floorLog10P: Double { TailResolution.floorLog10(sampleSize: sampleSize) }

    /// The largest training value.
    var largest: Double { top?.last ?? quantiles[quantiles.count - 1] }

    /// Training values at least `x`: exact among the `top` values, else from the quantile grid.
    func countAtLeast(_ x: Double) -> Int {
        if x > largest { return 0 }
        if let top, let smallest = top.first, x > smallest || top.count == sampleSize {
            return top.filter { $0 >= x }.count
        }
        return max(top?.count ?? 1, Int((gridShare(atLeast: x) * Double(sampleSize)).rounded(.up)))
    }

    /// Share of the quantile grid at or above `x`.
    func gridShare(atLeast x: Double) -> Double {
        var lo = 0, hi = quantiles.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if quantiles[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return Double(quantiles.count - lo) / Double(quantiles.count)
    }

    /// log10 P(score ≥ x) under the training distribution.
    public func log10PValue(_ x: Double) -> Double {
        guard x.isFinite else { return x > 0 ? floorLog10P : 0 }
        if x > tailStart {
            let fitted = Foundation.log10(tailShare) - (x - tailStart) / tailScale / log(10)
            return TailResolution.bounded(modelLog10: fitted, atLeast: countAtLeast(x), sampleSize: sampleSize,
                                          decayBeyondLargest: -(x - largest) / tailScale / log(10))
        }
        // Empirical: share of the quantile grid at or above x.
        let n = Double(sampleSize)
        let p = (gridShare(atLeast: x) * n + 1) / (n + 1)
        return min(0, Foundation.log10(max(p, tailShare)))
    }
}

/// Tail probabilities of the test statistics used by detectors without training history.
public enum StatisticTail {
    /// log10 P(X ≥ k) for X ~ Binomial(n, q), summed in log space.
    public static func binomialLog10(atLeast k: Int, of n: Int, probability q: Double) -> Double {
        guard k > 0 else { return 0 }
        guard k <= n, q > 0 else { return -300 }
        guard q < 1 else { return 0 }
        let lq = log(q), l1q = log(1 - q)
        var terms: [Double] = []
        for j in k...n {
            terms.append(logChoose(n, j) + Double(j) * lq + Double(n - j) * l1q)
        }
        let m = terms.max() ?? -.infinity
        let sum = terms.reduce(0) { $0 + exp($1 - m) }
        return max(-300, min(0, (m + log(sum)) / log(10)))
    }

    /// log10 P(X ≥ k) for X ~ Poisson(λ).
    public static func poissonLog10(atLeast k: Int, mean lambda: Double) -> Double {
        guard k > 0 else { return 0 }
        guard lambda > 0 else { return -300 }
        var terms: [Double] = []
        let upper = max(k + 50, Int(lambda * 3) + 50)
        for j in k...upper {
            terms.append(Double(j) * log(lambda) - lambda - lgamma(Double(j) + 1))
        }
        let m = terms.max() ?? -.infinity
        let sum = terms.reduce(0) { $0 + exp($1 - m) }
        return max(-300, min(0, (m + log(sum)) / log(10)))
    }

    static func logChoose(_ n: Int, _ k: Int) -> Double {
        lgamma(Double(n) + 1) - lgamma(Double(k) + 1) - lgamma(Double(n - k) + 1)
    }
}
