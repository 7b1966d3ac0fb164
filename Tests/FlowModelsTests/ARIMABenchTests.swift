import Foundation
import Testing
@testable import FlowModels
@testable import FlowTimeSeries

/// Fits one series for scripts/bench/arima.sh (whole-process timing against statsmodels)
/// when `FLOE_ARIMA_BENCH_IN` names a JSON file {values, order, seasonal_order, auto,
/// period}; writes {llf, params, order, fit_seconds} to `FLOE_ARIMA_BENCH_OUT`. Without
/// the variables it fits a small ARIMA(2,1,2) and checks the result.
@Suite("ARIMA bench driver")
struct ARIMABenchTests {
    @Test func benchFit() throws {
        let env = ProcessInfo.processInfo.environment
        guard let input = env["FLOE_ARIMA_BENCH_IN"], let output = env["FLOE_ARIMA_BENCH_OUT"] else {
            let order = ARIMAOrder(p: 2, d: 1, q: 2)
            let y = simulateARIMA(order: order, coefficients: ARIMACoefficients(ar: [0.5, -0.2], ma: [0.3, 0.1], variance: 1),
                                  count: 400, seed: 21)
            let model = try ARIMAEstimator.fit(y, order: order)
            #expect(model.logLikelihood.isFinite)
            #expect(model.effectiveObservations == 399)
            #expect(model.parameterCount == 5)
            return
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: input))
        let doc = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let values = try #require(doc["values"] as? [Double])
        let started = Date()
        let model: ARIMAModel
        var tried = 0
        if (doc["auto"] as? Bool) == true {
            var options = AutoARIMAOptions(period: doc["period"] as? Int ?? 0)
            options.maxOrder = 5
            let result = try AutoARIMA.fit(values, options: options)
            model = result.model
            tried = result.candidates.count
        } else {
            let o = try #require(doc["order"] as? [Int])
            let s = doc["seasonal_order"] as? [Int] ?? [0, 0, 0, 0]
            model = try ARIMAEstimator.fit(values, order: ARIMAOrder(p: o[0], d: o[1], q: o[2], seasonalP: s[0],
                                                                     seasonalD: s[1], seasonalQ: s[2], period: s[3]))
        }
        let seconds = Date().timeIntervalSince(started)
        let o = model.order
        let result: [String: Any] = [
            "llf": model.logLikelihood, "params": model.coefficients.flattened, "fit_seconds": seconds,
            "order": [o.p, o.d, o.q], "seasonal_order": [o.seasonalP, o.seasonalD, o.seasonalQ, o.period],
            "candidates": tried, "aicc": model.aicc,
        ]
        try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]).write(to: URL(fileURLWithPath: output))
    }
}
