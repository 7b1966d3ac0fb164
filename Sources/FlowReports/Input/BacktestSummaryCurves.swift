extension BacktestSummary {
    /// One series' held-out actuals and a few models' one-step forecasts
    /// (`backtest.json`'s `forecasts_vs_actuals`; floe-train's `BacktestCurves`): point i
    /// starts at `start_ms + i · step_ms` and is the mean of `buckets_per_point` buckets.
    public struct Curves: Decodable, Sendable, Equatable {
        public struct Forecast: Decodable, Sendable, Equatable {
            public var model: String
            public var chosen: Bool
            public var values: [Double?]
            /// The chosen model's central interval (`interval_level`), else nil.
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
        public var startMillis: Int64
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
            bucketsPerPoint = (try? c.decode(Int.self, forKey: .bucketsPerPoint)) ?? 1
            actual = try c.decode([LenientNumber].self, forKey: .actual).map(\.value)
            forecasts = try c.decode([Forecast].self, forKey: .forecasts)
            guard stepMillis > 0 else {
                throw DecodingError.dataCorruptedError(forKey: .stepMillis, in: c, debugDescription: "step_ms must be positive")
            }
        }
    }
}

/// A number in a curve: a JSON number, or null / a text (`"nan"`) read as absent.
struct LenientNumber: Decodable {
    var value: Double?

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let v = try? c.decode(Double.self), v.isFinite { value = v } else { value = nil }
    }
}
