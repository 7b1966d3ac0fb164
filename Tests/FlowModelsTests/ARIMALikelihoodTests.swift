import Foundation
import Testing
@testable import FlowModels
@testable import FlowForecasting
@testable import FlowTimeSeries

/// The Chandrasekhar likelihood path against the conventional filter, and the recognition
/// of near-cancelling AR/MA factors.
@Suite("ARIMA likelihood paths")
struct ARIMALikelihoodTests {
    @Test func chandrasekharSumsEqualTheConventionalFilter() {
        let order = ARIMAOrder(p: 1, d: 0, q: 1, seasonalP: 1, seasonalD: 0, seasonalQ: 1, period: 24)
        let y = simulateARIMA(order: order, coefficients: ARIMACoefficients(mean: 3, ar: [0.5], ma: [0.3], seasonalAR: [0.6],
                                                                             seasonalMA: [-0.3], variance: 2), count: 1_500, seed: 9)
        // Near the edge too: a seasonal root close to the unit circle, nearly cancelled.
        for (sar, sma) in [(0.6, -0.3), (0.9995, -0.99)] {
            let filter = KalmanFilter(model: ARIMAStateSpace(order: order))
            filter.setCoefficients(ar: ARIMAPolynomials.reducedAR([0.5], [sar], period: 24),
                                   ma: ARIMAPolynomials.reducedMA([0.3], [sma], period: 24))
            #expect(filter.initialize(scale: 1, diffuseVariance: 1e6))
            let fast = y.withUnsafeBufferPointer { filter.likelihoodSums($0, mean: 3) }
            #expect(filter.initialize(scale: 1, diffuseVariance: 1e6))
            let slow = y.withUnsafeBufferPointer { filter.run($0, mean: 3, scale: 1, burn: 0) }
            #expect(y.withUnsafeBufferPointer { filter.canUseChandrasekhar($0) })
            #expect(fast.count == slow.count)
            #expect(abs(fast.sumLogF - slow.sumLogF) <= 1e-9 * abs(slow.sumLogF) + 1e-9)
            #expect(abs(fast.sumScaledSquares - slow.sumScaledSquares) <= 1e-9 * slow.sumScaledSquares)
        }
    }

    @Test func missingValuesOrDifferencingTakeTheConventionalFilter() {
        let order = ARIMAOrder(p: 1, d: 0, q: 1)
        var y = simulateARIMA(order: order, coefficients: ARIMACoefficients(ar: [0.5], ma: [0.2], variance: 1), count: 300, seed: 2)
        y[100] = .nan
        let filter = KalmanFilter(model: ARIMAStateSpace(order: order))
        #expect(!y.withUnsafeBufferPointer { filter.canUseChandrasekhar($0) })
        let differenced = KalmanFilter(model: ARIMAStateSpace(order: ARIMAOrder(p: 1, d: 1, q: 1)))
        y[100] = 0
        #expect(!y.withUnsafeBufferPointer { differenced.canUseChandrasekhar($0) })
    }

    @Test func nearlyCommonRootsAreRecognised() {
        #expect(ARIMAPolynomials.nearlyCommonRoot(ar: [0.9999998], ma: [-0.9992]))
        #expect(!ARIMAPolynomials.nearlyCommonRoot(ar: [0.6], ma: [-0.3]))
        #expect(!ARIMAPolynomials.nearlyCommonRoot(ar: [0.5], ma: []))
        // (1 − 0.5z)(1 − 0.8z) and (1 + 0.2z)(1 − 0.8z) share the root 1.25.
        #expect(ARIMAPolynomials.nearlyCommonRoot(ar: [1.3, -0.4], ma: [-0.6, -0.16]))
        #expect(!ARIMAPolynomials.nearlyCommonRoot(ar: [1.3, -0.4], ma: [0.6, 0.2]))
    }
}
