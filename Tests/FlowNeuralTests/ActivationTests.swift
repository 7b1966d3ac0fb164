import Foundation
import Testing
@testable import FlowNeural

@Suite("Vectorised exp, sigmoid and tanh")
struct ActivationTests {
    /// Every 1/1024 over ±20, and points where the formulas switch or clamp.
    static let grid: [Float] = (-20 * 1024...20 * 1024).map { Float($0) / 1024 }
        + [0, -0.0, 0.125, -0.125, 0.124_999_99, 1e-7, -1e-7, 1e-30, 87, -87, 88, 100, -100, 1e6, -1e6]

    @Test func expRelativeError() {
        var worst = 0.0
        for x in stride(from: Float(-87), through: 88, by: 1.0 / 64) + Self.grid.filter({ abs($0) <= 87 }) {
            let got = Double(Activations.exp(x)), want = Foundation.exp(Double(x))
            worst = max(worst, abs(got - want) / want)
        }
        #expect(worst <= 4e-7, "exp: worst relative error \(worst)")
        #expect(Activations.exp(-200) > 0 && Activations.exp(-200).isNormal, "clamped below, not 0 or denormal")
        #expect(Activations.exp(200).isFinite)
    }

    @Test func sigmoidAndTanhAbsoluteError() {
        var worstSigmoid = 0.0, worstTanh = 0.0, worstTanhRelative = 0.0
        for x in Self.grid {
            let d = Double(x)
            worstSigmoid = max(worstSigmoid, abs(Double(Activations.sigmoid(x)) - 1 / (1 + Foundation.exp(-d))))
            let t = Foundation.tanh(d)
            worstTanh = max(worstTanh, abs(Double(Activations.tanh(x)) - t))
            if t != 0 { worstTanhRelative = max(worstTanhRelative, abs(Double(Activations.tanh(x)) - t) / abs(t)) }
        }
        #expect(worstSigmoid <= 4e-7, "sigmoid: worst absolute error \(worstSigmoid)")
        #expect(worstTanh <= 4e-7, "tanh: worst absolute error \(worstTanh)")
        #expect(worstTanhRelative <= 4e-7, "tanh: worst relative error \(worstTanhRelative)")
        #expect(Activations.tanh(1e6) == 1 && Activations.tanh(-1e6) == -1 && Activations.sigmoid(-1e6) >= 0 && Activations.sigmoid(1e6) == 1)
    }

    /// A buffer's tail (fewer than 8 values) gets the same bits as a full vector's lanes.
    @Test func buffersMatchScalars() {
        let values = (0..<21).map { Float($0) * 0.37 - 3.1 }
        var buffer = values
        buffer.withUnsafeMutableBufferPointer { Activations.sigmoid($0.baseAddress!, 21) }
        #expect(buffer == values.map { Activations.sigmoid($0) })
        var out = [Float](repeating: 0, count: 21)
        values.withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { Activations.tanh(x.baseAddress!, $0.baseAddress!, 21) } }
        #expect(out == values.map { Activations.tanh($0) })
    }
}

@Suite("Register-blocked kernels")
struct BlockedKernelTests {
    static func random(_ n: Int, _ seed: UInt64) -> [Float] { NeuralPeerExport.randomTensor([n], seed: seed).array }

    /// y += x·wt for shapes that use the 32-wide blocks, the 8-wide ones and the scalar tail.
    @Test(arguments: [(32, 128), (8, 96), (5, 37), (16, 3), (1, 1)])
    func rowTimesTransposed(_ shape: (Int, Int)) {
        let (inner, outputs) = shape
        let x = Self.random(inner, 1), wt = Self.random(inner * outputs, 2), y0 = Self.random(outputs, 3)
        var y = y0
        x.withUnsafeBufferPointer { xp in wt.withUnsafeBufferPointer { wp in y.withUnsafeMutableBufferPointer {
            Kernels.rowTimesTransposed(xp.baseAddress!, wp.baseAddress!, $0.baseAddress!, inner: inner, outputs: outputs)
        } } }
        for o in 0..<outputs {
            let want = Double(y0[o]) + (0..<inner).reduce(0.0) { $0 + Double(x[$1]) * Double(wt[$1 * outputs + o]) }
            #expect(abs(Double(y[o]) - want) <= 1e-5, "output \(o) of \(shape)")
        }
    }

    /// dw += Σₙ dy[n]ᵀ x[n] (rows last to first) against a Double sum.
    @Test(arguments: [(47, 128, 32), (3, 24, 8), (5, 7, 37), (1, 2, 3)])
    func reversedOuterAccumulate(_ shape: (Int, Int, Int)) {
        let (rows, outputs, inner) = shape
        let dy = Self.random(rows * outputs, 4), x = Self.random(rows * inner, 5), dw0 = Self.random(outputs * inner, 6)
        var dw = dw0
        dy.withUnsafeBufferPointer { d in x.withUnsafeBufferPointer { xp in dw.withUnsafeMutableBufferPointer {
            Kernels.reversedOuterAccumulate(d.baseAddress!, xp.baseAddress!, $0.baseAddress!, rows: rows, outputs: outputs, inner: inner)
        } } }
        for o in 0..<outputs {
            for i in 0..<inner {
                let want = Double(dw0[o * inner + i]) + (0..<rows).reduce(0.0) { $0 + Double(dy[$1 * outputs + o]) * Double(x[$1 * inner + i]) }
                #expect(abs(Double(dw[o * inner + i]) - want) <= 1e-5, "dw[\(o), \(i)] of \(shape)")
            }
        }
    }
}
