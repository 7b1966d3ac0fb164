import FlowArtifacts
import Foundation
import Testing
@testable import FlowTimeSeries

/// `backtest.json`'s held-out forecasts and actuals (`BacktestCurves`): which models, how
/// points are grouped, absent values, and what the back-test writes.
@Suite struct BacktestCurvesTests {
    static func path(_ model: String, mase: Double?, chosen: Bool = false, error: String? = nil, _ expected: [Double],
                     width: Double = 0) -> BacktestCurves.Path {
        let row = BacktestRow(series: "s", model: model, forecasts: error == nil ? expected.count : 0, mae: nil, mase: mase,
                                         maeRatio: nil, smape: nil, coverage: nil, fitSeconds: 0, chosen: chosen, error: error)
        return BacktestCurves.Path(row: row, expected: expected, lower: expected.map { $0 - width }, upper: expected.map { $0 + width })
    }

    @Test func theChosenModelSeasonalNaiveAndTheBestOtherAreKept() {
        let actual = [10.0, 20, 30, 40]
        let paths = [
            Self.path("seasonal_naive", mase: 1.5, [9, 19, 29, 39]),
            Self.path("arima", mase: 0.6, [11, 21, 31, 41]),
            Self.path("lstm", mase: 0.5, chosen: true, [10.5, 20.5, 30.5, 40.5], width: 2),
            Self.path("gru", mase: 0.55, [12, 22, 32, 42]),
        ]
        let c = BacktestCurves.make(series: "total.flows", startMillis: 1_000, bucketMillis: 300_000, actual: actual, paths: paths)
        #expect(c.forecasts.map(\.model) == ["lstm", "seasonal_naive", "gru"])
        #expect(c.forecasts.map(\.chosen) == [true, false, false])
        #expect(c.bucketsPerPoint == 1 && c.stepMillis == 300_000 && c.startMillis == 1_000)
        #expect(c.actual == [10, 20, 30, 40])
        #expect(c.forecasts[0].values == [10.5, 20.5, 30.5, 40.5])
        #expect(c.forecasts[0].lower == [8.5, 18.5, 28.5, 38.5] && c.forecasts[0].upper == [12.5, 22.5, 32.5, 42.5])
        #expect(c.forecasts[1].lower == nil && c.forecasts[2].upper == nil)
        // A failed fit has no curve; without another model only naive is kept beside the chosen.
        let failed = BacktestCurves.make(series: "s", startMillis: 0, bucketMillis: 1, actual: actual, paths: [
            paths[0], Self.path("arima", mase: nil, chosen: true, error: "too short", [.nan, .nan, .nan, .nan]),
            Self.path("gru", mase: nil, error: "diverged", [.nan, .nan, .nan, .nan]),
        ])
        #expect(failed.forecasts.map(\.model) == ["seasonal_naive"])
    }

    @Test func longPeriodsBecomeMeansOfGroupsOfBucketsWithAbsentValuesLeftOut() {
        // 7 days of 5-minute buckets: groups of 6 (half-hour means), 336 points.
        let n = 7 * 288
        var actual = (0..<n).map { Double($0) }
        for t in 12..<18 { actual[t] = .nan }  // point 2 has no known actual
        actual[24] = .nan                       // point 4: the mean of the other five
        let forecast = (0..<n).map { Double($0) + 1 }
        let c = BacktestCurves.make(series: "total.bytes", startMillis: 0, bucketMillis: 300_000, actual: actual,
                                    paths: [Self.path("arima", mase: 0.4, chosen: true, forecast, width: 1)])
        #expect(c.bucketsPerPoint == 6 && c.stepMillis == 1_800_000)
        #expect(c.actual.count == 336 && c.forecasts[0].values.count == 336 && c.forecasts[0].lower?.count == 336)
        #expect(c.actual[0] == 2.5 && c.actual[1] == 8.5 && c.actual[2] == nil && c.actual[4] == 27)
        #expect(c.forecasts[0].values[0] == 3.5 && c.forecasts[0].lower?[0] == 2.5 && c.forecasts[0].upper?[0] == 4.5)
        #expect(c.actual.count <= BacktestCurves.maxPoints)
        // A period that does not divide evenly: the last point is the mean of what is left.
        let odd = BacktestCurves.make(series: "s", startMillis: 0, bucketMillis: 1, actual: [1, 2, 3, 4, 5], paths: [], maxPoints: 2)
        #expect(odd.bucketsPerPoint == 3 && odd.actual == [2, 4.5])
    }

    @Test func valuesKeepSixSignificantDigits() {
        #expect(BacktestCurves.significant(1_234_567_891) == 1_234_570_000)
        #expect(BacktestCurves.significant(0.000123456789) == 0.000123457)
        #expect(BacktestCurves.significant(-98.7654321) == -98.7654)
        #expect(BacktestCurves.significant(0) == 0)
    }

    @Test func theBacktestWritesOneCurveSetPerSeriesAndOldFilesStillRead() throws {
        let values = NeuralForecastTests.series(days: 9, seed: 3)
        var config = NeuralForecastTests.config(.arima, backtestDays: 2)
        config.series = ["total.flows"]
        let (_, report) = try TimeSeriesTrainer.trainWithBacktest(set: NeuralForecastTests.set(values), seriesConfig: SeriesConfig(),
                                                                  config: config)
        let backtest = try #require(report)
        let curves = backtest.forecastsVsActuals
        #expect(curves.map(\.series) == ["total.flows"])
        let c = curves[0]
        // 2 held-out days of 5-minute buckets: 576 buckets, groups of 2.
        #expect(c.startMillis == backtest.holdout.startMillis && c.bucketsPerPoint == 2 && c.actual.count == 288)
        let first = values.count - 2 * NeuralForecastTests.perDay
        #expect(c.actual[0] == BacktestCurves.significant((values[first] + values[first + 1]) / 2))
        #expect(c.forecasts.map(\.model) == ["arima", "seasonal_naive"])
        #expect(c.forecasts[0].chosen && c.forecasts[0].lower?.count == 288 && c.forecasts[0].values.allSatisfy { $0 != nil })
        // Seasonal naive's curve is yesterday's actuals.
        let day = NeuralForecastTests.perDay
        #expect(c.forecasts[1].values[0] == BacktestCurves.significant((values[first - day] + values[first - day + 1]) / 2))
        // The JSON carries them, and reads back; a file written before them reads without.
        let bytes = try backtest.jsonBytes()
        #expect(String(decoding: bytes, as: UTF8.self).contains("\"forecasts_vs_actuals\""))
        let decoded = try JSONDecoder().decode(BacktestFile.self, from: Data(bytes))
        #expect(decoded.forecastsVsActuals == curves && decoded.rows == backtest.rows)
        var old = try #require(JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        old["forecasts_vs_actuals"] = nil
        let oldFile = try JSONDecoder().decode(BacktestFile.self, from: JSONSerialization.data(withJSONObject: old))
        #expect(oldFile.forecastsVsActuals.isEmpty && oldFile.rows == backtest.rows)
    }
}
