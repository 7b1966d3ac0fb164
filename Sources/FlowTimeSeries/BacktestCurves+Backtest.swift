import FlowArtifacts
import Foundation

/// How the back-test fills `backtest.json`'s `forecasts_vs_actuals` (`BacktestCurves`, in
/// FlowArtifacts beside its reader), bounded in size:
///
/// - models: the chosen one (with its central `interval_level` interval), seasonal naive,
///   and the best other by MASE (when there is one); a model whose fit failed has no curve;
/// - points: at most `maxPoints` per curve. A longer held-out period is cut into groups of
///   `buckets_per_point` consecutive buckets (the smallest group size that fits) and each
///   point is the mean of its group's known values — of the actuals, of each forecast and of
///   each interval bound — so 7 days of 5-minute buckets become 336 half-hour means. A point
///   with no known value is `null`. Values keep 6 significant digits.
///
/// The accuracy figures of the rows are computed on every bucket, never on these points.
extension BacktestCurves {
    /// Most points a curve keeps.
    public static let maxPoints = 400

    /// One model's one-step forecasts and interval over the held-out buckets (NaN = none).
    struct Path {
        var row: BacktestRow
        var expected: [Double]
        var lower: [Double]
        var upper: [Double]
    }

    /// The curves of one series: `actual` and each path's arrays cover the held-out buckets
    /// (same length); `paths` are the back-tested models in row order, seasonal naive first.
    static func make(series: String, startMillis: Int64, bucketMillis: Int64, actual: [Double], paths: [Path],
                     maxPoints: Int = Self.maxPoints) -> BacktestCurves {
        let n = actual.count
        let group = max(1, (n + maxPoints - 1) / max(maxPoints, 1))
        func points(_ v: [Double]) -> [Double?] {
            stride(from: 0, to: n, by: group).map { first in
                var sum = 0.0, count = 0
                for t in first..<min(first + group, n) where v[t].isFinite {
                    sum += v[t]
                    count += 1
                }
                return count > 0 ? significant(sum / Double(count)) : nil
            }
        }
        let usable = paths.filter { $0.row.error == nil && $0.row.forecasts > 0 }
        let chosen = usable.first { $0.row.chosen }
        let naive = usable.first { $0.row.model == "seasonal_naive" }
        let other = usable.filter { !$0.row.chosen && $0.row.model != "seasonal_naive" && $0.row.mase != nil }
            .min { $0.row.mase! < $1.row.mase! }
        var forecasts: [Forecast] = []
        if let chosen {
            forecasts.append(Forecast(model: chosen.row.model, chosen: true, values: points(chosen.expected),
                                      lower: points(chosen.lower), upper: points(chosen.upper)))
        }
        for p in [naive, other].compactMap({ $0 }) {
            forecasts.append(Forecast(model: p.row.model, chosen: false, values: points(p.expected)))
        }
        return BacktestCurves(series: series, startMillis: startMillis, stepMillis: bucketMillis * Int64(group),
                              bucketsPerPoint: group, actual: points(actual), forecasts: forecasts)
    }

    /// `v` to 6 significant digits (shorter JSON; far finer than a chart draws).
    static func significant(_ v: Double) -> Double {
        guard v != 0, v.isFinite else { return v }
        let shift = 5 - Int(floor(log10(abs(v))))
        // Multiply or divide by an exact power of ten, so 1234567 gives 1234570, not 1234569.9999….
        if shift >= 0 {
            let scale = pow(10, Double(shift))
            return (v * scale).rounded() / scale
        }
        let scale = pow(10, Double(-shift))
        return (v / scale).rounded() * scale
    }
}
