import FlowForecasting
import FlowDataset
import FlowDetection
import Foundation

/// Entry points for `floe-train` and `floe-score` (the nightly pattern: train weekly on
/// the trailing N weeks, score yesterday).
public enum TimeSeriesTrainer {
    /// Trains one model per series of `set` (those named in `config.series`, or all).
    /// Series that cannot be modelled (constant, too short) are listed as skipped.
    public static func train(set: SeriesSet, seriesConfig: SeriesConfig, config: TimeSeriesModelConfig) throws -> TimeSeriesModelFile {
        try trainWithBacktest(set: set, seriesConfig: seriesConfig, config: config).file
    }

    /// Aggregates `dataset` over the training window and trains (floe-train's call).
    public static func train(dataset: DatasetListing, startMillis: Int64, endMillis: Int64, seriesConfig: SeriesConfig,
                             config: TimeSeriesModelConfig, coverage: SeriesCoverage? = nil) throws -> TimeSeriesModelFile {
        let set = try FlowDatasetSeries.aggregate(dataset: dataset, startMillis: startMillis, endMillis: endMillis,
                                                  config: seriesConfig, coverage: coverage)
        return try train(set: set, seriesConfig: seriesConfig, config: config)
    }
}

public enum TimeSeriesScorer {
    /// Scores [scoreStart, scoreEnd) of `set`; buckets of `set` before `scoreStart` warm
    /// the filters up (give a day of context). Returns the anomalies of every modelled
    /// series plus the coverage gaps, unranked (`rank` 0).
    public static func score(_ file: TimeSeriesModelFile, set: SeriesSet, scoreStart: Int64) throws -> [AnomalyRecord] {
        guard set.bucketMillis == file.bucketMillis else {
            throw TimeSeriesError.invalidConfiguration(key: "bucket", value: "\(set.bucketMillis / 1000)",
                                                       reason: "the model was trained on \(file.bucketMillis / 1000)-second buckets")
        }
        let from = max(0, Int((scoreStart - set.startMillis) / set.bucketMillis))
        var records = VolumeDetector.coverageGaps(missing: set.missing, from: from, startMillis: set.startMillis,
                                                  bucketMillis: set.bucketMillis, expectedFlows: file.expectedFlows(set))
        for model in file.models {
            guard let values = set[model.series] else { continue }
            let scores = VolumeDetector.scoreBuckets(model: model, values: values, startMillis: set.startMillis,
                                                     bucketMillis: set.bucketMillis, scoreFrom: from, config: file.modelConfig)
            records += VolumeDetector.anomalies(series: model.series, scores: scores, startMillis: set.startMillis,
                                                bucketMillis: set.bucketMillis, config: file.modelConfig, tail: model.tailThreshold,
                                                residuals: min(model.trainingObservations, file.modelConfig.arimaWindow))
        }
        return records
    }

    /// Aggregates `dataset` for [scoreStart − context, scoreEnd) and scores (floe-score's call).
    public static func score(_ file: TimeSeriesModelFile, dataset: DatasetListing, scoreStart: Int64, scoreEnd: Int64,
                             contextMillis: Int64 = 86_400_000, coverage: SeriesCoverage? = nil) throws -> [AnomalyRecord] {
        let set = try FlowDatasetSeries.aggregate(dataset: dataset, startMillis: scoreStart - contextMillis, endMillis: scoreEnd,
                                                  config: file.seriesConfig, coverage: coverage)
        return try score(file, set: set, scoreStart: scoreStart)
    }
}

extension TimeSeriesModelFile {
    /// Expected flows per bucket index of `set` from the `total.flows` model's seasonal
    /// baseline (nil when that series is not modelled).
    func expectedFlows(_ set: SeriesSet) -> ((Int) -> Double)? {
        guard let model = models.first(where: { $0.series == "total.flows" }) else { return nil }
        let start = set.startMillis, bucket = set.bucketMillis
        return { i in
            let v = model.transform.invert(model.baseline.value(at: start + Int64(i) * bucket))
            return v.isFinite ? max(0, v) : 0
        }
    }
}
