/// How series are modelled and scored (config section `timeseries.model`).
///
/// Keys: `series` (names to model; empty = every aggregated series), `transform`
/// (`log1p` or `none`), `baseline` (`profile`, `fourier`, `constant`), `order` (`auto`
/// or `{p,d,q}`), `auto` (search bounds), `arima_window` (buckets of the remainder the
/// ARIMA is fitted on: the most recent ones), `level` (prediction-interval level),
/// `mad_threshold`, `minimum_duration` and `merge_gap` (buckets), `sustained_metrics` and
/// `sustained_minutes` (spikes of these metrics must last longer), `max_censored`
/// (buckets), `minimum_change` (relative change in original units).
public struct TimeSeriesModelConfig: Sendable, Equatable, Codable {
    public enum Transform: String, Sendable, Codable {
        /// log(1 + x): multiplicative seasonality becomes additive and heavy-tailed
        /// volumes get near-constant variance.
        case log1p
        case none

        func apply(_ x: Double) -> Double { self == .log1p ? Foundation.log1p(max(x, 0)) : x }
        func invert(_ x: Double) -> Double { self == .log1p ? Foundation.expm1(x) : x }
    }

    public var series: [String]
    public var transform: Transform
    public var baseline: SeasonalBaseline.Kind
    /// nil = automatic order (stepwise by AICc).
    public var order: ARIMAOrder?
    public var auto: AutoARIMAOptions
    public var arimaWindow: Int
    public var level: Double
    public var madThreshold: Double
    public var minimumDuration: Int
    /// Metrics whose spikes must last longer than `sustained_minutes` (bytes, packets):
    /// one flow record can carry a large volume for up to the exporters' active timeout
    /// (30 min), so a shorter bytes/packets burst may be a single benign transfer. Flow
    /// and host counts cannot be moved by one flow and keep `minimum_duration`.
    public var sustainedMetrics: [String]
    public var sustainedMinutes: Int
    public var mergeGap: Int
    public var maxCensored: Int
    public var minimumChange: Double
    /// The forecaster of the remainder: `arima` (nil), `lstm`, `gru` or `auto` (back-test picks).
    public var forecaster: ForecasterChoice?
    /// Per-series forecaster, over `forecaster` (`{"total.bytes": "lstm"}`).
    public var forecasters: [String: ForecasterChoice]?
    /// Settings of the LSTM/GRU forecasters (nil = defaults).
    public var neural: NeuralForecastConfig?
    /// Days held out at the end of the training window for the back-test (nil = 7; at most
    /// a quarter of the window; 0 = no back-test).
    public var backtestDays: Int?

    /// The forecaster of `series`.
    public func forecaster(for series: String) -> ForecasterChoice {
        forecasters?[series] ?? forecaster ?? .arima
    }

    public init(series: [String] = [], transform: Transform = .log1p, baseline: SeasonalBaseline.Kind = .profile,
                order: ARIMAOrder? = nil, auto: AutoARIMAOptions = AutoARIMAOptions(), arimaWindow: Int = 4_320,
                level: Double = 0.9999, madThreshold: Double = 5, minimumDuration: Int = 3,
                sustainedMetrics: [String] = ["bytes", "packets"], sustainedMinutes: Int = 31, mergeGap: Int = 2,
                maxCensored: Int = 360, minimumChange: Double = 0.5) {
        self.series = series
        self.transform = transform
        self.baseline = baseline
        self.order = order
        self.auto = auto
        self.arimaWindow = arimaWindow
        self.level = level
        self.madThreshold = madThreshold
        self.minimumDuration = minimumDuration
        self.sustainedMetrics = sustainedMetrics
        self.sustainedMinutes = sustainedMinutes
        self.mergeGap = mergeGap
        self.maxCensored = maxCensored
        self.minimumChange = minimumChange
    }

    public func validate() throws {
        func bad(_ key: String, _ value: String, _ why: String) -> TimeSeriesError {
            .invalidConfiguration(key: key, value: value, reason: why)
        }
        if !(level > 0.5 && level < 1) { throw bad("level", "\(level)", "must be between 0.5 and 1 (e.g. 0.999)") }
        if !(madThreshold >= 0) { throw bad("mad_threshold", "\(madThreshold)", "must be ≥ 0") }
        if minimumDuration < 1 { throw bad("minimum_duration", "\(minimumDuration)", "must be ≥ 1 bucket") }
        if sustainedMinutes < 0 { throw bad("sustained_minutes", "\(sustainedMinutes)", "must be ≥ 0") }
        if mergeGap < 0 { throw bad("merge_gap", "\(mergeGap)", "must be ≥ 0") }
        if arimaWindow < 50 { throw bad("arima_window", "\(arimaWindow)", "must be ≥ 50 buckets") }
        if maxCensored < 0 { throw bad("max_censored", "\(maxCensored)", "must be ≥ 0") }
        if !(minimumChange >= 0) { throw bad("minimum_change", "\(minimumChange)", "must be ≥ 0") }
        try order?.validate()
        try neural?.validate()
        if let d = backtestDays, d < 0 { throw bad("backtest_days", "\(d)", "must be ≥ 0 (0 = no back-test)") }
    }

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case series, transform, baseline, order, auto, level
        case arimaWindow = "arima_window"
        case madThreshold = "mad_threshold"
        case minimumDuration = "minimum_duration"
        case sustainedMetrics = "sustained_metrics"
        case sustainedMinutes = "sustained_minutes"
        case mergeGap = "merge_gap"
        case maxCensored = "max_censored"
        case minimumChange = "minimum_change"
        case forecaster, forecasters, neural
        case backtestDays = "backtest_days"
    }
}

import FlowForecasting
import Foundation
