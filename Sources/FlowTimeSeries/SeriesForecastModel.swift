import FlowCore
import FlowForecasting
import Foundation
import FlowIO

/// The trained model of one series: transform, seasonal baseline, ARIMA on the
/// remainder and the robust scale of its one-step residuals.
public struct SeriesForecastModel: Sendable, Codable {
    public var series: String
    public var transform: TimeSeriesModelConfig.Transform
    public var baseline: SeasonalBaseline
    public var arima: ARIMAModel
    /// Robust spread of the remainder by slot of the day (1.4826 · MAD, weekday and
    /// weekend profiles): the remainder is divided by it before the ARIMA, so quiet
    /// night hours with few flows get their own, wider noise band.
    public var scale: SeasonalBaseline
    /// 1.4826 · MAD of the training one-step residuals (standardised units).
    public var residualScale: Double
    /// The (1 − 1/2000) quantile of |training one-step residual| / residualScale: the
    /// largest departure normal traffic showed about once a day and a half.
    public var tailThreshold: Double
    /// 90th percentile of the training values (original units), "a busy bucket": the
    /// reference `minimum_change` is measured against when the expectation is lower.
    public var busyLevel: Double
    /// The candidates the order search tried (empty for a fixed order).
    public var candidates: [ARIMACandidate]
    /// XXH64 of the training values (bit patterns, NaN for missing) as `xxh64:…`.
    public var fingerprint: String
    public var trainingObservations: Int
    /// Training points left out of the ARIMA fit as outliers.
    public var outliersRemoved: Int
    /// The LSTM/GRU forecaster of the remainder when it scores the series instead of the
    /// ARIMA (`forecaster: lstm | gru`, or `auto`'s pick); absent for ARIMA.
    public var neural: NeuralRemainderModel? = nil

    enum CodingKeys: String, CodingKey {
        case series, transform, baseline, arima, candidates, fingerprint
        case scale
        case residualScale = "residual_scale"
        case tailThreshold = "tail_threshold"
        case busyLevel = "busy_level"
        case trainingObservations = "training_observations"
        case outliersRemoved = "outliers_removed"
        case neural
    }

    /// Fits the model of one series on the grid from `startMillis`.
    public static func train(name: String, values: [Double], startMillis: Int64, bucketMillis: Int64,
                             config: TimeSeriesModelConfig) throws -> SeriesForecastModel {
        let x = values.map { $0.isFinite ? config.transform.apply($0) : .nan }
        let observed = x.reduce(0) { $0 + ($1.isNaN ? 0 : 1) }
        guard observed >= 100 else { throw TimeSeriesError.seriesTooShort(series: name, observations: observed, needed: 100) }
        let baseline = SeasonalBaseline.fit(config.baseline, values: x, startMillis: startMillis, bucketMillis: bucketMillis)
        var raw = [Double](repeating: .nan, count: x.count)
        for i in x.indices where x[i].isFinite { raw[i] = x[i] - baseline.value(at: startMillis + Int64(i) * bucketMillis) }
        let scale = Self.fitScale(raw, startMillis: startMillis, bucketMillis: bucketMillis)
        var remainder = raw
        for i in raw.indices where raw[i].isFinite { remainder[i] = raw[i] / scale.value(at: startMillis + Int64(i) * bucketMillis) }
        let window = Array(remainder.suffix(config.arimaWindow))
        // Training anomalies would inflate σ² and bend the fit: leave out points more than
        // 6 robust standard deviations from the remainder's median, then fit.
        let finite = window.filter { $0.isFinite }
        let centre = median(finite)
        let spread = 1.4826 * median(finite.map { abs($0 - centre) })
        var cleaned = window
        var removed = 0
        if spread > 0 {
            for i in cleaned.indices where cleaned[i].isFinite && abs(cleaned[i] - centre) > 6 * spread {
                cleaned[i] = .nan
                removed += 1
            }
        }
        var candidates: [ARIMACandidate] = []
        // The baseline already centres the remainder; a mean fitted on the last few days
        // would carry those days' level into every forecast.
        let remainderFit = ARIMAFitOptions(includeMean: false)
        let arima: ARIMAModel
        if let order = config.order {
            arima = try ARIMAEstimator.fit(cleaned, order: order, options: remainderFit, seriesName: name)
        } else {
            let result = try AutoARIMA.fit(cleaned, options: config.auto, fitOptions: remainderFit, seriesName: name)
            arima = result.model
            candidates = result.candidates
        }
        let (predictions, _) = arima.oneStepPredictions(cleaned)
        var residuals: [Double] = []
        for i in cleaned.indices where i >= arima.order.differencingStates && cleaned[i].isFinite && predictions[i].isFinite {
            residuals.append(cleaned[i] - predictions[i])
        }
        let (residualScale, tail) = residualStatistics(residuals, fallback: arima.coefficients.variance.squareRoot())
        let sortedValues = values.filter { $0.isFinite }.sortedAscending()
        let level = sortedValues.isEmpty ? 0 : sortedValues[min(sortedValues.count - 1, sortedValues.count * 9 / 10)]
        return SeriesForecastModel(series: name, transform: config.transform, baseline: baseline, arima: arima, scale: scale,
                                   residualScale: residualScale, tailThreshold: tail, busyLevel: level.isFinite ? level : 0,
                                   candidates: candidates, fingerprint: Self.fingerprint(values),
                                   trainingObservations: observed, outliersRemoved: removed)
    }

    /// (1.4826 · MAD of the one-step residuals, else `fallback`; the (1 − 1/2000) quantile
    /// of |residual| / that scale).
    static func residualStatistics(_ residuals: [Double], fallback: Double) -> (scale: Double, tail: Double) {
        var residualScale = 1.4826 * median(residuals.map(abs))
        if !(residualScale.isFinite && residualScale > 0) { residualScale = max(fallback, 1e-9) }
        let sortedTail = residuals.map { abs($0) / residualScale }.sortedAscending()
        let position = Int(Double(sortedTail.count) * (1 - 1.0 / 2000))
        let tail: Double = sortedTail.isEmpty ? 0 : sortedTail[min(sortedTail.count - 1, position)]
        return (residualScale, tail)
    }

    /// The slot-of-day spread of `raw`: 1.4826 × the median absolute remainder of the slot
    /// ± 15 slots (robust to an anomalous night in the training window), floored at half
    /// the overall spread, itself 1.2533 × the mean absolute remainder without its largest
    /// 5 % (a MAD alone would be 0 for low counts where most remainders are exactly 0).
    static func fitScale(_ raw: [Double], startMillis: Int64, bucketMillis: Int64) -> SeasonalBaseline {
        let absolute = raw.filter { $0.isFinite }.map(abs)
        var overall = 1.2533 * upperTrimmedMean(absolute, 0.05)
        if !(overall > 1e-9) { overall = 1 }
        var scale = SeasonalBaseline.fit(.profile, values: raw.map { $0.isFinite ? abs($0) : .nan }, startMillis: startMillis,
                                         bucketMillis: bucketMillis, smoothing: 15)
        scale.coefficients = scale.coefficients.map { max(1.4826 * $0, 0.5 * overall) }
        if scale.kind == .constant { scale.coefficients = [overall] }
        return scale
    }

    static func fingerprint(_ values: [Double]) -> String {
        let h = values.withUnsafeBytes { XXH64.hash($0) }
        return Fingerprint(xxh64: h).description
    }
}
