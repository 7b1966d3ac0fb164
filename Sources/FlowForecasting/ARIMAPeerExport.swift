import Foundation

/// The series of the statsmodels peer check (scripts/peers/check-arima-statsmodels.sh,
/// through `floe-dev export-arima-peer`): simulated ARIMA/SARIMA series with known
/// coefficients, floe's fit of each (coefficients, log-likelihood, information criteria,
/// forecast and interval) and the JSON document the script compares statsmodels with.
public enum ARIMAPeerExport {
    /// One series: the order fitted, the coefficients it was simulated from, its length and seed.
    public struct Case: Sendable {
        public let name: String
        public let order: ARIMAOrder
        public let truth: ARIMACoefficients
        public let count: Int
        public let seed: UInt64
    }

    /// floe's fit of one case.
    public struct Result {
        public let series: Case
        public let values: [Double]
        public let model: ARIMAModel
        public let forecast: ARIMAForecast
    }

    public static let cases: [Case] = [
        Case(name: "ar1_mean", order: ARIMAOrder(p: 1, d: 0, q: 0),
             truth: ARIMACoefficients(mean: 50, ar: [0.7], variance: 4), count: 400, seed: 11),
        Case(name: "arma21_mean", order: ARIMAOrder(p: 2, d: 0, q: 1),
             truth: ARIMACoefficients(mean: -3, ar: [0.5, -0.3], ma: [0.4], variance: 1), count: 600, seed: 12),
        Case(name: "arima111", order: ARIMAOrder(p: 1, d: 1, q: 1),
             truth: ARIMACoefficients(ar: [0.4], ma: [0.3], variance: 2), count: 500, seed: 13),
        Case(name: "arima011", order: ARIMAOrder(p: 0, d: 1, q: 1),
             truth: ARIMACoefficients(ma: [-0.6], variance: 1), count: 300, seed: 14),
        Case(name: "arima212", order: ARIMAOrder(p: 2, d: 1, q: 2),
             truth: ARIMACoefficients(ar: [0.6, -0.2], ma: [0.3, 0.2], variance: 1), count: 1000, seed: 15),
        Case(name: "sarima_101_101_12", order: ARIMAOrder(p: 1, d: 0, q: 1, seasonalP: 1, seasonalD: 0, seasonalQ: 1, period: 12),
             truth: ARIMACoefficients(mean: 20, ar: [0.5], ma: [0.2], seasonalAR: [0.6], seasonalMA: [-0.3], variance: 1),
             count: 480, seed: 16),
        Case(name: "airline_011_011_12", order: ARIMAOrder(p: 0, d: 1, q: 1, seasonalP: 0, seasonalD: 1, seasonalQ: 1, period: 12),
             truth: ARIMACoefficients(ma: [-0.4], seasonalMA: [-0.6], variance: 1), count: 360, seed: 17),
    ]

    public static let forecastSteps = 12
    public static let level = 0.95

    /// Simulates and fits every case.
    public static func run() throws -> [Result] {
        try cases.map { c in
            let y = simulateARIMA(order: c.order, coefficients: c.truth, count: c.count, seed: c.seed)
            let model = try ARIMAEstimator.fit(y, order: c.order, seriesName: c.name)
            return Result(series: c, values: y, model: model, forecast: model.forecast(after: y, steps: forecastSteps, level: level))
        }
    }

    /// The JSON document of the peer script (`steps`, `level`, `series` with each series'
    /// order, values and floe's results), keys sorted.
    public static func document(_ results: [Result]) throws -> Data {
        let series: [[String: Any]] = results.map { r in
            let o = r.series.order, m = r.model, f = r.forecast
            return [
                "name": r.series.name,
                "order": [o.p, o.d, o.q],
                "seasonal_order": [o.seasonalP, o.seasonalD, o.seasonalQ, o.period],
                "values": r.values,
                "floe": [
                    "params": m.coefficients.flattened,
                    "llf": m.logLikelihood,
                    "aic": m.aic, "bic": m.bic, "aicc": m.aicc,
                    "forecast_mean": f.means, "forecast_lower": f.lower, "forecast_upper": f.upper,
                ] as [String: Any],
            ]
        }
        let document: [String: Any] = ["steps": forecastSteps, "level": level, "series": series]
        return try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])
    }
}
