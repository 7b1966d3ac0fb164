import Foundation

/// The p-value of a detector statistic when a trained distribution may be missing (a thin
/// training window): the training distribution (`TailCalibration`) when there is one;
/// else the same day's values of the statistic over every comparable entity (a peer-group
/// baseline), leaving the scored value itself out (one occurrence of it):
///
/// - at or below their 95th percentile u, the empirical tail (#{≥ x} + 1) / (n + 1);
/// - above it, a Pareto tail of index 1 in the underlying quantity (bytes, attempts):
///   p = q_u × (quantity / quantity at u)⁻¹, with q_u the empirical share above u. Index 1
///   is the heaviest tail commonly measured for transfer sizes and connection counts
///   (Crovella and Bestavros 1997 measured 1.0–1.2 for Web transfers), so the p-value is a
///   conservative one; a tail *fitted* to one day's few exceedances would be dominated by
///   the handful of values above u (with 40 pairs, two);
/// - bounded by the day's sample (`TailResolution`): never rarer than the empirical share of
///   values at least as extreme, and beyond the day's largest other value never rarer than
///   the Pareto decay anchored at that value's 1/(n + 1). Unlike a fitted tail it is not
///   floored one decade below 1/(n + 1): index 1 is not estimated from the day's few values
///   but the heaviest tail measured for these quantities, so its p-value is an upper bound
///   at any depth under that assumption (docs/incidents.md);
/// - with fewer than `minimumSample` other values, the empirical rank alone — never rarer
///   than the sample can show.
package struct PeerTail {
    /// Whether the statistic is log10 of the quantity (bytes) or its natural log (counts).
    package enum Scale { case log10, ln }

    package static let minimumSample = 20

    package let trained: TailCalibration?
    package let scale: Scale
    /// The same day's values, ascending (empty when trained).
    package let sameDay: [Double]

    package init(trained: TailCalibration?, scale: Scale, sameDay: @autoclosure () -> [Double]) {
        self.trained = trained
        self.scale = scale
        self.sameDay = trained == nil ? sameDay().filter(\.isFinite).sorted() : []
    }

    /// log10 P(statistic ≥ x).
    package func log10PValue(_ x: Double) -> Double {
        if let c = trained { return c.log10PValue(x) }
        var others = sameDay
        if let i = others.firstIndex(of: x) { others.remove(at: i) }
        let n = others.count
        let rank = log10(Double(others.filter { $0 >= x }.count + 1) / Double(n + 1))
        guard n >= Self.minimumSample else { return rank }
        let u = others[Int(0.95 * Double(n - 1))]
        guard x > u else { return rank }
        let share = Double(others.filter { $0 > u }.count + 1) / Double(n + 1)
        let pareto = log10(share) - decades(x - u)
        return TailResolution.bounded(modelLog10: pareto, atLeast: others.filter { $0 >= x }.count, sampleSize: n,
                                      decayBeyondLargest: -decades(x - (others.last ?? x)), decades: .infinity)
    }

    /// Decades of the underlying quantity spanned by a difference of the statistic.
    func decades(_ d: Double) -> Double { scale == .log10 ? d : d / log(10) }
}
