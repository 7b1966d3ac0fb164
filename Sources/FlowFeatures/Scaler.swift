/// How features are scaled before clustering; fitted on the training data and saved with
/// the model, so scoring applies exactly the training transform.
public enum ScalerKind: String, Sendable, Codable, CaseIterable {
    /// (x − mean) / standard deviation (population, as scikit-learn's StandardScaler).
    case standard
    /// (x − median) / interquartile range (scikit-learn's RobustScaler, quantiles 25–75).
    case robust
    /// No scaling.
    case none
}

/// A fitted per-column transform: optional `log1p` on heavy-tailed columns first, then
/// `(x − centre) / scale`. Columns with zero spread get scale 1.
public struct FittedScaler: Sendable, Codable, Equatable {
    public var kind: ScalerKind
    /// Per column: apply log1p(max(x, 0)) before centring.
    public var log1p: [Bool]
    public var centre: [Double]
    public var scale: [Double]

    public init(kind: ScalerKind, log1p: [Bool], centre: [Double], scale: [Double]) {
        self.kind = kind
        self.log1p = log1p
        self.centre = centre
        self.scale = scale
    }

    /// Fits on `matrix` (raw features). `log1p` lists the columns to log-transform.
    public static func fit(_ matrix: FeatureMatrix, kind: ScalerKind, log1p: [Bool]) -> FittedScaler {
        let d = matrix.columns
        var centre = [Double](repeating: 0, count: d)
        var scale = [Double](repeating: 1, count: d)
        let n = matrix.rows
        if n > 0 && kind != .none {
            var column = [Double](repeating: 0, count: n)
            for j in 0..<d {
                for i in 0..<n { column[i] = transformed(matrix.values[i * d + j], log1p[j]) }
                switch kind {
                case .standard:
                    var sum = 0.0
                    for v in column { sum += v }
                    let mean = sum / Double(n)
                    var ss = 0.0
                    for v in column { ss += (v - mean) * (v - mean) }
                    centre[j] = mean
                    let sd = (ss / Double(n)).squareRoot()
                    scale[j] = sd > 1e-12 ? sd : 1
                case .robust:
                    column.sort()
                    centre[j] = quantile(column, 0.5)
                    let iqr = quantile(column, 0.75) - quantile(column, 0.25)
                    scale[j] = iqr > 1e-12 ? iqr : 1
                case .none:
                    break
                }
            }
        }
        return FittedScaler(kind: kind, log1p: log1p, centre: centre, scale: scale)
    }

    @inline(__always)
    static func transformed(_ x: Double, _ log: Bool) -> Double {
        log ? _log1p(Swift.max(x, 0)) : x
    }

    /// Linear-interpolated quantile of sorted values (numpy's default, as RobustScaler).
    package static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        if sorted.isEmpty { return 0 }
        let position = q * Double(sorted.count - 1)
        let lo = Int(position)
        let hi = Swift.min(lo + 1, sorted.count - 1)
        let f = position - Double(lo)
        return sorted[lo] + (sorted[hi] - sorted[lo]) * f
    }

    /// The scaled copy of a raw matrix (same shape, same names).
    public func transform(_ matrix: FeatureMatrix) -> FeatureMatrix {
        var out = matrix
        let d = matrix.columns
        out.values.withUnsafeMutableBufferPointer { v in
            Parallel.forEachChunk(count: matrix.rows) { _, range in
                for i in range {
                    for j in 0..<d {
                        v[i * d + j] = (FittedScaler.transformed(v[i * d + j], log1p[j]) - centre[j]) / scale[j]
                    }
                }
            }
        }
        return out
    }

    /// The raw value of a scaled value in column `j` (for evidence in original units).
    public func inverse(_ scaled: Double, column j: Int) -> Double {
        let x = scaled * scale[j] + centre[j]
        return log1p[j] ? _expm1(x) : x
    }
}

#if canImport(Glibc)
import Glibc
@inline(__always) func _log1p(_ x: Double) -> Double { Glibc.log1p(x) }
@inline(__always) func _expm1(_ x: Double) -> Double { Glibc.expm1(x) }
#else
import Darwin
@inline(__always) func _log1p(_ x: Double) -> Double { Darwin.log1p(x) }
@inline(__always) func _expm1(_ x: Double) -> Double { Darwin.expm1(x) }
#endif
