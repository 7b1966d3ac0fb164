import FlowForecasting
import FlowDataset
import FlowDetection
import Foundation

/// Observed values and the one-step forecast with its prediction interval of one series
/// over a scored period, in original units, one value per bucket from `startMillis`
/// (NaN: missing coverage, or no model/prediction for that bucket).
public struct ForecastBand: Sendable, Equatable {
    public var series: String
    public var startMillis: Int64
    public var bucketMillis: Int64
    public var observed: [Double]
    public var expected: [Double]
    public var lower: [Double]
    public var upper: [Double]
    /// Interval level of `lower`/`upper` (the model's `level`).
    public var level: Double
    /// The model's description, e.g. `profile + ARIMA(2,0,1)` (nil: series not modelled).
    public var model: String?

    public var count: Int { observed.count }
}

extension TimeSeriesScorer {
    /// Scores [scoreStart, end of `set`) like `score(_:set:scoreStart:)` and also returns,
    /// for each series named in `bands` that `set` holds, its observed values and the
    /// forecast band over the scored buckets (forecast NaN where the series has no model).
    public static func scoreWithBands(_ file: TimeSeriesModelFile, set: SeriesSet, scoreStart: Int64,
                                      bands names: [String]) throws -> (anomalies: [AnomalyRecord], bands: [ForecastBand]) {
        guard set.bucketMillis == file.bucketMillis else {
            throw TimeSeriesError.invalidConfiguration(key: "bucket", value: "\(set.bucketMillis / 1000)",
                                                       reason: "the model was trained on \(file.bucketMillis / 1000)-second buckets")
        }
        let from = min(set.count, max(0, Int((scoreStart - set.startMillis) / set.bucketMillis)))
        var records = VolumeDetector.coverageGaps(missing: set.missing, from: from, startMillis: set.startMillis,
                                                  bucketMillis: set.bucketMillis, expectedFlows: file.expectedFlows(set))
        var scored: [String: [BucketScore]] = [:]
        for model in file.models {
            guard let values = set[model.series] else { continue }
            let scores = VolumeDetector.scoreBuckets(model: model, values: values, startMillis: set.startMillis,
                                                     bucketMillis: set.bucketMillis, scoreFrom: from, config: file.modelConfig)
            records += VolumeDetector.anomalies(series: model.series, scores: scores, startMillis: set.startMillis,
                                                bucketMillis: set.bucketMillis, config: file.modelConfig, tail: model.tailThreshold,
                                                residuals: min(model.trainingObservations, file.modelConfig.arimaWindow))
            if names.contains(model.series) { scored[model.series] = scores }
        }
        let n = set.count - from
        let start = set.startMillis + Int64(from) * set.bucketMillis
        var bands: [ForecastBand] = []
        for name in names {
            guard let values = set[name] else { continue }
            var band = ForecastBand(series: name, startMillis: start, bucketMillis: set.bucketMillis,
                                    observed: Array(values[from...]), expected: [Double](repeating: .nan, count: n),
                                    lower: [Double](repeating: .nan, count: n), upper: [Double](repeating: .nan, count: n),
                                    level: file.modelConfig.level, model: nil)
            if let scores = scored[name], let model = file.models.first(where: { $0.series == name }) {
                band.model = model.baseline.kind.rawValue + " + " + model.forecasterLabel
                for s in scores where s.index >= from && s.index - from < n {
                    let i = s.index - from
                    band.expected[i] = s.expected
                    band.lower[i] = s.lower
                    band.upper[i] = s.upper
                }
            }
            bands.append(band)
        }
        return (records, bands)
    }

    /// Aggregates `dataset` for [scoreStart − context, scoreEnd) and calls
    /// `scoreWithBands(_:set:scoreStart:bands:)` (floe-score's call when a report feed is written).
    public static func scoreWithBands(_ file: TimeSeriesModelFile, dataset: DatasetListing, scoreStart: Int64, scoreEnd: Int64,
                                      contextMillis: Int64 = 86_400_000, coverage: SeriesCoverage? = nil,
                                      bands names: [String]) throws -> (anomalies: [AnomalyRecord], bands: [ForecastBand]) {
        let set = try FlowDatasetSeries.aggregate(dataset: dataset, startMillis: scoreStart - contextMillis, endMillis: scoreEnd,
                                                  config: file.seriesConfig, coverage: coverage)
        return try scoreWithBands(file, set: set, scoreStart: scoreStart, bands: names)
    }
}
