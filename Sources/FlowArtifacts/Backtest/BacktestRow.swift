/// One row of `MODELS/backtest.json`: how one forecaster did on one series' held-out
/// buckets. floe-train writes it in `BacktestFile`'s rows and the report reads
/// it with the same type. Reading is tolerant: measures written as text (`"nan"`, `"inf"`:
/// the file keeps non-finite values as text) or missing read as absent, a missing count as
/// 0 and a missing `chosen` as false; unknown fields are ignored.
public struct BacktestRow: Codable, Sendable, Equatable {
    public var series: String
    public var model: String
    public var forecasts: Int
    public var mae: Double?
    /// MAE / the in-sample MAE of seasonal naive on the fitted days.
    public var mase: Double?
    /// MAE / seasonal naive's MAE on the same held-out buckets.
    public var maeRatio: Double?
    /// Symmetric MAPE, percent.
    public var smape: Double?
    /// Share of actuals inside the central interval.
    public var coverage: Double?
    /// Wall time of the fit (not deterministic).
    public var fitSeconds: Double
    /// The forecaster that scores this series (the configured one, or `auto`'s pick).
    public var chosen: Bool
    public var error: String?

    enum CodingKeys: String, CodingKey {
        case series, model, forecasts, mae, mase, smape, coverage, chosen, error
        case maeRatio = "mae_ratio"
        case fitSeconds = "fit_seconds"
    }

    public init(series: String, model: String, forecasts: Int, mae: Double? = nil, mase: Double? = nil, maeRatio: Double? = nil,
                smape: Double? = nil, coverage: Double? = nil, fitSeconds: Double, chosen: Bool, error: String? = nil) {
        self.series = series
        self.model = model
        self.forecasts = forecasts
        self.mae = mae
        self.mase = mase
        self.maeRatio = maeRatio
        self.smape = smape
        self.coverage = coverage
        self.fitSeconds = fitSeconds
        self.chosen = chosen
        self.error = error
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func number(_ key: CodingKeys) -> Double? { (try? c.decodeIfPresent(Double.self, forKey: key)) ?? nil }
        series = try c.decode(String.self, forKey: .series)
        model = try c.decode(String.self, forKey: .model)
        forecasts = (try? c.decode(Int.self, forKey: .forecasts)) ?? 0
        mae = number(.mae)
        mase = number(.mase)
        maeRatio = number(.maeRatio)
        smape = number(.smape)
        coverage = number(.coverage)
        fitSeconds = number(.fitSeconds) ?? 0
        chosen = (try? c.decode(Bool.self, forKey: .chosen)) ?? false
        error = try? c.decodeIfPresent(String.self, forKey: .error)
    }
}
