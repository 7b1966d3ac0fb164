import Foundation

/// A fitted (or loaded) ARIMA/SARIMA model: order, coefficients and fit statistics, and
/// the Kalman filter machinery for predictions and forecasts.
public struct ARIMAModel: Sendable, Equatable, Codable {
    public var order: ARIMAOrder
    public var coefficients: ARIMACoefficients
    /// Exact Gaussian log-likelihood (statsmodels' `llf`: approximate diffuse start,
    /// the first d + sD observations burnt).
    public var logLikelihood: Double
    /// Observations counted by the criteria (nobs − burn, statsmodels' `nobs_effective`).
    public var effectiveObservations: Int
    /// Estimated parameters including σ² (statsmodels' `df_model`).
    public var parameterCount: Int
    public var converged: Bool
    public var iterations: Int
    /// Variance of the diffuse prior of the differencing states (statsmodels: 1e6).
    public var diffuseVariance: Double

    public var aic: Double { -2 * logLikelihood + 2 * Double(parameterCount) }
    public var bic: Double { -2 * logLikelihood + Double(parameterCount) * log(Double(effectiveObservations)) }
    public var aicc: Double {
        let k = Double(parameterCount), n = Double(effectiveObservations)
        return n - k - 1 > 0 ? aic + 2 * k * (k + 1) / (n - k - 1) : .infinity
    }

    enum CodingKeys: String, CodingKey {
        case order, coefficients, converged, iterations
        case logLikelihood = "log_likelihood"
        case effectiveObservations = "effective_observations"
        case parameterCount = "parameter_count"
        case diffuseVariance = "diffuse_variance"
    }

    /// A Kalman filter set to this model, initialised.
    func makeFilter() -> KalmanFilter {
        let filter = KalmanFilter(model: ARIMAStateSpace(order: order))
        filter.setCoefficients(
            ar: ARIMAPolynomials.reducedAR(coefficients.ar, coefficients.seasonalAR, period: max(order.period, 1)),
            ma: ARIMAPolynomials.reducedMA(coefficients.ma, coefficients.seasonalMA, period: max(order.period, 1)))
        _ = filter.initialize(scale: coefficients.variance, diffuseVariance: diffuseVariance)
        return filter
    }

    /// Log-likelihood of `y` (NaN = missing) under these coefficients, as statsmodels
    /// computes it.
    public func logLikelihood(of y: [Double]) -> Double {
        let filter = makeFilter()
        return y.withUnsafeBufferPointer {
            filter.run($0, mean: coefficients.mean ?? 0, scale: coefficients.variance,
                       burn: order.differencingStates).logLikelihood
        }
    }

    /// One-step-ahead predictions of every observation of `y` and their variances; `skip`
    /// says, after each prediction, whether to treat that observation as missing (used
    /// by the detector so an anomaly does not become the new normal).
    public func oneStepPredictions(_ y: [Double], skip: ((Int, Double, Double) -> Bool)? = nil)
        -> (predictions: [Double], variances: [Double]) {
        let filter = makeFilter()
        var predictions = [Double](repeating: .nan, count: y.count)
        var variances = [Double](repeating: .nan, count: y.count)
        if let skip {
            // Step one observation at a time so the decision can censor it.
            var one = [Double.nan]
            for t in y.indices {
                var decided = y[t]
                one[0] = y[t]
                // Peek at the prediction without updating: run on a missing value clone.
                let (pred, variance) = filter.peek(mean: coefficients.mean ?? 0)
                predictions[t] = pred
                variances[t] = variance
                if skip(t, pred, variance) { decided = .nan }
                one[0] = decided
                _ = one.withUnsafeBufferPointer {
                    filter.run($0, mean: coefficients.mean ?? 0, scale: coefficients.variance, burn: 0)
                }
            }
            return (predictions, variances)
        }
        _ = y.withUnsafeBufferPointer {
            filter.run($0, mean: coefficients.mean ?? 0, scale: coefficients.variance,
                       burn: order.differencingStates) { t, p, v in
                predictions[t] = p
                variances[t] = v
            }
        }
        return (predictions, variances)
    }

    /// Forecasts `steps` values after the end of `y` with central prediction intervals
    /// at `level` (e.g. 0.95), as statsmodels' `get_forecast(steps).conf_int(alpha=1−level)`.
    public func forecast(after y: [Double], steps: Int, level: Double = 0.95) -> ARIMAForecast {
        let filter = makeFilter()
        _ = y.withUnsafeBufferPointer {
            filter.run($0, mean: coefficients.mean ?? 0, scale: coefficients.variance, burn: order.differencingStates)
        }
        let (means, variances) = filter.forecast(steps: steps, mean: coefficients.mean ?? 0, scale: coefficients.variance)
        return ARIMAForecast(means: means, variances: variances, level: level)
    }
}

/// Point forecasts with their variances and central prediction intervals.
public struct ARIMAForecast: Sendable, Equatable {
    public var means: [Double]
    public var variances: [Double]
    public var level: Double
    public var lower: [Double]
    public var upper: [Double]

    public init(means: [Double], variances: [Double], level: Double) {
        self.means = means
        self.variances = variances
        self.level = level
        let z = NormalDistribution.quantile(0.5 + level / 2)
        lower = zip(means, variances).map { $0 - z * max($1, 0).squareRoot() }
        upper = zip(means, variances).map { $0 + z * max($1, 0).squareRoot() }
    }
}

extension KalmanFilter {
    /// The prediction of the next observation and its variance, without changing state.
    func peek(mean: Double) -> (Double, Double) {
        let m = self.m
        var prediction = mean
        var f = 0.0
        for j in model.designIndices {
            prediction += state[j]
            for k in model.designIndices { f += covariance[j * m + k] }
        }
        return (prediction, f)
    }
}
