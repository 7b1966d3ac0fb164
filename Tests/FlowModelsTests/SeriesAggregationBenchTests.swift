import Foundation
import Testing
import FlowCore
import FlowDataset
import FlowColumnar
import FlowGenerate
@testable import FlowModels
@testable import FlowTimeSeries

/// Aggregation speed for scripts/bench/arima.sh: with `FLOE_TS_BENCH_DATASET` (a
/// directory), `FLOE_TS_BENCH_ROWS` and `FLOE_TS_BENCH_OUT`, generates that many flows
/// over 7 days into Arrow day partitions (once), timing the in-memory batch path on the
/// way, then times aggregating the dataset files; writes JSON. Without the variables it
/// checks on a small generation that streaming records and batches agree.
@Suite("SeriesAggregationBench")
struct SeriesAggregationBenchTests {
    static let config = SeriesConfig(servicePorts: [443, 53])

    @Test func aggregationBench() throws {
        let env = ProcessInfo.processInfo.environment
        let days = 7
        guard let dataset = env["FLOE_TS_BENCH_DATASET"], let out = env["FLOE_TS_BENCH_OUT"],
              let rows = Int(env["FLOE_TS_BENCH_ROWS"] ?? "") else {
            let generator = try FlowGenerator(config: GeneratorConfig(rows: 30_000, days: 2, seed: 5))
            let start = generator.config.startMillis, end = generator.config.endMillis
            let streamed = try SeriesAggregator(config: Self.config, startMillis: start, endMillis: end)
            generator.forEachRow { r, _, _ in streamed.add(r) }
            let batched = try SeriesAggregator(config: Self.config, startMillis: start, endMillis: end)
            batched.add(generator.makeBatch())
            let a = streamed.result(), b = batched.result()
            #expect(a.names == b.names)
            for name in a.names {
                let same = zip(a[name]!, b[name]!).allSatisfy { ($0.isNaN && $1.isNaN) || $0 == $1 }
                #expect(same, "\(name)")
            }
            #expect(streamed.rowsSeen == 30_000)
            return
        }
        let generator = try FlowGenerator(config: GeneratorConfig(rows: rows, days: days, seed: 1))
        let start = generator.config.startMillis, end = generator.config.endMillis
        let marker = dataset + "/.complete-\(rows)"
        var batchSeconds = 0.0
        let batched = try SeriesAggregator(config: Self.config, startMillis: start, endMillis: end)
        if !FileManager.default.fileExists(atPath: marker) {
            try? FileManager.default.removeItem(atPath: dataset)
            var batch = FlowBatch(capacity: 1 << 20)
            var day: Int64 = -1
            var part = 0
            func flush() throws {
                guard !batch.isEmpty else { return }
                let t = Date()
                batched.add(batch)
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
            _ = FileManager.default.createFile(atPath: marker, contents: nil)
        }
        var config = Self.config
        if let metrics = env["FLOE_TS_BENCH_METRICS"] {
            config.metrics = metrics.split(separator: ",").compactMap { SeriesConfig.Metric(rawValue: String($0)) }
        }
        let t = Date()
        let set = try FlowDatasetSeries.aggregate(dataset: try DatasetListing(root: dataset), startMillis: start, endMillis: end, config: config)
        let datasetSeconds = Date().timeIntervalSince(t)
        let total = set["total.flows"]!.reduce(0) { $0 + ($1.isNaN ? 0 : $1) }
        let result: [String: Any] = [
            "rows": rows, "days": days, "series": set.names.count, "flows_counted": total,
            "dataset_seconds": datasetSeconds, "batch_seconds": batchSeconds > 0 ? batchSeconds : datasetSeconds,
        ]
        try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]).write(to: URL(fileURLWithPath: out))
    }
}
