import Foundation

/// Quasi-Newton minimisation (BFGS with an inverse-Hessian update) using central-difference
/// gradients and a backtracking Armijo line search. Objectives may return non-finite
/// values for infeasible points; the line search then shortens the step.
struct BFGSOptimizer {
    var maxIterations = 200
    /// Stop when the largest gradient component is below this.
    var gradientTolerance = 1e-7
    /// Stop when the objective improves by less than this (relative) twice in a row.
    var functionTolerance = 1e-13
    /// Where `relaxed(x)` holds, the gradient tolerance is `relaxedGradientTolerance`
    /// instead (a flat ridge where a tight tolerance only makes the search wander).
    var relaxed: (([Double]) -> Bool)?
    var relaxedGradientTolerance = 1e-5

    struct Result {
        var x: [Double]
        var value: Double
        var iterations: Int
        var evaluations: Int
        var converged: Bool
    }

    func minimize(_ start: [Double], _ f: ([Double]) -> Double) -> Result {
        let n = start.count
        var evaluations = 0
        func eval(_ x: [Double]) -> Double {
            evaluations += 1
            let v = f(x)
            return v.isFinite ? v : .infinity
        }
        var x = start
        var fx = eval(x)
        if n == 0 || !fx.isFinite {
            return Result(x: x, value: fx, iterations: 0, evaluations: evaluations, converged: n == 0 && fx.isFinite)
        }
        func gradient(_ x: [Double], _ fx: Double) -> [Double] {
            var g = [Double](repeating: 0, count: n)
            var xp = x
            for i in 0..<n {
                let h = 1e-5 * max(1, abs(x[i]))
                xp[i] = x[i] + h
                let up = eval(xp)
                xp[i] = x[i] - h
                let down = eval(xp)
                xp[i] = x[i]
                if up.isFinite && down.isFinite {
                    g[i] = (up - down) / (2 * h)
                } else if up.isFinite {
                    g[i] = (up - fx) / h
                } else if down.isFinite {
                    g[i] = (fx - down) / h
                }
            }
            return g
        }
        var g = gradient(x, fx)
        var h = identity(n)
        var converged = false
        var smallSteps = 0
        var iteration = 0
        while iteration < maxIterations {
            iteration += 1
            let tolerance = relaxed?(x) == true ? max(gradientTolerance, relaxedGradientTolerance) : gradientTolerance
            if g.map(abs).max()! < tolerance { converged = true; break }
            var direction = [Double](repeating: 0, count: n)
            for i in 0..<n { for j in 0..<n { direction[i] -= h[i * n + j] * g[j] } }
            var slope = zip(direction, g).reduce(0) { $0 + $1.0 * $1.1 }
            if !(slope < 0) {
                // Not a descent direction: restart from steepest descent.
                h = identity(n)
                direction = g.map { -$0 }
                slope = -g.reduce(0) { $0 + $1 * $1 }
            }
            // Keep steps moderate in the unconstrained coordinates.
            let length = direction.map(abs).max()!
            var step = length > 10 ? 10 / length : 1.0
            var xNew = x
            var fNew = Double.infinity
            var accepted = false
            for _ in 0..<40 {
                for i in 0..<n { xNew[i] = x[i] + step * direction[i] }
                fNew = eval(xNew)
                if fNew.isFinite && fNew <= fx + 1e-4 * step * slope { accepted = true; break }
                step *= 0.5
            }
            if !accepted {
                if h != identity(n) { h = identity(n); continue }
                converged = true  // no further progress possible from here
                break
            }
            let gNew = gradient(xNew, fNew)
            let s = (0..<n).map { xNew[$0] - x[$0] }
            let yv = (0..<n).map { gNew[$0] - g[$0] }
            let sy = zip(s, yv).reduce(0) { $0 + $1.0 * $1.1 }
            if sy > 1e-14 {
                // H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ
                let rho = 1 / sy
                var hy = [Double](repeating: 0, count: n)
                for i in 0..<n { for j in 0..<n { hy[i] += h[i * n + j] * yv[j] } }
                let yhy = zip(yv, hy).reduce(0) { $0 + $1.0 * $1.1 }
                for i in 0..<n {
                    for j in 0..<n {
                        h[i * n + j] += -rho * (hy[i] * s[j] + s[i] * hy[j]) + (rho * rho * yhy + rho) * s[i] * s[j]
                    }
                }
            }
            let improvement = fx - fNew
            x = xNew
            g = gNew
            let previous = fx
            fx = fNew
            if improvement <= functionTolerance * max(1, abs(previous)) {
                smallSteps += 1
                if smallSteps >= 2 { converged = true; break }
            } else {
                smallSteps = 0
            }
        }
        return Result(x: x, value: fx, iterations: iteration, evaluations: evaluations, converged: converged)
    }

    private func identity(_ n: Int) -> [Double] {
        var m = [Double](repeating: 0, count: n * n)
        for i in 0..<n { m[i * n + i] = 1 }
        return m
    }
}
