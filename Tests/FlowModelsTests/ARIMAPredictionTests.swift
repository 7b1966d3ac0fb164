import Foundation
import Testing
@testable import FlowModels
@testable import FlowForecasting
@testable import FlowTimeSeries

@Suite("ARIMA one-step predictions")
struct ARIMAPredictionTests {
    /// The step-by-step path (used by the detector to censor anomalies) predicts exactly
    /// what the batch filter predicts when nothing is censored.
    @Test func steppedPredictionsMatchBatch() throws {
        let order = ARIMAOrder(p: 1, d: 0, q: 1)
        let y = simulateARIMA(order: order, coefficients: ARIMACoefficients(mean: 2, ar: [0.9], ma: [-0.5], variance: 1), count: 500, seed: 9)
        let model = try ARIMAEstimator.fit(y, order: order)
        let batch = model.oneStepPredictions(y)
        let stepped = model.oneStepPredictions(y) { _, _, _ in false }
        for t in 1..<y.count {
            #expect(abs(batch.predictions[t] - stepped.predictions[t]) < 1e-9, "t=\(t)")
            #expect(abs(batch.variances[t] - stepped.variances[t]) < 1e-9 * max(1, batch.variances[t]), "t=\(t)")
        }
        // One-step errors beat the unconditional mean on a persistent series.
        var e1 = 0.0, e0 = 0.0
        for t in 1..<y.count { e1 += abs(y[t] - batch.predictions[t]); e0 += abs(y[t] - 2) }
        #expect(e1 < e0)
    }
}
