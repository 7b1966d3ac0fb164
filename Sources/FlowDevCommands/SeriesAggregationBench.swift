import FlowColumnar
import FlowCore
import FlowDataset
import FlowGenerate
import FlowTimeSeries
import Foundation

/// The aggregation benchmark of scripts/bench/aggregation.sh and arima.sh (through
/// `floe-dev bench-aggregation`): generates `rows` flows over 7 days (seed 1) into Arrow day
/// partitions under `dataset` once (timing the in-memory batch path on the way), then times
/// aggregating the dataset's files into one-minute series.
public enum SeriesAggregationBench {
    /// Groups total, four directions, ports 443 and 53.
    public static let config = SeriesConfig(servicePorts: [443, 53])
    public static let days = 7

    /// Runs the benchmark; `metrics` (nil: every metric) picks the measures. Returns the
    /// JSON object the scripts read (`rows`, `days`, `series`, `flows_counted`,
    /// `dataset_seconds`, `batch_seconds`).
    public static func run(dataset: String, rows: Int, metrics: [SeriesConfig.Metric]?) throws -> [String: Any] {
        let generator = try FlowGenerator(config: GeneratorConfig(rows: rows, days: days, seed: 1))
        let start = generator.config.startMillis, end = generator.config.endMillis
        let marker = dataset + "/.complete-\(rows)"
        var batchSeconds = 0.0
        if !FileManager.default.fileExists(atPath: marker) {
            batchSeconds = try generate(generator, into: dataset)
            _ = FileManager.default.createFile(atPath: marker, contents: nil)
        }
        var config = Self.config
        if let metrics { config.metrics = metrics }
        let t = Date()
        let set = try FlowDatasetSeries.aggregate(dataset: try DatasetListing(root: dataset), startMillis: start, endMillis: end, config: config)
        let datasetSeconds = Date().timeIntervalSince(t)
        let total = (set["total.flows"] ?? []).reduce(0) { $0 + ($1.isNaN ? 0 : $1) }
        return ["rows": rows, "days": days, "series": set.names.count, "flows_counted": total,
                "dataset_seconds": datasetSeconds, "batch_seconds": batchSeconds > 0 ? batchSeconds : datasetSeconds]
    }

    /// Writes the generator's clean rows as day partitions; returns the seconds spent
    /// aggregating the in-memory batches on the way.
    static func generate(_ generator: FlowGenerator, into dataset: String) throws -> Double {
        try? FileManager.default.removeItem(atPath: dataset)
        let aggregator = try SeriesAggregator(config: config, startMillis: generator.config.startMillis, endMillis: generator.config.endMillis)
        var batchSeconds = 0.0
        var batch = FlowBatch(capacity: 1 << 20)
        var day: Int64 = -1
        var part = 0
        func flush() throws {
            guard !batch.isEmpty else { return }
            let t = Date()
            aggregator.add(batch)
            batchSeconds += Date().timeIntervalSince(t)
            let dir = "\(dataset)/date=\(CivilTime.dateString(day: day))"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let writer = try FlowArrowWriter(path: String(format: "%@/part-%05d.arrow", dir, part))
            try writer.write(batch)
            try writer.finish()
            part += 1
            batch.removeAll()
        }
        var failure: Error?
        generator.forEachRow { r, _, dirt in
            guard failure == nil, dirt == nil else { return }
            let d = CivilTime.day(ofMillis: r.start)
            do {
                if d != day || batch.count >= 1 << 20 {
                    try flush()
                    if d != day { part = 0 }
                    day = d
                }
            } catch { failure = error }
            batch.append(r)
        }
        if let failure { throw failure }
        try flush()
        return batchSeconds
    }
}
