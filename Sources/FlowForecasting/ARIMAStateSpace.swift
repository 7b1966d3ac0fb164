/// The state-space form of a (seasonal) ARIMA model, laid out exactly as statsmodels'
/// SARIMAX with `simple_differencing=False` (so likelihoods agree):
///
/// - states `0..<d` carry the ordinary differences, then `D` blocks of `s` states carry
///   the seasonal differences, then `max(p+sP, q+sQ+1)` ARMA states in Harvey's
///   companion form (AR coefficients down the first column, ones on the superdiagonal,
///   selection `[1, θ₁, …]`);
/// - design `Z` picks every differencing state that adds back into yₜ plus the first ARMA
///   state; the observation equation has no noise;
/// - the differencing states start approximately diffuse (variance `diffuseVariance`,
///   statsmodels' default 1e6) and their first `d + sD` observations are left out of the
///   likelihood (the "burn"); the ARMA block starts from its stationary covariance.
///
/// The transition is sparse (at most a few entries per row) and kept as compressed rows,
/// so one Kalman step costs O(nnz·m) instead of O(m³).
struct ARIMAStateSpace {
    let order: ARIMAOrder
    /// Number of states m.
    let states: Int
    let differencingStates: Int
    let armaStates: Int
    /// Compressed sparse rows of the transition T.
    var rowStart: [Int]
    var columns: [Int]
    var values: [Double]
    /// Indices of the states the observation adds up (all with coefficient 1).
    let designIndices: [Int]
    /// Selection vector R (length m); the state disturbance variance is σ².
    var selection: [Double]
    /// Positions in `values` of the AR coefficients (first column of the ARMA block).
    private var arSlots: [Int]

    init(order: ARIMAOrder) {
        self.order = order
        let s = order.isSeasonal ? order.period : 0
        let d = order.d
        let bigD = order.isSeasonal ? order.seasonalD : 0
        let kdiff = d + s * bigD
        let korder = max(order.fullAR, order.fullMA + 1)
        let m = kdiff + korder
        states = m
        differencingStates = kdiff
        armaStates = korder

        var design: [Int] = Array(0..<d)
        for block in 0..<bigD { design.append(d + block * s + s - 1) }
        design.append(kdiff)
        designIndices = design

        // Dense construction (small m, once per model), then compress.
        var t = [[Double]](repeating: [Double](repeating: 0, count: m), count: m)
        if d > 0 {
            for i in 0..<d { for j in i..<d { t[i][j] = 1 } }
            for i in 0..<d {
                for block in 0..<bigD { t[i][d + block * s + s - 1] = 1 }
                t[i][kdiff] = 1
            }
        }
        for block in 0..<bigD {
            let start = d + block * s
            let end = start + s
            for j in 1..<s { t[start + j][start + j - 1] = 1 }
            t[start][start + s - 1] = 1
            if block < bigD - 1 { t[start][end + s - 1] = 1 }
            t[start][kdiff] = 1
        }
        for i in 0..<(korder - 1) { t[kdiff + i][kdiff + i + 1] = 1 }
        // Mark AR slots with a sentinel so they are kept in the sparse pattern.
        let arCount = order.fullAR
        var rows: [Int] = [0]
        var cols: [Int] = []
        var vals: [Double] = []
        var slots: [Int] = []
        for i in 0..<m {
            for j in 0..<m {
                let isAR = j == kdiff && i >= kdiff && i - kdiff < arCount
                if isAR { slots.append(vals.count) }
                if t[i][j] != 0 || isAR {
                    cols.append(j)
                    vals.append(t[i][j])
                }
            }
            rows.append(cols.count)
        }
        rowStart = rows
        columns = cols
        values = vals
        arSlots = slots
        selection = [Double](repeating: 0, count: m)
        selection[kdiff] = 1
    }

    /// Sets the multiplied-out AR (c in 1 − Σcₖ Lᵏ) and MA (1 + Σcₖ Lᵏ) coefficients.
    mutating func setCoefficients(ar: [Double], ma: [Double]) {
        for (k, slot) in arSlots.enumerated() { values[slot] = k < ar.count ? ar[k] : 0 }
        for i in 1..<armaStates { selection[differencingStates + i] = i - 1 < ma.count ? ma[i - 1] : 0 }
    }

    /// Stationary covariance of the ARMA block for unit disturbance variance, solving
    /// P = T P Tᵀ + R Rᵀ by the doubling iteration (P = Σₖ Tᵏ RRᵀ Tᵀᵏ, squaring T each step).
    /// Returns nil when it does not converge (a root on the unit circle).
    func stationaryCovariance() -> [Double]? {
        let k = armaStates
        let off = differencingStates
        var a = [Double](repeating: 0, count: k * k)
        for i in 0..<k {
            for idx in rowStart[off + i]..<rowStart[off + i + 1] {
                let j = columns[idx] - off
                if j >= 0 && j < k { a[i * k + j] = values[idx] }
            }
        }
        var x = [Double](repeating: 0, count: k * k)
        for i in 0..<k { for j in 0..<k { x[i * k + j] = selection[off + i] * selection[off + j] } }
        if k == 1 {
            let phi = a[0]
            if !(abs(phi) < 1) { return nil }
            return [x[0] / (1 - phi * phi)]
        }
        var tmp = [Double](repeating: 0, count: k * k)
        var tmp2 = [Double](repeating: 0, count: k * k)
        for _ in 0..<80 {
            // tmp = A X; tmp2 = tmp Aᵀ; X += tmp2
            Dense.multiply(a, x, into: &tmp, n: k)
            Dense.multiplyTransposed(tmp, a, into: &tmp2, n: k)
            var change = 0.0, size = 0.0
            for i in 0..<(k * k) {
                x[i] += tmp2[i]
                change = max(change, abs(tmp2[i]))
                size = max(size, abs(x[i]))
            }
            if !size.isFinite { return nil }
            if change <= 1e-16 * size { return x }
            Dense.multiply(a, a, into: &tmp, n: k)
            swap(&a, &tmp)
        }
        return nil
    }
}

/// Small dense square-matrix helpers (row-major, n×n).
enum Dense {
    static func multiply(_ a: [Double], _ b: [Double], into c: inout [Double], n: Int) {
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    for i in 0..<n {
                        for j in 0..<n { pc[i * n + j] = 0 }
                        for k in 0..<n {
                            let v = pa[i * n + k]
                            if v == 0 { continue }
                            for j in 0..<n { pc[i * n + j] += v * pb[k * n + j] }
                        }
                    }
                }
            }
        }
    }

    /// c = a · bᵀ
    static func multiplyTransposed(_ a: [Double], _ b: [Double], into c: inout [Double], n: Int) {
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    for i in 0..<n {
                        for j in 0..<n {
                            var s = 0.0
                            for k in 0..<n { s += pa[i * n + k] * pb[j * n + k] }
                            pc[i * n + j] = s
                        }
                    }
                }
            }
        }
    }
}
