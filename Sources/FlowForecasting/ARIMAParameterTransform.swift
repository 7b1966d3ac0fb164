import Foundation

/// Maps unconstrained optimizer coordinates to stationary AR / invertible MA coefficients
/// and back: the Monahan (1984) / Jones (1980) reparameterisation through partial
/// autocorrelations r_k = u_k / sqrt(1 + u_k²) ∈ (−1, 1) and the Durbin–Levinson
/// recursion, the same map statsmodels' SARIMAX uses. Every point of Rⁿ is a
/// stationary polynomial 1 − φ₁L − … − φₙLⁿ, so the optimizer never leaves the region.
enum ARIMAParameterTransform {
    /// Stationary AR coefficients φ (for 1 − Σφᵢ Lⁱ) from unconstrained `u`.
    static func constrainStationary(_ u: ArraySlice<Double>) -> [Double] {
        let n = u.count
        if n == 0 { return [] }
        var previous = [Double](repeating: 0, count: n)
        var current = [Double](repeating: 0, count: n)
        for (k, value) in u.enumerated() {
            let r = value / (1 + value * value).squareRoot()
            for i in 0..<k { current[i] = previous[i] + r * previous[k - i - 1] }
            current[k] = r
            swap(&previous, &current)
        }
        return previous.map { -$0 }
    }

    /// Inverse of `constrainStationary` (for coefficients strictly inside the region).
    static func unconstrainStationary(_ phi: [Double]) -> [Double] {
        let n = phi.count
        if n == 0 { return [] }
        var y = phi.map { -$0 }
        var r = [Double](repeating: 0, count: n)
        for k in stride(from: n - 1, through: 0, by: -1) {
            let rk = y[k]
            r[k] = rk
            if k == 0 { break }
            var next = [Double](repeating: 0, count: k)
            let denom = 1 - rk * rk
            for i in 0..<k { next[i] = (y[i] - rk * y[k - i - 1]) / denom }
            y = next
        }
        return r.map { value in
            let c = min(max(value, -0.999_999_9), 0.999_999_9)
            return c / (1 - c * c).squareRoot()
        }
    }

    /// Whether 1 − Σφᵢ Lⁱ has all roots outside the unit circle (checked by the
    /// step-down recursion: every partial autocorrelation strictly inside (−1, 1)).
    static func isStationary(_ phi: [Double]) -> Bool {
        var y = phi.map { -$0 }
        var k = y.count - 1
        while k >= 0 {
            let rk = y[k]
            if !(abs(rk) < 1) { return false }
            if k == 0 { return true }
            let denom = 1 - rk * rk
            var next = [Double](repeating: 0, count: k)
            for i in 0..<k { next[i] = (y[i] - rk * y[k - i - 1]) / denom }
            y = next
            k -= 1
        }
        return true
    }
}

/// Multiplies out φ(L)Φ(Lˢ) and θ(L)Θ(Lˢ) into the coefficient lists the state space uses.
enum ARIMAPolynomials {
    /// AR coefficients of (1 − Σφᵢ Lⁱ)(1 − ΣΦⱼ L^{sj}) written as 1 − Σ cₖ Lᵏ; returns c₁…c_n.
    static func reducedAR(_ phi: [Double], _ seasonalPhi: [Double], period: Int) -> [Double] {
        let a = [1.0] + phi.map { -$0 }
        var b = [Double](repeating: 0, count: seasonalPhi.count * period + 1)
        b[0] = 1
        for (j, v) in seasonalPhi.enumerated() { b[(j + 1) * period] = -v }
        return multiply(a, b).dropFirst().map { -$0 }
    }

    /// MA coefficients of (1 + Σθᵢ Lⁱ)(1 + ΣΘⱼ L^{sj}) written as 1 + Σ cₖ Lᵏ; returns c₁…c_n.
    static func reducedMA(_ theta: [Double], _ seasonalTheta: [Double], period: Int) -> [Double] {
        let a = [1.0] + theta
        var b = [Double](repeating: 0, count: seasonalTheta.count * period + 1)
        b[0] = 1
        for (j, v) in seasonalTheta.enumerated() { b[(j + 1) * period] = v }
        return Array(multiply(a, b).dropFirst())
    }

    /// Below this resultant magnitude an AR and an MA polynomial count as nearly cancelling.
    static let cancellationTolerance = 0.01

    /// Whether 1 − Σφᵢ zⁱ and 1 + Σθⱼ zʲ nearly share a root: |resultant| below
    /// `cancellationTolerance`. The resultant is the determinant of the Sylvester matrix
    /// (zero exactly when the two share a root); for φ and θ of one coefficient each it is
    /// ±(φ + θ).
    static func nearlyCommonRoot(ar phi: [Double], ma theta: [Double]) -> Bool {
        guard !phi.isEmpty, !theta.isEmpty else { return false }
        // Coefficients from the highest power down.
        let a = ([1.0] + phi.map { -$0 }).reversed().map { $0 }
        let b = ([1.0] + theta).reversed().map { $0 }
        let m = a.count - 1, n = b.count - 1, size = m + n
        var s = [Double](repeating: 0, count: size * size)
        for r in 0..<n { for (k, v) in a.enumerated() { s[r * size + r + k] = v } }
        for r in 0..<m { for (k, v) in b.enumerated() { s[(n + r) * size + r + k] = v } }
        return abs(determinant(&s, size)) < cancellationTolerance
    }

    /// Determinant of a small dense n × n matrix (row-major, destroyed), by Gaussian
    /// elimination with partial pivoting.
    static func determinant(_ s: inout [Double], _ n: Int) -> Double {
        var det = 1.0
        for c in 0..<n {
            var pivot = c
            for r in (c + 1)..<max(n, c + 1) where abs(s[r * n + c]) > abs(s[pivot * n + c]) { pivot = r }
            if s[pivot * n + c] == 0 { return 0 }
            if pivot != c {
                for k in 0..<n { s.swapAt(c * n + k, pivot * n + k) }
                det = -det
            }
            let p = s[c * n + c]
            det *= p
            for r in (c + 1)..<max(n, c + 1) {
                let f = s[r * n + c] / p
                if f == 0 { continue }
                for k in c..<n { s[r * n + k] -= f * s[c * n + k] }
            }
        }
        return det
    }

    static func multiply(_ a: [Double], _ b: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: a.count + b.count - 1)
        for i in a.indices where a[i] != 0 {
            for j in b.indices { out[i + j] += a[i] * b[j] }
        }
        return out
    }
}
