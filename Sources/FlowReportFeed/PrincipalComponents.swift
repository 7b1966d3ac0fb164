import FlowFeatures

/// Principal components from accumulated sums: the covariance of rows added one at a time
/// (bounded memory), its eigenvectors by cyclic Jacobi rotations, and deterministic signs
/// (each component's largest-magnitude loading is positive).
public struct PrincipalComponents: Sendable {
    public let dimensions: Int
    public private(set) var count: Int64 = 0
    private var sum: [Double]
    /// Upper triangle used; d × d row-major sums of products.
    private var products: [Double]

    public init(dimensions: Int) {
        self.dimensions = dimensions
        sum = [Double](repeating: 0, count: dimensions)
        products = [Double](repeating: 0, count: dimensions * dimensions)
    }

    /// Adds row `i` of `x` (non-finite values count as 0).
    public mutating func add(_ x: FeatureMatrix, row i: Int) {
        let d = dimensions
        count += 1
        for a in 0..<d {
            let va = finite(x[i, a])
            sum[a] += va
            for b in a..<d { products[a * d + b] += va * finite(x[i, b]) }
        }
    }

    @inline(__always) private func finite(_ v: Double) -> Double { v.isFinite ? v : 0 }

    public var mean: [Double] { count > 0 ? sum.map { $0 / Double(count) } : sum }

    /// Population covariance, d × d row-major.
    public var covariance: [Double] {
        let d = dimensions, m = mean
        var c = [Double](repeating: 0, count: d * d)
        guard count > 0 else { return c }
        for a in 0..<d {
            for b in a..<d {
                let v = products[a * d + b] / Double(count) - m[a] * m[b]
                c[a * d + b] = v
                c[b * d + a] = v
            }
        }
        return c
    }

    /// The top `n` components: (eigenvalue, unit eigenvector), largest eigenvalue first.
    public func components(_ n: Int) -> [(variance: Double, vector: [Double])] {
        let (values, vectors) = Self.jacobiEigen(covariance, dimensions)
        let d = dimensions
        let order: [Int] = (0..<d).sorted { (a: Int, b: Int) -> Bool in values[a] != values[b] ? values[a] > values[b] : a < b }
        return order.prefix(n).map { k in
            var v = (0..<d).map { vectors[$0 * d + k] }
            var largest = 0
            for j in 0..<d where abs(v[j]) > abs(v[largest]) + 1e-12 { largest = j }
            if v[largest] < 0 { v = v.map { -$0 } }
            return (max(values[k], 0), v)
        }
    }

    /// Eigenvalues and eigenvectors (columns of the returned row-major matrix) of a
    /// symmetric matrix by cyclic Jacobi sweeps.
    static func jacobiEigen(_ matrix: [Double], _ d: Int) -> (values: [Double], vectors: [Double]) {
        var a = matrix
        var v = [Double](repeating: 0, count: d * d)
        for i in 0..<d { v[i * d + i] = 1 }
        for _ in 0..<100 {
            var off = 0.0
            for p in 0..<d { for q in (p + 1)..<max(p + 1, d) { off += a[p * d + q] * a[p * d + q] } }
            if off < 1e-22 { break }
            for p in 0..<d {
                for q in (p + 1)..<max(p + 1, d) where abs(a[p * d + q]) > 1e-300 {
                    let theta = (a[q * d + q] - a[p * d + p]) / (2 * a[p * d + q])
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<d {
                        let akp = a[k * d + p], akq = a[k * d + q]
                        a[k * d + p] = c * akp - s * akq
                        a[k * d + q] = s * akp + c * akq
                    }
                    for k in 0..<d {
                        let apk = a[p * d + k], aqk = a[q * d + k]
                        a[p * d + k] = c * apk - s * aqk
                        a[q * d + k] = s * apk + c * aqk
                    }
                    for k in 0..<d {
                        let vkp = v[k * d + p], vkq = v[k * d + q]
                        v[k * d + p] = c * vkp - s * vkq
                        v[k * d + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        return ((0..<d).map { a[$0 * d + $0] }, v)
    }
}
