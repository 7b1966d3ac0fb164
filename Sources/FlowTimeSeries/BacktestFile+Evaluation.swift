import FlowForecasting
import Foundation
import FlowArtifacts
import FlowCore
import FlowDataset
import FlowIO

/// How floe-train fills `backtest.json` (`BacktestFile`, FlowArtifacts): the held-out
/// range, the rows' accuracy measures against seasonal naive, and each candidate
/// forecaster's fit and one-step forecasts.
extension BacktestFile {
    /// Held-out days for a training window of `days` days: `wanted`, at most a quarter of
    /// the window; 0 = no back-test.
    static func holdoutDays(wanted: Int, trainingDays: Int) -> Int { max(0, min(wanted, trainingDays / 4)) }

    /// The row of a model and its forecasts and interval on the held-out range (for the curves).
    static func path(series: String, model: String, values: [Double], range: Range<Int>, season: Int,
                     expected: [Double], lower: [Double], upper: [Double], seconds: Double) -> BacktestCurves.Path {
        BacktestCurves.Path(row: row(series: series, model: model, values: values, range: range, season: season,
                                     expected: expected, lower: lower, upper: upper, seconds: seconds),
                            expected: Array(expected[range]), lower: Array(lower[range]), upper: Array(upper[range]))
    }

    /// Accuracy of `expected` (and the interval) against `values` on `range`, scaled by
    /// seasonal naive on the fitted part.
    static func row(series: String, model: String, values: [Double], range: Range<Int>, season: Int,
                    expected: [Double], lower: [Double], upper: [Double], seconds: Double) -> BacktestRow {
        var absolute = 0.0, symmetric = 0.0, covered = 0, count = 0, naive = 0.0
        for t in range where values[t].isFinite && expected[t].isFinite {
            let y = values[t], e = expected[t]
            absolute += abs(y - e)
            symmetric += (abs(y) + abs(e)) > 0 ? 2 * abs(y - e) / (abs(y) + abs(e)) : 0
            if lower[t] <= y && y <= upper[t] { covered += 1 }
            if t >= season && values[t - season].isFinite { naive += abs(y - values[t - season]) }
            count += 1
        }
        var inSample = 0.0, inCount = 0
        for t in season..<range.lowerBound where values[t].isFinite && values[t - season].isFinite {
            inSample += abs(values[t] - values[t - season])
            inCount += 1
        }
        guard count > 0 else { return BacktestRow(series: series, model: model, forecasts: 0, fitSeconds: seconds, chosen: false, error: "no forecast") }
        let mae = absolute / Double(count)
        let scale = inCount > 0 ? inSample / Double(inCount) : .nan
        return BacktestRow(series: series, model: model, forecasts: count, mae: mae,
                   mase: scale > 0 ? mae / scale : nil, maeRatio: naive > 0 ? absolute / naive : nil,
                   smape: 100 * symmetric / Double(count), coverage: Double(covered) / Double(count),
                   fitSeconds: seconds, chosen: false, error: nil)
    }

    /// Seasonal naive: ŷₜ = yₜ₋ₛ, interval from the 0.1/0.9 quantiles of training errors.
    static func seasonalNaive(series: String, values: [Double], range: Range<Int>, season: Int) -> BacktestCurves.Path {
        let clock = ContinuousClock.now
        var errors: [Double] = []
        for t in season..<range.lowerBound where values[t].isFinite && values[t - season].isFinite {
            errors.append(values[t] - values[t - season])
        }
        errors.sortAscending()
        func q(_ p: Double) -> Double { errors.isEmpty ? 0 : errors[min(errors.count - 1, Int(p * Double(errors.count)))] }
        let lo = q(0.1), hi = q(0.9)
        var expected = [Double](repeating: .nan, count: values.count)
        var lower = expected, upper = expected
        for t in range where t >= season {
            expected[t] = values[t - season]
            lower[t] = values[t - season] + lo
            upper[t] = values[t - season] + hi
        }
        let seconds = elapsedSeconds(since: clock)
        return path(series: series, model: "seasonal_naive", values: values, range: range, season: season,
                    expected: expected, lower: lower, upper: upper, seconds: seconds)
    }

    /// Fits `choice` on `values[0..<range.lowerBound]` and scores its one-step forecasts on `range`.
    static func evaluate(_ choice: ForecasterChoice, series: String, values: [Double], range: Range<Int>, startMillis: Int64,
                         bucketMillis: Int64, season: Int, config: TimeSeriesModelConfig) -> BacktestCurves.Path {
        let clock = ContinuousClock.now
        do {
            let model = try SeriesForecastModel.train(name: series, values: Array(values[0..<range.lowerBound]),
                                                      startMillis: startMillis, bucketMillis: bucketMillis,
                                                      config: config, forecaster: choice)
            let seconds = elapsedSeconds(since: clock)
            let remainder = model.remainder(values, startMillis: startMillis, bucketMillis: bucketMillis)
            let (p, v) = model.oneStepPredictions(remainder, startMillis: startMillis, bucketMillis: bucketMillis)
            let z = NormalDistribution.quantile(0.5 + intervalLevel / 2)
            var expected = [Double](repeating: .nan, count: values.count)
            var lower = expected, upper = expected
            for t in range where p[t].isFinite && v[t].isFinite {
                let time = startMillis + Int64(t) * bucketMillis
                let base = model.baseline.value(at: time), spread = model.scale.value(at: time)
                let sd = max(v[t], 0).squareRoot()
                expected[t] = max(0, model.transform.invert(base + spread * p[t]))
                lower[t] = max(0, model.transform.invert(base + spread * (p[t] - z * sd)))
                upper[t] = max(0, model.transform.invert(base + spread * (p[t] + z * sd)))
            }
            return path(series: series, model: choice.rawValue, values: values, range: range, season: season,
                        expected: expected, lower: lower, upper: upper, seconds: seconds)
        } catch {
            let seconds = elapsedSeconds(since: clock)
            let none = [Double](repeating: .nan, count: range.count)
            return BacktestCurves.Path(row: BacktestRow(series: series, model: choice.rawValue, forecasts: 0, fitSeconds: seconds, chosen: false,
                                                error: "\(error)"),
                                       expected: none, lower: none, upper: none)
        }
    }
}

/// Wall seconds since `start`.
func elapsedSeconds(since start: ContinuousClock.Instant) -> Double {
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

extension TimeSeriesTrainer {
    /// Trains one model per series like `train(set:…)`, running the back-test first when
    /// `config.backtestDays` (default 7, at most a quarter of the window) allows: each
    /// series' configured forecaster (`forecasters[series]`, else `forecaster`, else
    /// `arima`) and seasonal naive are back-tested; `auto` back-tests ARIMA, LSTM and GRU
    /// and fits the one with the lowest MASE on the whole window.
    public static func trainWithBacktest(set: SeriesSet, seriesConfig: SeriesConfig,
                                         config: TimeSeriesModelConfig) throws -> (file: TimeSeriesModelFile, backtest: BacktestFile?) {
        try config.validate()
        let names = config.series.isEmpty ? set.names : config.series
        let perDay = Int(86_400_000 / set.bucketMillis)
        let days = set.count / max(perDay, 1)
        let holdoutDays = BacktestFile.holdoutDays(wanted: config.backtestDays ?? 7, trainingDays: days)
        let end = set.startMillis + Int64(set.count) * set.bucketMillis
        var report: BacktestFile?
        if holdoutDays > 0 {
            report = BacktestFile(bucketMillis: set.bucketMillis,
                                        training: .init(startMillis: set.startMillis, endMillis: end),
                                        holdout: .init(startMillis: end - Int64(holdoutDays * perDay) * set.bucketMillis, endMillis: end))
        }
        var models: [SeriesForecastModel] = []
        var skipped: [TimeSeriesModelFile.Skipped] = []
        for name in names {
            guard let values = set[name] else {
                skipped.append(.init(series: name, reason: "no such series in the aggregated data"))
                continue
            }
            let configured = config.forecaster(for: name)
            var choice = configured
            if report != nil {
                let range = (set.count - holdoutDays * perDay)..<set.count
                var paths = [BacktestFile.seasonalNaive(series: name, values: values, range: range, season: perDay)]
                let candidates: [ForecasterChoice] = configured == .auto ? [.arima, .lstm, .gru] : [configured]
                for c in candidates {
                    paths.append(BacktestFile.evaluate(c, series: name, values: values, range: range, startMillis: set.startMillis,
                                                             bucketMillis: set.bucketMillis, season: perDay, config: config))
                }
                if configured == .auto {
                    let fitted = paths.dropFirst().map(\.row).filter { $0.error == nil && $0.mase != nil }
                    choice = fitted.min { $0.mase! < $1.mase! }.flatMap { ForecasterChoice(rawValue: $0.model) } ?? .arima
                }
                for i in paths.indices where paths[i].row.model == choice.rawValue { paths[i].row.chosen = true }
                report?.rows += paths.map(\.row)
                report?.forecastsVsActuals.append(BacktestCurves.make(
                    series: name, startMillis: set.startMillis + Int64(range.lowerBound) * set.bucketMillis,
                    bucketMillis: set.bucketMillis, actual: Array(values[range]), paths: paths))
            } else if configured == .auto {
                choice = .arima
            }
            do {
                models.append(try SeriesForecastModel.train(name: name, values: values, startMillis: set.startMillis,
                                                            bucketMillis: set.bucketMillis, config: config, forecaster: choice))
            } catch {
                skipped.append(.init(series: name, reason: "\(error)"))
            }
        }
        let window = TimeSeriesModelFile.Window(startMillis: set.startMillis, endMillis: end)
        let file = TimeSeriesModelFile(bucketMillis: set.bucketMillis, training: window, seriesConfig: seriesConfig,
                                       modelConfig: config, models: models, skipped: skipped)
        return (file, report)
    }

    /// Aggregates `dataset` over the training window, back-tests and trains (floe-train's call).
    public static func trainWithBacktest(dataset: DatasetListing, startMillis: Int64, endMillis: Int64, seriesConfig: SeriesConfig,
                                         config: TimeSeriesModelConfig, coverage: SeriesCoverage? = nil)
        throws -> (file: TimeSeriesModelFile, backtest: BacktestFile?) {
        let set = try FlowDatasetSeries.aggregate(dataset: dataset, startMillis: startMillis, endMillis: endMillis,
                                                  config: seriesConfig, coverage: coverage)
        return try trainWithBacktest(set: set, seriesConfig: seriesConfig, config: config)
    }
}
