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
                    rowTimesTransposed(x + n * inner, wt, yr, inner: inner, outputs: outputs)
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
    /// product of one step. Register-blocked: 32 outputs stay in four 8-lane accumulators
    /// while the inner loop runs (one load of y per block, not one per input), then 8 at a
    /// time, then the rest; each y[o] still adds x[i]·wt[i, o] in increasing i, the order
    /// of repeated `axpy`.
    @inline(__always)
    static func rowTimesTransposed(_ x: UnsafePointer<Float>, _ wt: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                                   inner: Int, outputs: Int) {
        typealias V = SIMD8<Float>
        let rw = UnsafeRawPointer(wt), ry = UnsafeMutableRawPointer(y)
        var o = 0
        while o + 32 <= outputs {
            var a = Block32(ry + 4 * o)
            for i in 0..<inner { a.add(x[i], rw + 4 * (i * outputs + o)) }
            a.store(ry + 4 * o)
            o += 32
        }
        while o + 8 <= outputs {
            var a = ry.loadUnaligned(fromByteOffset: 4 * o, as: V.self)
            for i in 0..<inner { a += V(repeating: x[i]) * rw.loadUnaligned(fromByteOffset: 4 * (i * outputs + o), as: V.self) }
            ry.storeBytes(of: a, toByteOffset: 4 * o, as: V.self)
            o += 8
        }
        while o < outputs {
            var a = y[o]
            for i in 0..<inner { a += x[i] * wt[i * outputs + o] }
            y[o] = a
            o += 1
        }
    }

    /// dw[o, i] += Σₙ dy[n, o] · x[n, i] over `rows` rows taken last to first (dw: outputs ×
    /// inner, dy: rows × outputs, x: rows × inner): the recurrent weight gradient of a whole
    /// sequence after its time loop, in the order the steps were visited. Each dw row stays
    /// in registers (32 at a time) while the rows run.
    @inline(__always)
    static func reversedOuterAccumulate(_ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ dw: UnsafeMutablePointer<Float>,
                                        rows: Int, outputs: Int, inner: Int) {
        typealias V = SIMD8<Float>
        let rx = UnsafeRawPointer(x)
        for o in 0..<outputs {
            let rd = UnsafeMutableRawPointer(dw + o * inner)
            var i = 0
            while i + 32 <= inner {
                var a = Block32(rd + 4 * i)
                for n in stride(from: rows - 1, through: 0, by: -1) { a.add(dy[n * outputs + o], rx + 4 * (n * inner + i)) }
                a.store(rd + 4 * i)
                i += 32
            }
            while i + 8 <= inner {
                var a = rd.loadUnaligned(fromByteOffset: 4 * i, as: V.self)
                for n in stride(from: rows - 1, through: 0, by: -1) {
                    a += V(repeating: dy[n * outputs + o]) * rx.loadUnaligned(fromByteOffset: 4 * (n * inner + i), as: V.self)
                }
                rd.storeBytes(of: a, toByteOffset: 4 * i, as: V.self)
                i += 8
            }
            while i < inner {
                var a = dw[o * inner + i]
                for n in stride(from: rows - 1, through: 0, by: -1) { a += dy[n * outputs + o] * x[n * inner + i] }
                dw[o * inner + i] = a
                i += 1
            }
        }
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
}

/// 32 consecutive floats held in four 8-lane registers: the accumulator block of the
/// register-blocked kernels (loaded once, `add`ed to many times, stored once).
struct Block32 {
    var a0: SIMD8<Float>, a1: SIMD8<Float>, a2: SIMD8<Float>, a3: SIMD8<Float>

    @inline(__always) init(_ p: UnsafeRawPointer) {
        a0 = p.loadUnaligned(fromByteOffset: 0, as: SIMD8<Float>.self)
        a1 = p.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
        a2 = p.loadUnaligned(fromByteOffset: 64, as: SIMD8<Float>.self)
        a3 = p.loadUnaligned(fromByteOffset: 96, as: SIMD8<Float>.self)
    }

    /// self += s · (the 32 floats at p).
    @inline(__always) mutating func add(_ s: Float, _ p: UnsafeRawPointer) {
        let v = SIMD8<Float>(repeating: s)
        a0 += v * p.loadUnaligned(fromByteOffset: 0, as: SIMD8<Float>.self)
        a1 += v * p.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
        a2 += v * p.loadUnaligned(fromByteOffset: 64, as: SIMD8<Float>.self)
        a3 += v * p.loadUnaligned(fromByteOffset: 96, as: SIMD8<Float>.self)
    }

    @inline(__always) func store(_ p: UnsafeMutableRawPointer) {
        p.storeBytes(of: a0, toByteOffset: 0, as: SIMD8<Float>.self)
        p.storeBytes(of: a1, toByteOffset: 32, as: SIMD8<Float>.self)
        p.storeBytes(of: a2, toByteOffset: 64, as: SIMD8<Float>.self)
        p.storeBytes(of: a3, toByteOffset: 96, as: SIMD8<Float>.self)
    }
}
