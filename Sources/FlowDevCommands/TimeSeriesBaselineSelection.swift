import FlowForecasting
import FlowGenerate
import FlowTimeSeries
import Foundation

/// The measurement behind the default seasonal baseline (scripts/quality/timeseries.sh,
/// through `floe-dev timeseries-quality`): generated traffic without anomalies, 14 training
/// days, the following 7 days scored; the mean absolute one-step error (log1p units) of
/// each baseline kind alone and with the ARIMA on top, and the buckets flagged.
public enum TimeSeriesBaselineSelection {
    /// Mean absolute errors summed over the series, by baseline kind, and the Markdown table.
    public struct Result {
        /// Baseline + ARIMA.
        public var mae: [SeasonalBaseline.Kind: Double] = [:]
        /// The baseline alone.
        public var baselineOnly: [SeasonalBaseline.Kind: Double] = [:]
        public var table: String = ""
    }

    /// `rows` flows over 21 days (seed 31); `order` fixes the ARIMA order (nil: the stepwise
    /// search, as the pipeline does).
    public static func measure(rows: Int, order: ARIMAOrder?) throws -> Result {
        let generator = try FlowGenerator(config: GeneratorConfig(rows: rows, days: 21, seed: 31, anomalies: false))
        let start = generator.config.startMillis
        let aggregator = try SeriesAggregator(config: SeriesConfig(metrics: [.bytes, .flows], byDirection: false),
                                              startMillis: start, endMillis: generator.config.endMillis)
        generator.forEachRow { r, _, _ in aggregator.add(r) }
        let set = aggregator.result()
        let trainEnd = 14 * 1440
        var table = ["| series | baseline | MAE baseline only | MAE baseline + ARIMA | flagged buckets (7 days) |", "|---|---|---|---|---|"]
        var result = Result()
        for name in ["total.flows", "total.bytes"] {
            guard let values = set[name] else { continue }
            for kind in [SeasonalBaseline.Kind.profile, .fourier, .constant] {
                let config = TimeSeriesModelConfig(baseline: kind, order: order)
                let model = try SeriesForecastModel.train(name: name, values: Array(values[0..<trainEnd]), startMillis: start,
                                                          bucketMillis: 60_000, config: config)
                let context = Array(values[(trainEnd - 1440)...])
                let contextStart = start + Int64(trainEnd - 1440) * 60_000
                let scores = VolumeDetector.scoreBuckets(model: model, values: context, startMillis: contextStart,
                                                         bucketMillis: 60_000, scoreFrom: 1440, config: config)
                var baseError = 0.0, fullError = 0.0, n = 0.0
                for s in scores where s.observed.isFinite {
                    let x = log1p(s.observed)
                    baseError += abs(x - model.baseline.value(at: contextStart + Int64(s.index) * 60_000))
                    fullError += abs(x - log1p(s.expected))
                    n += 1
                }
                result.mae[kind, default: 0] += fullError / n
                result.baselineOnly[kind, default: 0] += baseError / n
                table.append("| \(name) | \(kind.rawValue) | \(String(format: "%.4f", baseError / n)) | \(String(format: "%.4f", fullError / n)) | \(scores.filter(\.flagged).count) |")
            }
        }
        result.table = table.joined(separator: "\n")
        return result
    }
}
