import Foundation
import Testing
@testable import FlowModels
@testable import FlowForecasting
@testable import FlowTimeSeries

@Suite("ARIMA fitting")
struct ARIMAFitTests {
    @Test func transformRoundTrips() {
        let phi = [0.5, -0.3, 0.1]
        #expect(ARIMAParameterTransform.isStationary(phi))
        let u = ARIMAParameterTransform.unconstrainStationary(phi)
        let back = ARIMAParameterTransform.constrainStationary(u[...])
        for (a, b) in zip(phi, back) { #expect(abs(a - b) < 1e-10) }
        #expect(!ARIMAParameterTransform.isStationary([1.2]))
        #expect(!ARIMAParameterTransform.isStationary([0.5, 0.6]))
    }

    @Test func normalQuantile() {
        #expect(abs(NormalDistribution.quantile(0.975) - 1.959963984540054) < 1e-12)
        #expect(abs(NormalDistribution.quantile(0.005) + 2.5758293035489004) < 1e-12)
    }

    @Test func recoversAR1() throws {
        let order = ARIMAOrder(p: 1, d: 0, q: 0)
        let y = simulateARIMA(order: order, coefficients: ARIMACoefficients(mean: 10, ar: [0.6], variance: 4), count: 2000, seed: 3)
        let model = try ARIMAEstimator.fit(y, order: order)
        #expect(abs(model.coefficients.ar[0] - 0.6) < 0.05)
        #expect(abs(model.coefficients.mean! - 10) < 0.3)
        #expect(abs(model.coefficients.variance - 4) < 0.4)
        #expect(model.converged)
    }

    @Test func recoversSeasonalAndIntegrated() throws {
        let order = ARIMAOrder(p: 0, d: 1, q: 1, seasonalP: 0, seasonalD: 1, seasonalQ: 1, period: 12)
        let y = simulateARIMA(order: order, coefficients: ARIMACoefficients(ma: [-0.4], seasonalMA: [-0.6], variance: 1), count: 1200, seed: 5)
        let model = try ARIMAEstimator.fit(y, order: order)
        #expect(abs(model.coefficients.ma[0] + 0.4) < 0.08)
        #expect(abs(model.coefficients.seasonalMA[0] + 0.6) < 0.08)
        #expect(model.coefficients.mean == nil)
        let f = model.forecast(after: y, steps: 24, level: 0.95)
        #expect(f.means.count == 24)
        for h in 1..<24 { #expect(f.variances[h] >= f.variances[h - 1] - 1e-9) }
        #expect(f.lower[0] < f.means[0] && f.means[0] < f.upper[0])
    }

    @Test func refusesBadInput() {
        #expect(throws: TimeSeriesError.self) { try ARIMAEstimator.fit([1, 2, 3], order: ARIMAOrder(p: 1, d: 0, q: 0)) }
        #expect(throws: TimeSeriesError.self) { try ARIMAEstimator.fit([Double](repeating: 5, count: 100), order: ARIMAOrder(p: 1, d: 0, q: 0)) }
        #expect(throws: TimeSeriesError.self) {
            try ARIMAEstimator.fit([Double](repeating: 5, count: 100), order: ARIMAOrder(p: 1, d: 0, q: 0, seasonalP: 1, period: 1440))
        }
    }
}
