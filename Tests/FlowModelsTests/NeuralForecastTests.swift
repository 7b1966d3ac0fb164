import Foundation
import Testing
@testable import FlowFeatures
@testable import FlowModels
@testable import FlowForecasting
@testable import FlowTimeSeries
import FlowNeural
import FlowIO

/// LSTM/GRU forecasters of the traffic series: back-test, `auto`, the detector, model files.
@Suite("Neural forecasters")
struct NeuralForecastTests {
    static let bucket: Int64 = 300_000
    static let perDay = 288
    /// 2026-11-02 (a Monday).
    static let start: Int64 = 20_394 * 86_400_000

    /// A daily cycle with quieter weekends and AR(1) noise on the log scale (5-min buckets).
    static func series(days: Int, seed: UInt64, spike: Range<Int>? = nil) -> [Double] {
        var noise = SeriesNoise(seed: seed)
        var ar = 0.0
        return (0..<(days * perDay)).map { i in
            let day = Double(i % perDay) / Double(perDay)
            let weekday = (i / perDay) % 7
            ar = 0.7 * ar + 0.12 * noise.gaussian()
            var v = 400 * (1.6 + sin(2 * .pi * (day - 0.3))) * (weekday >= 5 ? 0.6 : 1) * exp(ar)
            if let spike, spike.contains(i) { v *= 8 }
            return v.rounded()
        }
    }

    static func set(_ values: [Double], name: String = "total.flows") -> SeriesSet {
        var s = SeriesSet(startMillis: start, bucketMillis: bucket, count: values.count)
        s.add(name, values)
        return s
    }

    static func config(_ forecaster: ForecasterChoice, backtestDays: Int = 0) -> TimeSeriesModelConfig {
        var c = TimeSeriesModelConfig(series: ["total.flows"], order: ARIMAOrder(p: 1, d: 0, q: 0), arimaWindow: 1_440)
        c.forecaster = forecaster
        c.neural = NeuralForecastConfig(lookback: 24, hidden: 8, horizons: 3, epochs: 4, batchSize: 64, maxWindows: 1_200)
        c.backtestDays = backtestDays
        return c
    }

    @Test func autoBacktestsEveryForecasterAndPicksTheLowestMASE() throws {
        let values = Self.series(days: 9, seed: 3)
        let (file, report) = try TimeSeriesTrainer.trainWithBacktest(set: Self.set(values), seriesConfig: SeriesConfig(),
                                                                     config: Self.config(.auto, backtestDays: 2))
        let backtest = try #require(report)
        #expect(backtest.holdout.endMillis - backtest.holdout.startMillis == 2 * 86_400_000)
        #expect(backtest.rows.map(\.model) == ["seasonal_naive", "arima", "lstm", "gru"])
        for row in backtest.rows {
            #expect(row.error == nil, "\(row.model): \(row.error ?? "")")
            #expect(row.forecasts == 2 * Self.perDay - (row.model == "seasonal_naive" ? 0 : 0))
            #expect((row.mase ?? .nan).isFinite && (row.smape ?? .nan).isFinite)
            #expect((0...1).contains(row.coverage ?? -1))
        }
        let naive = backtest.rows[0]
        #expect(abs((naive.maeRatio ?? 0) - 1) < 1e-9)
        let models = backtest.rows.dropFirst()
        let chosen = try #require(models.first { $0.chosen })
        #expect(backtest.rows.filter(\.chosen).count == 1)
        #expect(chosen.mase == models.compactMap(\.mase).min())
        // Every model forecasts from the seasonal baseline and today's level: better than yesterday's value.
        for m in models { #expect(m.mase! < naive.mase!, "\(m.model) MASE \(m.mase!) vs seasonal naive \(naive.mase!)") }
        let model = try #require(file.models.first)
        #expect((model.neural?.kind.rawValue ?? "arima") == chosen.model)
        let json = String(decoding: try backtest.jsonBytes(), as: UTF8.self)
        #expect(json.contains("\"format\" : \"floe-backtest\"") && json.contains("\"fit_seconds\""))
    }

    @Test func theLSTMFeedsTheVolumeDetector() throws {
        let days = 8
        let training = Self.series(days: days, seed: 5)
        let file = try TimeSeriesTrainer.train(set: Self.set(training), seriesConfig: SeriesConfig(), config: Self.config(.lstm))
        let model = try #require(file.models.first)
        #expect(model.neural?.kind == .lstm)
        #expect(model.forecasterLabel == "lstm(lookback 24)")
        // Two more days, the second with a 1-hour, 8-fold flood at 14:00.
        let spikeStart = (days + 1) * Self.perDay + 14 * 12
        let scored = Self.series(days: days + 2, seed: 5, spike: spikeStart..<(spikeStart + 12))
        let set = Self.set(Array(scored))
        let records = try TimeSeriesScorer.score(file, set: set, scoreStart: Self.start + Int64(days) * 86_400_000)
        let spikes = records.filter { $0.kind == "volume_spike" }
        let spikeMillis = Self.start + Int64(spikeStart) * Self.bucket
        #expect(spikes.contains { $0.start <= spikeMillis + 2 * Self.bucket && $0.end >= spikeMillis + 10 * Self.bucket },
                "\(records.map { ($0.kind, $0.start, $0.end) })")
        // Nothing else flagged on the clean day before.
        let clean = try TimeSeriesScorer.score(file, set: Self.set(Self.series(days: days + 2, seed: 5)),
                                               scoreStart: Self.start + Int64(days) * 86_400_000)
        #expect(clean.filter { $0.kind.hasPrefix("volume") }.isEmpty, "\(clean.map { ($0.kind, $0.start) })")
    }

    @Test func modelFilesWithANetworkAreDeterministicAndRoundTrip() throws {
        let values = Self.series(days: 5, seed: 7)
        let a = try TimeSeriesTrainer.train(set: Self.set(values), seriesConfig: SeriesConfig(), config: Self.config(.gru))
        let b = try TimeSeriesTrainer.train(set: Self.set(values), seriesConfig: SeriesConfig(), config: Self.config(.gru))
        let bytes = try a.jsonBytes()
        #expect(bytes == (try b.jsonBytes()))
        let back = try TimeSeriesModelFile.decode(bytes, path: "timeseries.json")
        let m0 = try #require(a.models.first), m1 = try #require(back.models.first)
        #expect(m1.neural?.kind == .gru)
        let r = m0.remainder(values, startMillis: Self.start, bucketMillis: Self.bucket)
        let p0 = m0.oneStepPredictions(r, startMillis: Self.start, bucketMillis: Self.bucket).predictions
        let p1 = m1.oneStepPredictions(r, startMillis: Self.start, bucketMillis: Self.bucket).predictions
        #expect(p0.elementsEqual(p1) { $0 == $1 || ($0.isNaN && $1.isNaN) })
        #expect(p0[..<24].allSatisfy(\.isNaN) && p0[24...].allSatisfy(\.isFinite))
        // An ARIMA-only file (as written before neural forecasters existed) still reads.
        let old = try TimeSeriesTrainer.train(set: Self.set(values), seriesConfig: SeriesConfig(), config: Self.config(.arima))
        let oldModel = try #require(old.models.first)
        #expect(!String(decoding: try StableJSON.encode(oldModel), as: UTF8.self).contains("\"neural\""))
        #expect(try TimeSeriesModelFile.decode(try old.jsonBytes(), path: "t").models.first?.neural == nil)
    }

    @Test func censoredBucketsAreReplacedByTheForecast() throws {
        let values = Self.series(days: 5, seed: 9)
        let file = try TimeSeriesTrainer.train(set: Self.set(values), seriesConfig: SeriesConfig(), config: Self.config(.lstm))
        let model = try #require(file.models.first)
        var r = model.remainder(values, startMillis: Self.start, bucketMillis: Self.bucket)
        let plain = model.oneStepPredictions(r, startMillis: Self.start, bucketMillis: Self.bucket).predictions
        // Censoring bucket 100 must give the same later predictions as the bucket being missing
        // and differ from seeing its (huge) value.
        r[100] = 50
        let seen = model.oneStepPredictions(r, startMillis: Self.start, bucketMillis: Self.bucket).predictions
        let censored = model.oneStepPredictions(r, startMillis: Self.start, bucketMillis: Self.bucket) { t, _, _ in t == 100 }.predictions
        r[100] = .nan
        let missing = model.oneStepPredictions(r, startMillis: Self.start, bucketMillis: Self.bucket).predictions
        #expect(seen[101] != plain[101])
        #expect(censored[101] == missing[101] && censored[130] == missing[130])
        #expect(censored[..<101].elementsEqual(plain[..<101]) { $0 == $1 || ($0.isNaN && $1.isNaN) })
    }

    @Test func configKeys() throws {
        let json = #"{"timeseries": {"model": {"forecaster": "auto", "forecasters": {"total.bytes": "gru"}, "neural": {"hidden": 16}, "backtest_days": 3}}}"#
        let s = try TimeSeriesSection.decode(sectionJSON: Data(json.utf8), internalNetworks: [], source: "t")
        #expect(s.model.forecaster(for: "total.bytes") == .gru)
        #expect(s.model.forecaster(for: "total.flows") == .auto)
        #expect(s.model.neural?.hidden == 16 && s.model.neural?.lookback == 48)
        #expect(s.model.backtestDays == 3)
        #expect(TimeSeriesModelConfig().forecaster(for: "x") == .arima)
        for bad in [#"{"forecaster": "transformer"}"#, #"{"neural": {"hidden": 0}}"#, #"{"backtest_days": -1}"#] {
            #expect(throws: FlowModelsError.self, "\(bad)") {
                try TimeSeriesSection.decode(sectionJSON: Data(#"{"timeseries": {"model": \#(bad)}}"#.utf8), internalNetworks: [], source: "t")
            }
        }
    }
}
