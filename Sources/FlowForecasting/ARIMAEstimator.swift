import Foundation

/// Options of an ARIMA fit. The defaults are statsmodels' `ARIMA(...).fit()`: a mean
/// term only without differencing, stationarity and invertibility enforced, σ² by ML.
public struct ARIMAFitOptions: Sendable, Equatable {
    /// Include a mean (statsmodels' `const`); nil = only when the model does not difference.
    public var includeMean: Bool?
    /// Variance of the approximate diffuse prior of the differencing states.
    public var diffuseVariance: Double
    public var maxIterations: Int

    public init(includeMean: Bool? = nil, diffuseVariance: Double = 1e6, maxIterations: Int = 200) {
        self.includeMean = includeMean
        self.diffuseVariance = diffuseVariance
        self.maxIterations = maxIterations
    }
}

/// Fits ARIMA/SARIMA models by exact maximum likelihood: conditional sum of squares
/// (CSS) on the differenced series gives the starting values, then BFGS maximises the
/// exact Kalman-filter likelihood with σ² concentrated out, over the Monahan/Jones
/// unconstrained coordinates (so every candidate is stationary and invertible). A last
/// filter pass at the estimated σ² gives statsmodels' log-likelihood.
public enum ARIMAEstimator {
    public static func fit(_ y: [Double], order: ARIMAOrder, options: ARIMAFitOptions = ARIMAFitOptions(),
                           seriesName: String = "series") throws -> ARIMAModel {
        try order.validate()
        let includeMean = options.includeMean ?? !order.isIntegrated
        let burn = order.differencingStates
        let observed = y.reduce(0) { $0 + ($1.isNaN ? 0 : 1) }
        let k = (includeMean ? 1 : 0) + order.p + order.q + order.seasonalP + order.seasonalQ + 1
        let needed = burn + k + 2 + order.fullAR
        guard observed >= needed, y.count - burn - k - 1 > 0 else {
            throw TimeSeriesError.seriesTooShort(series: seriesName, observations: observed, needed: needed)
        }
        let layout = ParameterLayout(order: order, includeMean: includeMean)
        let differenced = Differencing.apply(y, d: order.d, seasonalD: order.isSeasonal ? order.seasonalD : 0,
                                             period: order.period)
        let finite = differenced.filter { !$0.isNaN }
        let center = finite.isEmpty ? 0 : finite.reduce(0, +) / Double(finite.count)
        var spread = finite.isEmpty ? 0 : (finite.reduce(0) { $0 + ($1 - center) * ($1 - center) } / Double(finite.count)).squareRoot()
        if !(spread > 0) {
            throw TimeSeriesError.fitFailed(series: seriesName, order: order.description,
                                            reason: "the (differenced) series is constant")
        }
        spread = max(spread, 1e-12)
        let meanCenter = center, meanScale = spread

        // 1. CSS starting values.
        var optimizer = BFGSOptimizer()
        optimizer.maxIterations = options.maxIterations
        optimizer.gradientTolerance = 1e-6
        let start = [Double](repeating: 0, count: layout.count)
        let css = optimizer.minimize(start) { x in
            let c = layout.coefficients(x, meanCenter: meanCenter, meanScale: meanScale)
            let s = ConditionalSumOfSquares.value(differenced, c, order: order)
            return s.isFinite && s > 0 ? 0.5 * log(s / (spread * spread)) : .infinity
        }
        var x = css.value.isFinite ? css.x : start

        // 2. Exact ML with σ² concentrated out.
        let filter = KalmanFilter(model: ARIMAStateSpace(order: order))
        var sigma2Guess = max(spread * spread, 1e-300)
        func objective(_ x: [Double]) -> Double {
            let c = layout.coefficients(x, meanCenter: meanCenter, meanScale: meanScale)
            filter.setCoefficients(ar: c.reducedAR, ma: c.reducedMA)
            guard filter.initialize(scale: 1, diffuseVariance: options.diffuseVariance / sigma2Guess) else { return .infinity }
            let sums = y.withUnsafeBufferPointer {
                burn == 0 ? filter.likelihoodSums($0, mean: c.mean) : filter.run($0, mean: c.mean, scale: 1, burn: burn)
            }
            guard sums.count > 0 else { return .infinity }
            let ll = sums.concentratedLogLikelihood
            // Scale-free objective: per observation, and independent of the data units.
            return ll.isFinite ? -(ll / Double(sums.count)) - log(spread) : .infinity
        }
        optimizer.gradientTolerance = 1e-8
        // On a near-cancelling AR/MA pair the likelihood is a ridge that rises ever more
        // slowly towards the region's edge: stop there at statsmodels' tolerance (its
        // L-BFGS-B pgtol) instead of following it to a root on the unit circle.
        optimizer.relaxed = { layout.coefficients($0, meanCenter: meanCenter, meanScale: meanScale).nearlyCancels }
        var result = optimizer.minimize(x, objective)
        guard result.value.isFinite else {
            throw TimeSeriesError.fitFailed(series: seriesName, order: order.description,
                                            reason: "no finite likelihood near the CSS start")
        }
        var iterations = result.iterations
        if burn > 0 {
            // The diffuse prior is fixed in absolute units (as statsmodels'); redo with it
            // rescaled at the estimated σ² so the optimum is the same one.
            let c = layout.coefficients(result.x, meanCenter: meanCenter, meanScale: meanScale)
            filter.setCoefficients(ar: c.reducedAR, ma: c.reducedMA)
            _ = filter.initialize(scale: 1, diffuseVariance: options.diffuseVariance / sigma2Guess)
            let sums = y.withUnsafeBufferPointer { filter.run($0, mean: c.mean, scale: 1, burn: burn) }
            sigma2Guess = sums.concentratedScale
            result = optimizer.minimize(result.x, objective)
            iterations += result.iterations
        }
        x = result.x

        // 3. σ² and the exact log-likelihood at the true scale.
        let c = layout.coefficients(x, meanCenter: meanCenter, meanScale: meanScale)
        filter.setCoefficients(ar: c.reducedAR, ma: c.reducedMA)
        _ = filter.initialize(scale: 1, diffuseVariance: options.diffuseVariance / sigma2Guess)
        let unit = y.withUnsafeBufferPointer { filter.run($0, mean: c.mean, scale: 1, burn: burn) }
        let sigma2 = unit.concentratedScale
        var model = ARIMAModel(
            order: order,
            coefficients: ARIMACoefficients(mean: includeMean ? c.mean : nil, ar: c.ar, ma: c.ma,
                                            seasonalAR: c.seasonalAR, seasonalMA: c.seasonalMA, variance: sigma2),
            logLikelihood: .nan, effectiveObservations: y.count - burn, parameterCount: k,
            converged: result.converged, iterations: iterations, diffuseVariance: options.diffuseVariance)
        model.logLikelihood = model.logLikelihood(of: y)
        guard model.logLikelihood.isFinite else {
            throw TimeSeriesError.fitFailed(series: seriesName, order: order.description, reason: "the likelihood is not finite")
        }
        return model
    }
}

/// Where each coefficient sits in the optimizer's vector and how it is mapped.
struct ParameterLayout {
    let order: ARIMAOrder
    let includeMean: Bool
    var count: Int { (includeMean ? 1 : 0) + order.p + order.q + order.seasonalP + order.seasonalQ }

    struct Values {
        var mean: Double
        var ar: [Double], ma: [Double], seasonalAR: [Double], seasonalMA: [Double]
        var reducedAR: [Double], reducedMA: [Double]

        /// Whether the AR and MA polynomials of the same kind (ordinary, or seasonal in
        /// Lˢ) nearly share a root: the magnitude of their resultant is below
        /// `cancellationTolerance` (for first-order factors 1 − φL and 1 + θL it is |φ + θ|).
        var nearlyCancels: Bool {
            ARIMAPolynomials.nearlyCommonRoot(ar: ar, ma: ma) || ARIMAPolynomials.nearlyCommonRoot(ar: seasonalAR, ma: seasonalMA)
        }
    }

    func coefficients(_ x: [Double], meanCenter: Double, meanScale: Double) -> Values {
        var i = 0
        var mean = 0.0
        if includeMean { mean = meanCenter + meanScale * x[0]; i = 1 }
        func take(_ n: Int) -> ArraySlice<Double> { defer { i += n }; return x[i..<(i + n)] }
        let ar = ARIMAParameterTransform.constrainStationary(take(order.p))
        let ma = ARIMAParameterTransform.constrainStationary(take(order.q)).map { -$0 }
        let sar = ARIMAParameterTransform.constrainStationary(take(order.seasonalP))
        let sma = ARIMAParameterTransform.constrainStationary(take(order.seasonalQ)).map { -$0 }
        let period = max(order.period, 1)
        return Values(mean: mean, ar: ar, ma: ma, seasonalAR: sar, seasonalMA: sma,
                      reducedAR: ARIMAPolynomials.reducedAR(ar, sar, period: period),
                      reducedMA: ARIMAPolynomials.reducedMA(ma, sma, period: period))
    }
}

/// ∇ᵈ ∇ₛᴰ of a series, aligned with the input (the first d + sD values are NaN).
enum Differencing {
    static func apply(_ y: [Double], d: Int, seasonalD: Int, period: Int) -> [Double] {
        var w = y
        for _ in 0..<seasonalD {
            var next = [Double](repeating: .nan, count: w.count)
            if period < w.count { for t in period..<w.count { next[t] = w[t] - w[t - period] } }
            w = next
        }
        for _ in 0..<d {
            var next = [Double](repeating: .nan, count: w.count)
            if w.count > 1 { for t in 1..<w.count { next[t] = w[t] - w[t - 1] } }
            w = next
        }
        return w
    }
}

/// The conditional sum of squares of an ARMA model on an already differenced series:
/// residuals eₜ = (wₜ − μ) − Σ cᵢ (wₜ₋ᵢ − μ) − Σ θⱼ eₜ₋ⱼ from the first index where all
/// AR lags exist, with earlier residuals zero; missing values give zero residuals.
enum ConditionalSumOfSquares {
    static func value(_ w: [Double], _ c: ParameterLayout.Values, order: ARIMAOrder) -> Double {
        let ar = c.reducedAR, ma = c.reducedMA
        let first = (w.firstIndex { !$0.isNaN } ?? w.count) + ar.count
        if first >= w.count { return .infinity }
        var e = [Double](repeating: 0, count: w.count)
        var sum = 0.0
        for t in first..<w.count {
            var value = w[t] - c.mean
            if value.isNaN { continue }
            var ok = true
            for (i, phi) in ar.enumerated() {
                let lagged = w[t - i - 1]
                if lagged.isNaN { ok = false; break }
                value -= phi * (lagged - c.mean)
            }
            if !ok { continue }
            for (j, theta) in ma.enumerated() where t - j - 1 >= 0 { value -= theta * e[t - j - 1] }
            e[t] = value
            sum += value * value
        }
        return sum
    }
}
