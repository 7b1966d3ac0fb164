import Foundation
import Testing
@testable import FlowModels
@testable import FlowTimeSeries

/// The series of the statsmodels peer check (scripts/peers/check-arima-statsmodels.sh).
/// Always fits them and checks the fits are sane; with `FLOE_ARIMA_PEER_OUT` set, also
/// writes the series and floe's results there as JSON for the script to compare.
@Suite("ARIMA peer export")
struct ARIMAPeerExportTests {
    struct Case {
        let name: String
        let order: ARIMAOrder
        let truth: ARIMACoefficients
        let count: Int
        let seed: UInt64
    }

    static let cases: [Case] = [
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

    static let forecastSteps = 12
    static let level = 0.95

    @Test func fitsAndExports() throws {
        var exported: [[String: Any]] = []
        for c in Self.cases {
            let y = simulateARIMA(order: c.order, coefficients: c.truth, count: c.count, seed: c.seed)
            let model = try ARIMAEstimator.fit(y, order: c.order, seriesName: c.name)
            #expect(model.logLikelihood.isFinite, "\(c.name)")
            #expect(model.converged, "\(c.name)")
            #expect(abs(model.coefficients.variance - c.truth.variance) < 0.35 * c.truth.variance, "\(c.name)")
            let f = model.forecast(after: y, steps: Self.forecastSteps, level: Self.level)
            #expect(f.means.allSatisfy { $0.isFinite }, "\(c.name)")
            let o = c.order
            exported.append([
                "name": c.name,
                "order": [o.p, o.d, o.q],
                "seasonal_order": [o.seasonalP, o.seasonalD, o.seasonalQ, o.period],
                "values": y,
                "floe": [
                    "params": model.coefficients.flattened,
                    "llf": model.logLikelihood,
                    "aic": model.aic, "bic": model.bic, "aicc": model.aicc,
                    "forecast_mean": f.means, "forecast_lower": f.lower, "forecast_upper": f.upper,
                ] as [String: Any],
            ])
        }
        if let out = ProcessInfo.processInfo.environment["FLOE_ARIMA_PEER_OUT"] {
            let document: [String: Any] = ["steps": Self.forecastSteps, "level": Self.level, "series": exported]
            let data = try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])
            try data.write(to: URL(fileURLWithPath: out))
        }
    }
}
