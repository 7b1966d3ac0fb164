import FlowRandom
import Foundation

/// The parts LSTM, GRU and the plain RNN share: input weights Wₓ [gates·hidden, inputs],
/// recurrent weights Wₕ [gates·hidden, hidden], the input projection of every time step
/// computed in one product before the time loop, and PyTorch's initialisation
/// (uniform ±1/√hidden for every weight and bias).
enum Recurrent {
    static func initialValues(inputs: Int, hidden: Int, gates: Int, biases: Int, random: inout SplitMix64) -> [Tensor] {
        let bound = 1 / Double(hidden).squareRoot()
        var values = [Initialiser.uniform([gates * hidden, inputs], bound: bound, &random),
                      Initialiser.uniform([gates * hidden, hidden], bound: bound, &random)]
        for _ in 0..<biases { values.append(Initialiser.uniform([gates * hidden], bound: bound, &random)) }
        return values
    }

    /// The input and recurrent weight parameters from `values[0]`, `values[1]`.
    static func weights(_ values: [Tensor]) -> (Parameter, Parameter) {
        (Parameter(name: "weight_ih", value: values[0], decays: true), Parameter(name: "weight_hh", value: values[1], decays: true))
    }

    /// x·Wₓᵀ for every (batch, time) row: [batch·time, gates·hidden].
    static func inputProjection(_ x: Tensor, _ wx: Tensor, width: Int) -> Tensor {
        let (b, t, f) = x.btf
        let z = Tensor(zeros: [b, t, width])
        Kernels.matmulTransposed(x.data, wx.data, z.data, rows: b * t, inner: f, outputs: width, accumulate: false)
        return z
    }

    /// After the time loop: dWₓ += dZᵀ·x and dx = dZ·Wₓ.
    static func inputBackward(_ dz: Tensor, _ x: Tensor, _ wx: Parameter, width: Int) -> Tensor {
        let (b, t, f) = x.btf
        let dx = Tensor(zeros: x.shape)
        Kernels.outerAccumulate(dz.data, x.data, wx.gradient.data, rows: b * t, outputs: width, inner: f)
        Kernels.matmulAccumulate(dz.data, wx.value.data, dx.data, rows: b * t, outputs: width, inner: f)
        return dx
    }

    /// One step back through the recurrent product: dh += Wₕᵀ·dz (dz: the `width`
    /// pre-activation gradients of the step). The weight gradient waits for
    /// `recurrentWeightBackward` after the time loop.
    @inline(__always)
    static func stepBackward(_ dz: UnsafePointer<Float>, _ wh: Parameter, into dh: UnsafeMutablePointer<Float>, width: Int, hidden: Int) {
        Kernels.rowTimesTransposed(dz, wh.value.data, dh, inner: width, outputs: hidden)
    }

    /// After the time loop: dWₕ += Σ_{b, t ≥ 1} dz[b, t] ⊗ h[b, t − 1] (dz: [batch, time,
    /// width] pre-activation gradients of the recurrent product, h: the layer's outputs),
    /// the steps of a sequence last to first as the loop visited them.
    static func recurrentWeightBackward(_ dz: UnsafePointer<Float>, outputs h: UnsafePointer<Float>, _ wh: Parameter,
                                        batch: Int, steps: Int, width: Int, hidden: Int) {
        guard steps > 1 else { return }
        for b in 0..<batch {
            Kernels.reversedOuterAccumulate(dz + (b * steps + 1) * width, h + b * steps * hidden, wh.gradient.data,
                                            rows: steps - 1, outputs: width, inner: hidden)
        }
    }

    /// db += Σ over rows of dZ.
    static func biasBackward(_ dz: UnsafePointer<Float>, rows: Int, width: Int, into db: Tensor) {
        for r in 0..<rows { Kernels.axpy(1, dz + r * width, db.data, width) }
    }
}

/// Elman RNN: hₜ = tanh(Wₓxₜ + Wₕhₜ₋₁ + b), h₀ = 0. [batch, time, inputs] → [batch, time, hidden].
public final class SimpleRNN: Layer {
    public let inputs: Int, hidden: Int
    public let inputWeight: Parameter, recurrentWeight: Parameter, bias: Parameter
    private var input: Tensor?, output: Tensor?

    public var spec: LayerSpec { .rnn(inputs: inputs, hidden: hidden) }
    public var parameters: [Parameter] { [inputWeight, recurrentWeight, bias] }

    init(inputs: Int, hidden: Int, values: [Tensor]) {
        self.inputs = inputs
        self.hidden = hidden
        (inputWeight, recurrentWeight) = Recurrent.weights(values)
        bias = Parameter(name: "bias", value: values[2], decays: false)
    }

    public func forward(_ x: Tensor, context: ForwardContext) -> Tensor {
        let (batch, steps, _) = x.btf
        let h = hidden
        let y = Recurrent.inputProjection(x, inputWeight.value, width: h)
        Kernels.withTransposed(recurrentWeight.value.data, h, h) { wht in
        for b in 0..<batch {
            for t in 0..<steps {
                let row = y.data + (b * steps + t) * h
                Kernels.axpy(1, bias.value.data, row, h)
                if t > 0 { Kernels.rowTimesTransposed(row - h, wht, row, inner: h, outputs: h) }
                Activations.tanh(row, row, h)
            }
        }
        }
        input = x
        output = y
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input, let y = output else { preconditionFailure("backward before forward") }
        let (batch, steps, _) = x.btf
        let h = hidden
        let dz = Tensor(zeros: y.shape)
        let dhNext = Tensor(zeros: [h])
        for b in 0..<batch {
            dhNext.fill(0)
            for t in stride(from: steps - 1, through: 0, by: -1) {
                let r = (b * steps + t) * h
                let d = dz.data + r
                for j in 0..<h {
                    let hj = y.data[r + j]
                    d[j] = (dy.data[r + j] + dhNext.data[j]) * (1 - hj * hj)
                }
                dhNext.fill(0)
                if t > 0 { Recurrent.stepBackward(d, recurrentWeight, into: dhNext.data, width: h, hidden: h) }
            }
        }
        Recurrent.recurrentWeightBackward(dz.data, outputs: y.data, recurrentWeight, batch: batch, steps: steps, width: h, hidden: h)
        Recurrent.biasBackward(dz.data, rows: batch * steps, width: h, into: bias.gradient)
        return Recurrent.inputBackward(dz, x, inputWeight, width: h)
    }
}
