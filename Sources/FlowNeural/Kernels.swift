/// The dense kernels every layer is built from, on raw row-major buffers. Inner loops run
/// over contiguous memory so the compiler vectorises them (SIMD in release builds).
enum Kernels {
    /// y[n, o] (+)= Σᵢ x[n, i] · w[o, i]  (y = x·wᵀ; x: rows × inner, w: outputs × inner).
    @inline(__always)
    static func matmulTransposed(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                                 rows: Int, inner: Int, outputs: Int, accumulate: Bool) {
        for n in 0..<rows {
            let xr = x + n * inner
            let yr = y + n * outputs
            for o in 0..<outputs {
                let wr = w + o * inner
                var s0: Float = 0, s1: Float = 0, s2: Float = 0, s3: Float = 0
                var i = 0
                while i + 4 <= inner {
                    s0 += xr[i] * wr[i]
                    s1 += xr[i + 1] * wr[i + 1]
                    s2 += xr[i + 2] * wr[i + 2]
                    s3 += xr[i + 3] * wr[i + 3]
                    i += 4
                }
                while i < inner { s0 += xr[i] * wr[i]; i += 1 }
                let s = (s0 + s1) + (s2 + s3)
                yr[o] = accumulate ? yr[o] + s : s
            }
        }
    }

    /// dx[n, i] += Σₒ dy[n, o] · w[o, i]  (dx += dy·w).
    @inline(__always)
    static func matmulAccumulate(_ dy: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>,
                                 rows: Int, outputs: Int, inner: Int) {
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
        for i in 0..<n { y[i] += a * x[i] }
    }

    @inline(__always) static func sigmoid(_ x: Float) -> Float {
        x >= 0 ? 1 / (1 + expf(-x)) : { let e = expf(x); return e / (1 + e) }()
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
