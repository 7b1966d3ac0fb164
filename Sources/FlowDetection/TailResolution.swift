import Foundation

/// How rare a calibration sample can honestly say a value is (docs/incidents.md, "How rare
/// a calibration can say").
///
/// A sample of n values resolves p-values down to 1/(n + 1): the conformal p-value of a
/// value beyond all n (Vovk et al., 2005). A fitted or assumed tail may carry that a little
/// further, but every p-value it gives is bounded by what the sample shows:
///
/// - **inside the sample** (`atLeast` ≥ 1 of the n values are at least as extreme) never
///   below the empirical (atLeast + 1) / (n + 1): where the data hold more extreme values
///   than the tail model expects, the data win;
/// - **beyond the largest value** the model's own decay from that value, anchored at
///   1/(n + 1) (continuous with the empirical part) or the model itself when it is more
///   cautious, and never more than `extrapolationDecades` below 1/(n + 1).
///
/// A density outlier cannot reach p = 10⁻⁷² from 15,594 training windows: the most its
/// calibration can say is 1/155,950 (severity 87).
public enum TailResolution {
    /// Decades a tail model may extrapolate below the empirical floor 1/(n + 1).
    public static let extrapolationDecades = 1.0

    /// log10 of the smallest p-value a sample of `n` values can give: 1/(n + 1), less
    /// `extrapolationDecades`.
    public static func floorLog10(sampleSize n: Int) -> Double {
        -Foundation.log10(Double(max(0, n) + 1)) - extrapolationDecades
    }


    /// The model tail's log10 p-value bounded by the sample: `atLeast` of its `n` values are
    /// at least `x`; `decayBeyondLargest` is the model's log10 p-value change (≤ 0) from
    /// the sample's largest value to `x` (used only when `atLeast` is 0). `decades` is how
    /// far below 1/(n + 1) the model may go: `extrapolationDecades` for a tail fitted to the
    /// sample; unbounded (`.infinity`) only for a tail that is an upper bound by
    /// construction rather than a fit (`PeerTail`'s Pareto tail of index 1).
    public static func bounded(modelLog10: Double, atLeast: Int, sampleSize n: Int, decayBeyondLargest: Double,
                               decades: Double = extrapolationDecades) -> Double {
        let rarest = -Foundation.log10(Double(n + 1))
        if atLeast > 0 {
            return min(0, max(modelLog10, Foundation.log10(Double(atLeast + 1)) + rarest))
        }
        let anchored = rarest + min(0, decayBeyondLargest)
        return max(-300, min(0, max(modelLog10, anchored, rarest - decades)))
    }
}
