import Foundation

/// The dense kernels every layer is built from, on raw row-major buffers. Inner loops run
/// over contiguous memory so the compiler vectorises them (SIMD in release builds).
enum Kernels {
    /// y[n, o] (+)= Σᵢ x[n, i] · w[o, i]  (y = x·wᵀ; x: rows × inner, w: outputs × inner).
    @inline(__always)
    static func matmulTransposed(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                                 rows: Int, inner: Int, outputs: Int, accumulate: Bool) {
        if inner < narrow && outputs >= narrow && rows > 1 {
            // Few inputs (a handful of features): rows of wᵀ scaled and added, 8 lanes wide.
            withTransposed(w, outputs, inner) { wt in
                for n in 0..<rows {
                    let yr = y + n * outputs
                    if !accumulate { yr.update(repeating: 0, count: outputs) }
                    for i in 0..<inner { axpy(x[n * inner + i], wt + i * outputs, yr, outputs) }
                }
            }
            return
        }
        for n in 0..<rows {
            let xr = x + n * inner
            let yr = y + n * outputs
            for o in 0..<outputs {
                let s = dot(xr, w + o * inner, inner)
                yr[o] = accumulate ? yr[o] + s : s
            }
        }
    }

    /// y[o] += Σᵢ x[i] · wt[i, o] for one row, with wt = wᵀ [inner, outputs]: the recurrent
    /// product of one step as 8-lane multiply-adds along the outputs (no horizontal sums).
    @inline(__always)
    static func rowTimesTransposed(_ x: UnsafePointer<Float>, _ wt: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                                   inner: Int, outputs: Int) {
        for i in 0..<inner { axpy(x[i], wt + i * outputs, y, outputs) }
    }

    /// Below this many inputs the kernels work on wᵀ so the long dimension is the vector one.
    static let narrow = 16

    /// Runs `body` with mᵀ ([columns, rows]) of the row-major m [rows, columns] in a temporary buffer.
    @inline(__always)
    static func withTransposed(_ m: UnsafePointer<Float>, _ rows: Int, _ columns: Int, _ body: (UnsafeMutablePointer<Float>) -> Void) {
        let t = UnsafeMutablePointer<Float>.allocate(capacity: rows * columns)
        defer { t.deallocate() }
        for r in 0..<rows { for c in 0..<columns { t[c * rows + r] = m[r * columns + c] } }
        body(t)
    }

    /// Σᵢ a[i]·b[i] with two 8-lane accumulators (a fixed order: deterministic).
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        var i = 0
        while i + 16 <= n {
            acc0 += ra.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self) * rb.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
            acc1 += ra.loadUnaligned(fromByteOffset: 4 * i + 32, as: SIMD8<Float>.self) * rb.loadUnaligned(fromByteOffset: 4 * i + 32, as: SIMD8<Float>.self)
            i += 16
        }
        if i + 8 <= n {
            acc0 += ra.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self) * rb.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
            i += 8
        }
        var s = (acc0 + acc1).sum()
        while i < n { s += a[i] * b[i]; i += 1 }
        return s
    }

    /// dx[n, i] += Σₒ dy[n, o] · w[o, i]  (dx += dy·w).
    @inline(__always)
    static func matmulAccumulate(_ dy: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>,
                                 rows: Int, outputs: Int, inner: Int) {
        if inner < narrow && outputs >= narrow && rows > 1 {
            withTransposed(w, outputs, inner) { wt in
                for n in 0..<rows {
                    for i in 0..<inner { dx[n * inner + i] += dot(dy + n * outputs, wt + i * outputs, outputs) }
                }
            }
            return
        }
        for n in 0..<rows {
            let dxr = dx + n * inner
            let dyr = dy + n * outputs
            for o in 0..<outputs {
                let g = dyr[o]
                if g == 0 { continue }
                axpy(g, w + o * inner, dxr, inner)
            }
        }
    }

    /// dw[o, i] += Σₙ dy[n, o] · x[n, i]  (dw += dyᵀ·x).
    @inline(__always)
    static func outerAccumulate(_ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ dw: UnsafeMutablePointer<Float>,
                                rows: Int, outputs: Int, inner: Int) {
        if inner < narrow && outputs >= narrow && rows > 1 {
            // Accumulate dwᵀ with long vectors, then add it transposed.
            let t = UnsafeMutablePointer<Float>.allocate(capacity: inner * outputs)
            defer { t.deallocate() }
            t.initialize(repeating: 0, count: inner * outputs)
            for n in 0..<rows {
                for i in 0..<inner { axpy(x[n * inner + i], dy + n * outputs, t + i * outputs, outputs) }
            }
            for o in 0..<outputs { for i in 0..<inner { dw[o * inner + i] += t[i * outputs + o] } }
            return
        }
        for n in 0..<rows {
            let xr = x + n * inner
            let dyr = dy + n * outputs
            for o in 0..<outputs {
                let g = dyr[o]
                if g == 0 { continue }
                axpy(g, xr, dw + o * inner, inner)
            }
        }
    }

    /// y[i] += a · x[i] for i in 0..<n.
    @inline(__always)
    static func axpy(_ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        let rx = UnsafeRawPointer(x), ry = UnsafeMutableRawPointer(y)
        let va = SIMD8<Float>(repeating: a)
        var i = 0
        while i + 8 <= n {
            let v = ry.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self) + va * rx.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
            ry.storeBytes(of: v, toByteOffset: 4 * i, as: SIMD8<Float>.self)
            i += 8
        }
        while i < n { y[i] += a * x[i]; i += 1 }
    }

    /// tanh through one expf (libm's tanhf goes through the slower expm1f): a short Taylor
    /// series below |x| = 1/8 (error < 1e-9), else (1 − e)/(1 + e) with e = exp(−2|x|).
    @inline(__always) static func tanh(_ x: Float) -> Float {
        let a = abs(x)
        if a < 0.125 {
            let x2 = x * x
            return x * (1 + x2 * (-1.0 / 3 + x2 * (2.0 / 15 + x2 * (-17.0 / 315))))
        }
        let e = expf(-2 * a)
        let t = (1 - e) / (1 + e)
        return x < 0 ? -t : t
    }

    @inline(__always) static func sigmoid(_ x: Float) -> Float {
        if x >= 0 { return 1 / (1 + expf(-x)) }
        let e = expf(x)
        return e / (1 + e)
    }
}
