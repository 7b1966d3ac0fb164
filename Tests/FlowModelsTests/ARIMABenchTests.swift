import Foundation
import Testing
@testable import FlowModels
@testable import FlowForecasting
@testable import FlowTimeSeries

/// A small ARIMA(2,1,2) fit through the public API, as the benchmark's driver
/// (`floe-train --bench-arima`, scripts/bench/arima.sh) runs it.
@Suite("ARIMA bench driver")
struct ARIMABenchTests {
    @Test func benchFit() throws {
        let order = ARIMAOrder(p: 2, d: 1, q: 2)
        let y = simulateARIMA(order: order, coefficients: ARIMACoefficients(ar: [0.5, -0.2], ma: [0.3, 0.1], variance: 1),
                              count: 400, seed: 21)
        let model = try ARIMAEstimator.fit(y, order: order)
        #expect(model.logLikelihood.isFinite)
        #expect(model.effectiveObservations == 399)
        #expect(model.parameterCount == 5)
    }
}
