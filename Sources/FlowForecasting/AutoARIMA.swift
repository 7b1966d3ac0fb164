import Foundation

/// Bounds and tests of the automatic order search (config `order: auto`).
public struct AutoARIMAOptions: Sendable, Equatable, Codable {
    public var maxP = 5, maxQ = 5, maxSeasonalP = 2, maxSeasonalQ = 2
    /// Largest p + q + P + Q.
    public var maxOrder = 5
    public var maxD = 2, maxSeasonalD = 1
    /// Season length (0 or 1 = non-seasonal).
    public var period = 0
    /// Fixed differencing orders; nil = chosen by KPSS (d) and seasonal strength (D).
    public var d: Int? = nil
    public var seasonalD: Int? = nil
    /// Most models fitted before the search stops.
    public var maxModels = 60

    public init(period: Int = 0) { self.period = period }

    enum CodingKeys: String, CodingKey {
        case maxP = "max_p", maxQ = "max_q", maxSeasonalP = "max_P", maxSeasonalQ = "max_Q"
        case maxOrder = "max_order", maxD = "max_d", maxSeasonalD = "max_D"
        case period, d, seasonalD = "D", maxModels = "max_models"
    }
}

/// One model tried by the search, as recorded in the model file.
public struct ARIMACandidate: Sendable, Equatable, Codable {
    public var order: ARIMAOrder
    /// AICc, nil when the fit failed.
    public var aicc: Double?
    public var error: String?
}

/// The search result: the chosen model and every candidate tried, in order.
public struct AutoARIMAResult: Sendable {
    public var model: ARIMAModel
    public var candidates: [ARIMACandidate]
}

/// Stepwise order selection in the style of Hyndman & Khandakar (2008), as auto.arima
/// and pmdarima do: d by repeated KPSS tests (5 %), D by seasonal strength ≥ 0.64; four
/// starting models; then moves to the best neighbour (p, q, P, Q ± 1, p and q together,
/// P and Q together) by AICc until none improves, within the bounds.
public enum AutoARIMA {
    public static func fit(_ y: [Double], options: AutoARIMAOptions = AutoARIMAOptions(),
                           fitOptions: ARIMAFitOptions = ARIMAFitOptions(), seriesName: String = "series") throws -> AutoARIMAResult {
        let seasonal = options.period > 1
        let s = seasonal ? options.period : 0
        let bigD = seasonal ? (options.seasonalD ?? (SeasonalityTests.strength(y, period: s) >= 0.64 ? 1 : 0)) : 0
        let seasonallyDifferenced = Differencing.apply(y, d: 0, seasonalD: bigD, period: s)
        let d = options.d ?? SeasonalityTests.kpssDifferences(seasonallyDifferenced, maxD: options.maxD)
        var tried: [ARIMAOrder: Double] = [:]
        var candidates: [ARIMACandidate] = []
        var models: [ARIMAOrder: ARIMAModel] = [:]

        func order(_ p: Int, _ q: Int, _ sp: Int, _ sq: Int) -> ARIMAOrder {
            ARIMAOrder(p: p, d: d, q: q, seasonalP: seasonal ? sp : 0, seasonalD: bigD, seasonalQ: seasonal ? sq : 0, period: s)
        }
        func allowed(_ o: ARIMAOrder) -> Bool {
            o.p >= 0 && o.q >= 0 && o.seasonalP >= 0 && o.seasonalQ >= 0 &&
                o.p <= options.maxP && o.q <= options.maxQ && o.seasonalP <= options.maxSeasonalP &&
                o.seasonalQ <= options.maxSeasonalQ && o.p + o.q + o.seasonalP + o.seasonalQ <= options.maxOrder
        }
        func evaluate(_ o: ARIMAOrder) -> Double {
            if let v = tried[o] { return v }
            var value = Double.infinity
            do {
                let m = try ARIMAEstimator.fit(y, order: o, options: fitOptions, seriesName: seriesName)
                value = m.aicc.isFinite ? m.aicc : .infinity
                models[o] = m
                candidates.append(ARIMACandidate(order: o, aicc: value.isFinite ? value : nil, error: nil))
            } catch {
                candidates.append(ARIMACandidate(order: o, aicc: nil, error: "\(error)"))
            }
            tried[o] = value
            return value
        }

        var starts = [order(2, 2, 1, 1), order(0, 0, 0, 0), order(1, 0, 1, 0), order(0, 1, 0, 1)]
        if !seasonal { starts = [order(2, 2, 0, 0), order(0, 0, 0, 0), order(1, 0, 0, 0), order(0, 1, 0, 0)] }
        var best: ARIMAOrder? = nil
        var bestValue = Double.infinity
        for o in starts where allowed(o) && tried[o] == nil {
            let v = evaluate(o)
            if v < bestValue { bestValue = v; best = o }
        }
        var improved = true
        while improved, let current = best, candidates.count < options.maxModels {
            improved = false
            var moves: [(Int, Int, Int, Int)] = [(1, 0, 0, 0), (-1, 0, 0, 0), (0, 1, 0, 0), (0, -1, 0, 0),
                                                  (1, 1, 0, 0), (-1, -1, 0, 0)]
            if seasonal { moves += [(0, 0, 1, 0), (0, 0, -1, 0), (0, 0, 0, 1), (0, 0, 0, -1), (0, 0, 1, 1), (0, 0, -1, -1)] }
            for (dp, dq, dsp, dsq) in moves {
                let o = order(current.p + dp, current.q + dq, current.seasonalP + dsp, current.seasonalQ + dsq)
                guard allowed(o), tried[o] == nil, candidates.count < options.maxModels else { continue }
                let v = evaluate(o)
                if v < bestValue {
                    bestValue = v
                    best = o
                    improved = true
                    break
                }
            }
        }
        guard let chosen = best, let model = models[chosen] else {
            throw TimeSeriesError.fitFailed(series: seriesName, order: "auto",
                                            reason: candidates.last?.error ?? "no candidate order could be fitted")
        }
        return AutoARIMAResult(model: model, candidates: candidates)
    }
}

/// Unit-root and seasonality tests used to pick differencing orders.
enum SeasonalityTests {
    /// KPSS level-stationarity statistic with Bartlett weights and lag trunc(4·(n/100)^¼).
    static func kpss(_ x: [Double]) -> Double {
        let v = x.filter { $0.isFinite }
        let n = v.count
        guard n > 3 else { return 0 }
        let mean = v.reduce(0, +) / Double(n)
        let e = v.map { $0 - mean }
        var partial = 0.0, eta = 0.0
        for r in e { partial += r; eta += partial * partial }
        eta /= Double(n) * Double(n)
        let lags = min(n - 1, Int(4 * pow(Double(n) / 100, 0.25)))
        var s2 = e.reduce(0) { $0 + $1 * $1 } / Double(n)
        if lags > 0 {
            for l in 1...lags {
                var g = 0.0
                for t in l..<n { g += e[t] * e[t - l] }
                s2 += 2 * (1 - Double(l) / Double(lags + 1)) * g / Double(n)
            }
        }
        return s2 > 0 ? eta / s2 : 0
    }

    /// Differences until KPSS no longer rejects at 5 % (critical value 0.463).
    static func kpssDifferences(_ y: [Double], maxD: Int) -> Int {
        var d = 0
        var w = y
        while d < maxD && kpss(w) > 0.463 {
            d += 1
            w = Differencing.apply(w, d: 1, seasonalD: 0, period: 0)
        }
        return d
    }

    /// Seasonal strength max(0, 1 − var(R)/var(S + R)) from a classical decomposition
    /// (centred moving-average trend, mean seasonal pattern).
    static func strength(_ y: [Double], period s: Int) -> Double {
        let n = y.count
        guard s > 1, n >= 2 * s + 1 else { return 0 }
        var trend = [Double](repeating: .nan, count: n)
        let half = s / 2
        for t in half..<(n - half) {
            var sum = 0.0, weight = 0.0, ok = true
            for k in -half...half {
                let v = y[t + k]
                if !v.isFinite { ok = false; break }
                let w = (s % 2 == 0 && abs(k) == half) ? 0.5 : 1.0
                sum += w * v
                weight += w
            }
            if ok { trend[t] = sum / weight }
        }
        var phaseSum = [Double](repeating: 0, count: s), phaseCount = [Double](repeating: 0, count: s)
        for t in 0..<n where trend[t].isFinite && y[t].isFinite {
            phaseSum[t % s] += y[t] - trend[t]
            phaseCount[t % s] += 1
        }
        var pattern = (0..<s).map { phaseCount[$0] > 0 ? phaseSum[$0] / phaseCount[$0] : 0 }
        let centre = pattern.reduce(0, +) / Double(s)
        pattern = pattern.map { $0 - centre }
        var remainder: [Double] = [], detrended: [Double] = []
        for t in 0..<n where trend[t].isFinite && y[t].isFinite {
            detrended.append(y[t] - trend[t])
            remainder.append(y[t] - trend[t] - pattern[t % s])
        }
        func variance(_ v: [Double]) -> Double {
            let m = v.reduce(0, +) / Double(max(v.count, 1))
            return v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(max(v.count - 1, 1))
        }
        let total = variance(detrended)
        return total > 0 ? max(0, 1 - variance(remainder) / total) : 0
    }
}
