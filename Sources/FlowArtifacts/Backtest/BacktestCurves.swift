/// One series' held-out actuals and the one-step forecasts of a few of its back-tested models:
/// `backtest.json`'s `forecasts_vs_actuals` (written by floe-train's back-test, drawn by the
/// report's "Model checks"). Point i starts at `start_ms + i · step_ms` and is the mean of
/// `buckets_per_point` consecutive buckets' known values; `null` when none was known.
///
/// Reading is tolerant: a number written as text (`"nan"`, `"inf"`) reads as an absent point.
public struct BacktestCurves: Codable, Sendable, Equatable {
    /// One model's forecasts over the held-out points.
    public struct Forecast: Codable, Sendable, Equatable {
        public var model: String
        /// The forecaster that scores the series (the configured one or `auto`'s pick).
        public var chosen: Bool
        public var values: [Double?]
        /// The central `interval_level` interval's bounds: the chosen model's only.
        public var lower: [Double?]?
        public var upper: [Double?]?

        enum CodingKeys: String, CodingKey { case model, chosen, values, lower, upper }

        public init(model: String, chosen: Bool, values: [Double?], lower: [Double?]? = nil, upper: [Double?]? = nil) {
            self.model = model
            self.chosen = chosen
            self.values = values
            self.lower = lower
            self.upper = upper
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            model = try c.decode(String.self, forKey: .model)
            chosen = (try? c.decode(Bool.self, forKey: .chosen)) ?? false
            values = try c.decode([LenientNumber].self, forKey: .values).map(\.value)
            lower = (try? c.decodeIfPresent([LenientNumber].self, forKey: .lower))??.map(\.value)
            upper = (try? c.decodeIfPresent([LenientNumber].self, forKey: .upper))??.map(\.value)
        }
    }

    public var series: String
    /// The first held-out bucket's start (UTC ms).
    public var startMillis: Int64
    /// A point's width: the bucket width × `bucketsPerPoint`.
    public var stepMillis: Int64
    public var bucketsPerPoint: Int
    public var actual: [Double?]
    public var forecasts: [Forecast]

    enum CodingKeys: String, CodingKey {
        case series, actual, forecasts
        case startMillis = "start_ms"
        case stepMillis = "step_ms"
        case bucketsPerPoint = "buckets_per_point"
    }

    public init(series: String, startMillis: Int64, stepMillis: Int64, bucketsPerPoint: Int, actual: [Double?], forecasts: [Forecast]) {
        self.series = series
        self.startMillis = startMillis
        self.stepMillis = stepMillis
        self.bucketsPerPoint = bucketsPerPoint
        self.actual = actual
        self.forecasts = forecasts
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        series = try c.decode(String.self, forKey: .series)
        startMillis = try c.decode(Int64.self, forKey: .startMillis)
        stepMillis = try c.decode(Int64.self, forKey: .stepMillis)
        guard stepMillis > 0 else {
            throw DecodingError.dataCorruptedError(forKey: .stepMillis, in: c, debugDescription: "step_ms must be positive")
        }
        bucketsPerPoint = (try? c.decode(Int.self, forKey: .bucketsPerPoint)) ?? 1
        actual = try c.decode([LenientNumber].self, forKey: .actual).map(\.value)
        forecasts = try c.decode([Forecast].self, forKey: .forecasts)
    }
}

/// A point of a curve: a JSON number, or null / a text (`"nan"`) read as absent.
struct LenientNumber: Decodable {
    var value: Double?

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let v = try? c.decode(Double.self), v.isFinite { value = v } else { value = nil }
    }
}
