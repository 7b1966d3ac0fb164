import FlowIO
import Foundation

/// `MODELS/backtest.json`, the forecasters' back-test: floe-train writes it beside
/// `timeseries.json` (FlowTimeSeries evaluates the forecasters into it) and the report reads
/// it with this type. The last days of the training window are held out, every candidate
/// forecaster is fitted on the days before them and forecasts each held-out bucket one step
/// ahead (actuals known up to the previous bucket — the forecast the volume detector uses).
/// Seasonal naive (the value one day earlier) is always a row, so a model that cannot beat
/// it says so.
///
/// Per row (`BacktestRow`): `mase` = MAE / the in-sample MAE of seasonal naive on the fitted
/// days (< 1 beats naive's usual error), `mae_ratio` = MAE / seasonal naive's MAE on the same
/// held-out buckets, `smape` (percent, 2|y − ŷ|/(|y| + |ŷ|), 0 when both are 0), `coverage`
/// of the central 80 % interval (ARIMA: mean ± 1.2816 sd; neural: its 0.1 and 0.9 quantile
/// heads via the same sd; seasonal naive: the 0.1 and 0.9 quantiles of its training
/// errors), and `fit_seconds` (wall time; not deterministic, which is why this is not in the
/// model file). `forecasts_vs_actuals` (`BacktestCurves`, one per series) keeps the held-out
/// actuals and the chosen model's, seasonal naive's and the best other model's forecasts
/// for a chart.
///
/// Reading is tolerant of what came later: a file without `forecasts_vs_actuals` (or with
/// curves this floe cannot read) has none and its rows still read; a missing or impossible
/// `interval_level` reads as 0.8. Every other field has been in the file from the start.
public struct BacktestFile: Codable, Sendable, Equatable {
    public static let format = "floe-backtest"
    public static let version = 1
    /// The level of the central intervals the rows' coverage and the curves' bands use.
    public static let intervalLevel = 0.8
    public static let fileName = "backtest.json"

    public var format = Self.format
    public var version = Self.version
    public var bucketMillis: Int64
    public var training: TimeWindow
    public var holdout: TimeWindow
    public var intervalLevel = Self.intervalLevel
    public var forecast = "one step ahead"
    public var rows: [BacktestRow] = []
    public var skipped: [SkippedSeries] = []
    /// Per series, the held-out actuals and forecasts (empty in files written before them).
    public var forecastsVsActuals: [BacktestCurves] = []

    enum CodingKeys: String, CodingKey {
        case format, version, training, holdout, forecast, rows, skipped
        case bucketMillis = "bucket_ms"
        case intervalLevel = "interval_level"
        case forecastsVsActuals = "forecasts_vs_actuals"
    }

    public init(bucketMillis: Int64, training: TimeWindow, holdout: TimeWindow) {
        self.bucketMillis = bucketMillis
        self.training = training
        self.holdout = holdout
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        (format, version) = try c.decodeFileHeader(format: .format, expected: Self.format, what: "a back-test file",
                                                   version: .version, newest: Self.version)
        bucketMillis = try c.decode(Int64.self, forKey: .bucketMillis)
        training = try c.decode(TimeWindow.self, forKey: .training)
        holdout = try c.decode(TimeWindow.self, forKey: .holdout)
        forecast = try c.decode(String.self, forKey: .forecast)
        rows = try c.decode([BacktestRow].self, forKey: .rows)
        skipped = try c.decode([SkippedSeries].self, forKey: .skipped)
        forecastsVsActuals = ((try? c.decodeIfPresent([BacktestCurves].self, forKey: .forecastsVsActuals)) ?? nil) ?? []
        let level = (try? c.decodeIfPresent(Double.self, forKey: .intervalLevel)) ?? nil
        intervalLevel = level.flatMap { $0 > 0 && $0 < 1 ? $0 : nil } ?? Self.intervalLevel
    }

    /// Sorted-key JSON, non-finite numbers as text.
    public func jsonBytes() throws -> [UInt8] { try StableJSON.encode(self, nonFiniteAsText: true) }
}
