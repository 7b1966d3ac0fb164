import Foundation

/// What one pass of the Kalman filter over a series adds up to.
struct KalmanSums {
    /// Σ log Fₜ and Σ vₜ²/Fₜ over the observations after the burn.
    var sumLogF = 0.0
    var sumScaledSquares = 0.0
    /// Observations that entered the sums.
    var count = 0

    /// Gaussian log-likelihood when the filter ran at the true scale.
    var logLikelihood: Double {
        -0.5 * (Double(count) * log(2 * Double.pi) + sumLogF + sumScaledSquares)
    }

    /// σ² estimate when the filter ran at unit scale (σ² concentrated out).
    var concentratedScale: Double { count > 0 ? sumScaledSquares / Double(count) : .nan }

    /// Concentrated log-likelihood (unit-scale filter, σ² replaced by its estimate).
    var concentratedLogLikelihood: Double {
        let n = Double(count)
        return -0.5 * (n * (log(2 * Double.pi) + 1 + log(concentratedScale)) + sumLogF)
    }
}

/// A conventional Kalman filter for `ARIMAStateSpace` with reusable buffers: no
/// allocation per step. Missing observations (NaN) skip the update. Once the predicted
/// covariance stops changing (relative 1e-13) the filter reuses the steady-state gain,
/// which turns each step into O(nnz) work; a missing observation leaves steady state.
final class KalmanFilter {
    private(set) var model: ARIMAStateSpace
    let m: Int
    /// Predicted state and covariance (for the next observation).
    var state: [Double]
    var covariance: [Double]
    private var gain: [Double]
    private var scratch: [Double]
    private var previous: [Double]

    init(model: ARIMAStateSpace) {
        self.model = model
        m = model.states
        state = [Double](repeating: 0, count: m)
        covariance = [Double](repeating: 0, count: m * m)
        gain = [Double](repeating: 0, count: m)
        scratch = [Double](repeating: 0, count: m * m)
        previous = [Double](repeating: 0, count: m * m)
    }

    func setCoefficients(ar: [Double], ma: [Double]) {
        model.setCoefficients(ar: ar, ma: ma)
    }

    /// Resets to the initial state: mean zero, differencing states with variance
    /// `diffuseVariance`, the ARMA block at its stationary covariance times `scale`.
    /// Returns false when the ARMA block is not stationary.
    func initialize(scale: Double, diffuseVariance: Double) -> Bool {
        guard let stationary = model.stationaryCovariance() else { return false }
        for i in 0..<m { state[i] = 0 }
        for i in 0..<(m * m) { covariance[i] = 0 }
        let off = model.differencingStates
        for i in 0..<off { covariance[i * m + i] = diffuseVariance }
        let k = model.armaStates
        for i in 0..<k { for j in 0..<k { covariance[(off + i) * m + off + j] = scale * stationary[i * k + j] } }
        return true
    }

    /// Runs over `y` (NaN = missing) with observation intercept `mean` and disturbance
    /// variance `scale`; the first `burn` observations are filtered but not summed.
    /// `onStep(t, prediction, variance)` receives each one-step-ahead prediction.
    func run(_ y: UnsafeBufferPointer<Double>, mean: Double, scale: Double, burn: Int,
             onStep: ((Int, Double, Double) -> Void)? = nil) -> KalmanSums {
        var sums = KalmanSums()
        let m = self.m
        let design = model.designIndices
        var steady = false
        var steadyF = 0.0
        state.withUnsafeMutableBufferPointer { a in
        covariance.withUnsafeMutableBufferPointer { p in
        gain.withUnsafeMutableBufferPointer { g in
        scratch.withUnsafeMutableBufferPointer { tmp in
        previous.withUnsafeMutableBufferPointer { prev in
        model.rowStart.withUnsafeBufferPointer { rows in
        model.columns.withUnsafeBufferPointer { cols in
        model.values.withUnsafeBufferPointer { vals in
        model.selection.withUnsafeBufferPointer { r in
        design.withUnsafeBufferPointer { z in
            for t in 0..<y.count {
                // Prediction of yₜ and its variance.
                var prediction = mean
                for j in z { prediction += a[j] }
                let observed = y[t]
                let isMissing = observed.isNaN
                if isMissing && steady { steady = false }
                var f: Double
                if steady {
                    f = steadyF
                } else {
                    for i in 0..<(m * m) { prev[i] = p[i] }
                    for i in 0..<m {
                        var s = 0.0
                        for j in z { s += p[i * m + j] }
                        g[i] = s
                    }
                    f = 0
                    for j in z { f += g[j] }
                }
                onStep?(t, prediction, f)
                if !isMissing {
                    if f > 0 && f.isFinite {
                        let v = observed - prediction
                        let scaleV = v / f
                        for i in 0..<m { a[i] += g[i] * scaleV }
                        if !steady {
                            let invF = 1 / f
                            for i in 0..<m {
                                let gi = g[i] * invF
                                if gi == 0 { continue }
                                for j in 0..<m { p[i * m + j] -= gi * g[j] }
                            }
                        }
                        if t >= burn {
                            sums.sumLogF += log(f)
                            sums.sumScaledSquares += v * scaleV
                            sums.count += 1
                        }
                    }
                }
                // aₜ₊₁ = T aₜ (using tmp's first row as scratch).
                for i in 0..<m {
                    var s = 0.0
                    for idx in rows[i]..<rows[i + 1] { s += vals[idx] * a[cols[idx]] }
                    tmp[i] = s
                }
                for i in 0..<m { a[i] = tmp[i] }
                if steady { continue }
                // Pₜ₊₁ = T P Tᵀ + σ² R Rᵀ
                for i in 0..<m {
                    let lo = rows[i], hi = rows[i + 1]
                    for j in 0..<m {
                        var s = 0.0
                        for idx in lo..<hi { s += vals[idx] * p[cols[idx] * m + j] }
                        tmp[i * m + j] = s
                    }
                }
                var change = 0.0, size = 0.0
                for i in 0..<m {
                    for j in i..<m {
                        var s = 0.0
                        for idx in rows[j]..<rows[j + 1] { s += tmp[i * m + cols[idx]] * vals[idx] }
                        s += scale * r[i] * r[j]
                        let old = prev[i * m + j]
                        change = max(change, abs(s - old))
                        size = max(size, abs(s))
                        p[i * m + j] = s
                        p[j * m + i] = s
                    }
                }
                // Steady state: the predicted covariance repeats itself (only after the
                // burn, so the diffuse start has resolved).
                if t >= burn && change <= 1e-13 * size && !isMissing {
                    steady = true
                    for i in 0..<m {
                        var s = 0.0
                        for j in z { s += p[i * m + j] }
                        g[i] = s
                    }
                    steadyF = 0
                    for j in z { steadyF += g[j] }
                }
            }
        }}}}}}}}}}
        return sums
    }

    /// Whether `likelihoodSums` may take the Chandrasekhar recursions: no differencing
    /// states (the ARMA block starts at its stationary covariance, so the first covariance
    /// change has rank one) and no missing observation.
    func canUseChandrasekhar(_ y: UnsafeBufferPointer<Double>) -> Bool {
        m >= 2 && model.differencingStates == 0 && model.designIndices == [0] && !y.contains { $0.isNaN }
    }

    /// The likelihood sums of `run` (unit-scale, after `initialize(scale: 1, …)`) by the
    /// Chandrasekhar recursions (Morf, Sidhu & Kailath 1974; Herbst 2015) when
    /// `canUseChandrasekhar(y)`, else by `run`. The recursions propagate the change of
    /// the predicted covariance, Pₜ₊₁ − Pₜ = Wₜ Mₜ Wₜᵀ with Wₜ one column, instead of Pₜ:
    ///   Fₜ₊₁ = Fₜ + (Z Wₜ)² Mₜ,  Kₜ₊₁ Fₜ₊₁ = Kₜ Fₜ + T Wₜ Mₜ (Z Wₜ),
    ///   Mₜ₊₁ = Mₜ + Mₜ² (Z Wₜ)² / Fₜ,  Wₜ₊₁ = T Wₜ − Kₜ₊₁ (Z Wₜ),
    /// starting from W₁ = K₁, M₁ = −F₁ (P₁ stationary). One step costs O(nnz(T)) instead of
    /// O(nnz(T)·m). The filter's state and covariance are left unspecified afterwards: use
    /// `run` before forecasting.
    func likelihoodSums(_ y: UnsafeBufferPointer<Double>, mean: Double) -> KalmanSums {
        guard canUseChandrasekhar(y) else { return run(y, mean: mean, scale: 1, burn: 0) }
        var sums = KalmanSums()
        let m = self.m
        state.withUnsafeMutableBufferPointer { a in
        covariance.withUnsafeBufferPointer { p in
        gain.withUnsafeMutableBufferPointer { k in
        scratch.withUnsafeMutableBufferPointer { tmp in
        model.rowStart.withUnsafeBufferPointer { rows in
        model.columns.withUnsafeBufferPointer { cols in
        model.values.withUnsafeBufferPointer { vals in
            // W lives in tmp[0..<m], T·W and T·a in tmp[m..<2m].
            let w = UnsafeMutableBufferPointer(rebasing: tmp[0..<m])
            let tw = UnsafeMutableBufferPointer(rebasing: tmp[m..<(2 * m)])
            func multiplyT(_ v: UnsafeMutableBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>) {
                for i in 0..<m {
                    var s = 0.0
                    for idx in rows[i]..<rows[i + 1] { s += vals[idx] * v[cols[idx]] }
                    out[i] = s
                }
            }
            // P₁ Zᵀ is the first column of P₁; K₁ = T P₁ Zᵀ / F₁.
            var f = p[0]
            for i in 0..<m { w[i] = p[i * m] }
            multiplyT(w, into: tw)
            for i in 0..<m { k[i] = tw[i] / f; w[i] = k[i] }
            var mm = -f
            for t in 0..<y.count {
                guard f > 0 && f.isFinite else { sums.count = 0; return }
                let v = y[t] - mean - a[0]
                let scaleV = v / f
                sums.sumLogF += log(f)
                sums.sumScaledSquares += v * scaleV
                sums.count += 1
                // aₜ₊₁ = T aₜ + Kₜ vₜ
                multiplyT(a, into: tw)
                for i in 0..<m { a[i] = tw[i] + k[i] * v }
                // Covariance change.
                let zw = w[0]
                let nextF = f + zw * zw * mm
                multiplyT(w, into: tw)
                let c = mm * zw
                for i in 0..<m { k[i] = (k[i] * f + tw[i] * c) / nextF }
                mm += mm * mm * zw * zw / f
                for i in 0..<m { w[i] = tw[i] - k[i] * zw }
                f = nextF
            }
        }}}}}}}
        return sums
    }

    /// h-step forecasts from the current predicted state: means and variances.
    func forecast(steps: Int, mean: Double, scale: Double) -> (means: [Double], variances: [Double]) {
        var means: [Double] = []
        var variances: [Double] = []
        means.reserveCapacity(steps)
        variances.reserveCapacity(steps)
        if steps <= 0 { return ([], []) }
        var nan = [Double](repeating: .nan, count: steps)
        _ = nan.withUnsafeBufferPointer { buffer in
            run(buffer, mean: mean, scale: scale, burn: Int.max) { _, prediction, variance in
                means.append(prediction)
                variances.append(variance)
            }
        }
        nan.removeAll()
        return (means, variances)
    }
}
