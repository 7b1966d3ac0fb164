import Foundation
import Testing
@testable import FlowModels
@testable import FlowForecasting
@testable import FlowTimeSeries

@Suite("Time-series model file and detector")
struct TimeSeriesModelFileTests {
    /// Three weeks of a daily-seasonal one-minute series with a flood on the last day.
    func syntheticSet() -> (SeriesSet, floodStart: Int) {
        let days = 8, n = days * 1440
        var noise = SeriesNoise(seed: 4)
        var values = [Double](repeating: 0, count: n)
        var ar = 0.0
        for i in 0..<n {
            let minute = Double(i % 1440)
            let daily = 0.1 + exp(-pow((minute - 630) / 150, 2)) + 0.8 * exp(-pow((minute - 900) / 130, 2))
            ar = 0.5 * ar + 0.05 * noise.gaussian()
            values[i] = 1000 * daily * exp(ar)
        }
        let flood = 7 * 1440 + 840
        for i in flood..<(flood + 6) { values[i] *= 40 }
        var set = SeriesSet(startMillis: 0, bucketMillis: 60_000, count: n)
        set.add("total.flows", values)
        return (set, flood)
    }

    @Test func trainsScoresAndRoundTrips() throws {
        let (set, flood) = syntheticSet()
        let config = TimeSeriesModelConfig(order: ARIMAOrder(p: 1, d: 0, q: 0))
        let file = try TimeSeriesTrainer.train(set: set, seriesConfig: SeriesConfig(), config: config)
        #expect(file.models.count == 1 && file.skipped.isEmpty)
        let model = file.models[0]
        #expect(model.baseline.kind == .profile)
        #expect(abs(model.arima.coefficients.ar[0] - 0.5) < 0.1)
        let records = try TimeSeriesScorer.score(file, set: set, scoreStart: 7 * 86_400_000)
        #expect(records.count == 1)
        let r = try #require(records.first)
        #expect(r.kind == "volume_spike" && r.entity == "total.flows")
        #expect(r.start == Int64(flood) * 60_000 && r.end == Int64(flood + 6) * 60_000)
        #expect(r.evidence.contains("expected"))

        let bytes = try file.jsonBytes()
        let back = try TimeSeriesModelFile.decode(bytes, path: "m.json")
        #expect(back.models[0].arima == model.arima)
        #expect(back.models[0].fingerprint.hasPrefix("xxh64:"))
        let again = try TimeSeriesScorer.score(back, set: set, scoreStart: 7 * 86_400_000)
        #expect(again == records)
    }

    @Test func refusesOtherVersions() throws {
        let (set, _) = syntheticSet()
        let file = try TimeSeriesTrainer.train(set: set, seriesConfig: SeriesConfig(),
                                               config: TimeSeriesModelConfig(order: ARIMAOrder(p: 1, d: 0, q: 0)))
        var text = String(decoding: try file.jsonBytes(), as: UTF8.self)
        text = text.replacingOccurrences(of: "\"version\" : 1", with: "\"version\" : 2")
        #expect(throws: TimeSeriesError.modelFile(path: "m.json", reason: "model file version 2 is not supported (this floe reads version 1); retrain with floe-train")) {
            try TimeSeriesModelFile.decode(Array(text.utf8), path: "m.json")
        }
        #expect(throws: TimeSeriesError.self) { try TimeSeriesModelFile.decode(Array("{\"format\":\"x\"}".utf8), path: "m.json") }
        #expect(throws: TimeSeriesError.self) { try TimeSeriesModelFile.decode(Array("nope".utf8), path: "m.json") }
    }

    @Test func autoOrderRecordsCandidates() throws {
        let order = ARIMAOrder(p: 1, d: 0, q: 1)
        let y = simulateARIMA(order: order, coefficients: ARIMACoefficients(mean: 5, ar: [0.7], ma: [0.4], variance: 1), count: 800, seed: 8)
        let result = try AutoARIMA.fit(y)
        #expect(result.candidates.count >= 4)
        #expect(result.model.order.d == 0)
        let best = result.candidates.compactMap(\.aicc).min()!
        #expect(abs(result.model.aicc - best) < 1e-9)
        // A random walk is differenced.
        var noise = SeriesNoise(seed: 2)
        var walk = [0.0]
        for _ in 0..<500 { walk.append(walk.last! + noise.gaussian()) }
        #expect(SeasonalityTests.kpssDifferences(walk, maxD: 2) >= 1)
    }
}
