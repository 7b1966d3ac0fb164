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
        let decades = scale == .log10 ? x - u : (x - u) / log(10)
        return max(-300, min(0, log10(share) - decades))
    }
}
