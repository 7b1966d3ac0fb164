import FlowArtifacts
import FlowConfig
import FlowCore
import FlowDataset
import FlowDetection
import FlowFeatures
import FlowIO
import FlowTimeSeries
import Foundation
import Yams

/// The `timeseries:` part of the `models:` section: `series` (SeriesConfig keys) and
/// `model` (TimeSeriesModelConfig keys), each key optional. When absent, the kind's
/// defaults: one-minute buckets of bytes, packets, flows and distinct sources by
/// direction, modelling `TimeSeriesSection.defaultSeries` (total volumes, outbound bytes,
/// inbound flows) with the profile baseline and an automatic ARIMA order.
public struct TimeSeriesSection: Sendable, Equatable {
    /// The series modelled when `model.series` is not given.
    public static let defaultSeries = ["total.bytes", "total.packets", "total.flows", "total.distinct_sources",
                                       "direction:outbound.bytes", "direction:inbound.flows"]

    public var series: SeriesConfig
    public var model: TimeSeriesModelConfig
    /// `enabled: false` turns the kind off.
    public var enabled: Bool

    /// Reads `timeseries` from the `models:` section JSON; `internalNetworks` (the
    /// section's `internal_networks`) is the default for `series.internal_networks`.
    public static func decode(sectionJSON: Data, internalNetworks: [NetworkPrefix], source: String) throws -> TimeSeriesSection {
        var series = SeriesConfig(metrics: [.bytes, .packets, .flows, .distinctSources], byDirection: true,
                                  internalNetworks: internalNetworks.isEmpty ? NetworkPrefix.privateRanges : internalNetworks)
        var model = TimeSeriesModelConfig(series: defaultSeries)
        var enabled = true
        let root = (try? JSONSerialization.jsonObject(with: sectionJSON)) as? [String: Any] ?? [:]
        if let v = root["timeseries"] {
            guard let section = v as? [String: Any] else {
                throw FlowModelsError.invalidParameter(name: "\(source): models.timeseries", value: "\(v)",
                                                       reason: "expected a mapping with `series` and/or `model`")
            }
            if let e = section["enabled"] { enabled = !("\(e)" == "false" || "\(e)" == "0") }
            if let s = section["series"] { series = try overlay(series, with: s, key: "series", source: source) }
            if let m = section["model"] { model = try overlay(model, with: m, key: "model", source: source) }
        }
        do {
            try series.validate()
            try model.validate()
        } catch {
            throw FlowModelsError.invalidParameter(name: "\(source): models.timeseries", value: "", reason: "\(error)")
        }
        return TimeSeriesSection(series: series, model: model, enabled: enabled)
    }

    /// Checks the keys of the `timeseries` value (`enabled`, `series`, `model` and theirs);
    /// the values are decoded by `decode(sectionJSON:internalNetworks:source:)`.
    static func checkKeys(_ node: Node, _ r: inout ConfigReader) {
        for (key, value) in r.entries(node, what: "models.timeseries", allowed: ["enabled", "series", "model"]) {
            switch key {
            case "enabled": _ = r.bool(value, "models.timeseries.enabled")
            case "series": _ = r.entries(value, what: "models.timeseries.series", allowed: SeriesConfig.CodingKeys.allCases.map(\.stringValue))
            default: _ = r.entries(value, what: "models.timeseries.model", allowed: TimeSeriesModelConfig.CodingKeys.allCases.map(\.stringValue))
            }
        }
    }

    /// `defaults` with the keys of `value` (a mapping) laid over it, nested mappings merged.
    static func overlay<T: Codable>(_ defaults: T, with value: Any, key: String, source: String) throws -> T {
        let name = "\(source): models.timeseries.\(key)"
        guard let given = value as? [String: Any] else {
            throw FlowModelsError.invalidParameter(name: name, value: "\(value)", reason: "expected a mapping")
        }
        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(defaults)) as? [String: Any] ?? [:]
        let merged = merge(encoded, given)
        do {
            let data = try JSONSerialization.data(withJSONObject: merged)
            return try JSONDecoder().decode(T.self, from: data)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw FlowModelsError.invalidParameter(name: name + (path.isEmpty ? "" : "." + path), value: "",
                                                   reason: context.debugDescription)
        } catch let DecodingError.dataCorrupted(context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw FlowModelsError.invalidParameter(name: name + (path.isEmpty ? "" : "." + path), value: "",
                                                   reason: context.debugDescription)
        } catch {
            throw FlowModelsError.invalidParameter(name: name, value: "", reason: "\(error)")
        }
    }

    static func merge(_ base: [String: Any], _ top: [String: Any]) -> [String: Any] {
        var out = base
        for (k, v) in top {
            if let b = base[k] as? [String: Any], let t = v as? [String: Any] {
                out[k] = merge(b, t)
            } else if v is NSNull {
                out.removeValue(forKey: k)
            } else {
                out[k] = v
            }
        }
        return out
    }
}

/// The time-series models (docs/timeseries.md) as a `floe-train`/`floe-score` kind.
/// Training aggregates the training days into series and fits one model per series
/// (`timeseries.json`); a range too short for the configured bucket falls back to a finer
/// one, or the kind is skipped with a log line. Scoring aggregates each scored day with
/// the day before as context and adds `volume_spike`, `volume_drop` and `coverage_gap`
/// rows; the total bytes, packets and flows with their forecast band go to the report feed
/// as the series `bytes`, `packets`, `flows`.
public struct TimeSeriesModelKind: ModelKind {
    public static let kindName = "timeseries"
    public var name: String { Self.kindName }
    public static let fileName = "timeseries.json"
    /// Fewest buckets a training range must give (SeriesForecastModel needs 100 observed).
    public static let minimumBuckets = 120
    /// The report feed's series and the aggregated series behind them.
    public static let feedSeries: [(name: String, series: String, unit: String)] = [
        ("bytes", "total.bytes", "bytes"), ("packets", "total.packets", "packets"), ("flows", "total.flows", "flows"),
    ]

    public init() {}

    /// Training aggregates the dataset file by file itself.
    public var trainsOnSharedFlows: Bool { false }

    public func train(_ context: TrainContext) throws -> ModelsIndex.Entry? {
        let c = context.config
        var section = try TimeSeriesSection.decode(sectionJSON: c.sectionJSON, internalNetworks: c.internalNetworks,
                                                   source: "models")
        guard section.enabled else {
            context.log("timeseries: off (models.timeseries.enabled: false)")
            return nil
        }
        let days = context.data.dataset.days
        guard let firstDay = days.first, let lastDay = days.last else { return nil }
        let start = firstDay * 86_400_000
        let end = (lastDay + 1) * 86_400_000
        // Too short for the bucket: try the finer buckets, else skip.
        let span = end - start
        let buckets = [3600, 300, 60].filter { $0 <= section.series.bucketSeconds }
        guard let bucket = buckets.first(where: { span / (Int64($0) * 1000) >= Int64(Self.minimumBuckets) }) else {
            context.log("timeseries: skipped: the training range (\(days.count) day(s)) gives fewer than \(Self.minimumBuckets) buckets of \(section.series.bucketSeconds) s")
            return nil
        }
        if bucket != section.series.bucketSeconds {
            context.log("timeseries: the training range is too short for \(section.series.bucketSeconds)-second buckets; using \(bucket) s")
            section.series.bucketSeconds = bucket
        }
        let file: TimeSeriesModelFile
        let backtest: BacktestFile?
        do {
            (file, backtest) = try TimeSeriesTrainer.trainWithBacktest(dataset: context.data.wholeDataset, startMillis: start,
                                                                       endMillis: end, seriesConfig: section.series, config: section.model)
        } catch {
            context.log("timeseries: skipped: \(error)")
            return nil
        }
        guard !file.models.isEmpty else {
            // One line, not one per series, when nothing could be fitted.
            context.log("timeseries: skipped: no series could be modelled (\(file.skipped.first?.reason ?? "no series configured"))")
            return nil
        }
        for s in file.skipped { context.log("timeseries: series \(s.series) not modelled: \(s.reason)") }
        for m in file.models {
            context.log("timeseries: \(m.series): \(m.baseline.kind.rawValue) baseline + \(m.forecasterLabel) on \(m.trainingObservations) buckets")
        }
        if let backtest {
            try writeAtomically(path: context.outputFolder + "/" + BacktestFile.fileName, bytes: try backtest.jsonBytes())
            for r in backtest.rows {
                context.log("timeseries: back-test \(r.series) \(r.model): MASE \(r.mase.map { String(format: "%.3f", $0) } ?? "-"), coverage \(r.coverage.map { String(format: "%.2f", $0) } ?? "-")\(r.chosen ? " (chosen)" : "")\(r.error.map { ": " + $0 } ?? "")")
            }
        } else {
            context.log("timeseries: no back-test (the training range is shorter than 4 days or backtest_days is 0)")
        }
        try writeAtomically(path: context.outputFolder + "/" + Self.fileName, bytes: try file.jsonBytes())
        return ModelsIndex.Entry(kind: name, file: Self.fileName)
    }

    public func score(_ context: ScoreContext, entry: ModelsIndex.Entry) throws -> KindScores {
        let path = context.modelsFolder + "/" + entry.file
        let file = try context.decodedFiles.value(at: path) { try TimeSeriesModelFile.read(path: path) }
        let start = context.day * 86_400_000
        let (scored, bands) = try TimeSeriesScorer.scoreWithBands(
            file, dataset: context.data.wholeDataset, scoreStart: start, scoreEnd: start + 86_400_000,
            bands: Self.feedSeries.map(\.series))
        let anomalies = try Self.droppingDatasetEdges(scored, context: context)
        if let feed = context.feed {
            for band in bands {
                guard let f = Self.feedSeries.first(where: { $0.series == band.series }) else { continue }
                feed.addSeries(band, name: f.name, unit: f.unit)
            }
        }
        return KindScores(anomalies: anomalies)
    }

    /// Coverage gaps at the edges of the dataset are structure, not outages: on the first
    /// day of the dataset, time before its first flow; on the last day, time after its
    /// last flow (a partly covered first or last day is not a gap).
    static func droppingDatasetEdges(_ records: [AnomalyRecord], context: ScoreContext) throws -> [AnomalyRecord] {
        guard let first = context.datasetDays.first, let last = context.datasetDays.last,
              context.day == first || context.day == last else { return records }
        let t = try context.data.table()
        return droppingDatasetEdges(records, isFirstDay: context.day == first, isLastDay: context.day == last,
                                    firstFlow: t.start.min(), lastFlow: t.start.max())
    }

    /// The rule on plain values: `firstFlow`/`lastFlow` are the first and last flow starts
    /// of the scored day (nil: the day has no flows).
    static func droppingDatasetEdges(_ records: [AnomalyRecord], isFirstDay: Bool, isLastDay: Bool,
                                     firstFlow: Int64?, lastFlow: Int64?) -> [AnomalyRecord] {
        records.filter { r in
            guard r.kind == "coverage_gap" else { return true }
            guard let firstFlow, let lastFlow else { return false }
            if isFirstDay && r.start <= firstFlow { return false }
            if isLastDay && r.end >= lastFlow { return false }
            return true
        }
    }
}
