import Testing
import FlowGenerate
@testable import FlowTimeSeries

/// Aggregating records one by one and as batches gives the same series (the batch path is
/// the one `floe-dev bench-aggregation` times).
@Suite("Series aggregation: records and batches")
struct SeriesAggregationBatchTests {
    @Test func streamedRecordsAndBatchesAgree() throws {
        let config = SeriesConfig(servicePorts: [443, 53])
        let generator = try FlowGenerator(config: GeneratorConfig(rows: 30_000, days: 2, seed: 5))
        let start = generator.config.startMillis, end = generator.config.endMillis
        let streamed = try SeriesAggregator(config: config, startMillis: start, endMillis: end)
        generator.forEachRow { r, _, _ in streamed.add(r) }
        let batched = try SeriesAggregator(config: config, startMillis: start, endMillis: end)
        batched.add(generator.makeBatch())
        let a = streamed.result(), b = batched.result()
        #expect(a.names == b.names)
        for name in a.names {
            let same = zip(a[name]!, b[name]!).allSatisfy { ($0.isNaN && $1.isNaN) || $0 == $1 }
            #expect(same, "\(name)")
        }
        #expect(streamed.rowsSeen == 30_000)
    }
}
