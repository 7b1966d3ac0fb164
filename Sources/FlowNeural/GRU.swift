import Foundation

/// Gated recurrent unit over a sequence, PyTorch's formulation (gates r, z, n; input and
/// hidden biases): r = σ(Wᵢᵣx + bᵢᵣ + Wₕᵣh + bₕᵣ), u = σ(Wᵢᵤx + bᵢᵤ + Wₕᵤh + bₕᵤ),
/// n = tanh(Wᵢₙx + bᵢₙ + r·(Wₕₙh + bₕₙ)), hₜ = (1 − u)·n + u·hₜ₋₁, h₀ = 0.
/// [batch, time, inputs] → [batch, time, hidden].
public final class GRU: Layer {
    public let inputs: Int, hidden: Int
    public let inputWeight: Parameter, recurrentWeight: Parameter, inputBias: Parameter, recurrentBias: Parameter
    /// r, u, n and Wₕₙh + bₕₙ of every step: [batch, time, 4·hidden].
    private var input: Tensor?, gates: Tensor?, output: Tensor?

    public var spec: LayerSpec { .gru(inputs: inputs, hidden: hidden) }
    public var parameters: [Parameter] { [inputWeight, recurrentWeight, inputBias, recurrentBias] }

    init(inputs: Int, hidden: Int, values: [Tensor]) {
        self.inputs = inputs
        self.hidden = hidden
        (inputWeight, recurrentWeight) = Recurrent.weights(values)
        inputBias = Parameter(name: "bias_ih", value: values[2], decays: false)
        recurrentBias = Parameter(name: "bias_hh", value: values[3], decays: false)
    }

    public func forward(_ x: Tensor, context: ForwardContext) -> Tensor {
        let (batch, steps, _) = x.btf
        let h = hidden, w = 3 * hidden
        let zx = Recurrent.inputProjection(x, inputWeight.value, width: w)
        let gates = Tensor(zeros: [batch, steps, 4 * h])
        let y = Tensor(zeros: [batch, steps, h])
        let zh = Tensor(zeros: [w])
        Kernels.withTransposed(recurrentWeight.value.data, w, h) { wht in
        for b in 0..<batch {
            for t in 0..<steps {
                let row = b * steps + t
                let a = zx.data + row * w, q = zh.data
                Kernels.axpy(1, inputBias.value.data, a, w)
                zh.assign(recurrentBias.value)
                if t > 0 { Kernels.rowTimesTransposed(y.data + (row - 1) * h, wht, q, inner: h, outputs: w) }
                let g = gates.data + row * 4 * h, hr = y.data + row * h
                for j in 0..<(2 * h) { g[j] = a[j] + q[j] }
                Activations.sigmoid(g, 2 * h)  // r, u
                for j in 0..<h {
                    g[3 * h + j] = q[2 * h + j]
                    g[2 * h + j] = a[2 * h + j] + g[j] * q[2 * h + j]
                }
                Activations.tanh(g + 2 * h, g + 2 * h, h)  // n
                if t > 0 {
                    for j in 0..<h { hr[j] = (1 - g[h + j]) * g[2 * h + j] + g[h + j] * hr[j - h] }
                } else {
                    for j in 0..<h { hr[j] = (1 - g[h + j]) * g[2 * h + j] }
                }
            }
        }
        }
        input = x; self.gates = gates; output = y
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input, let gates = gates, let y = output else { preconditionFailure("backward before forward") }
        let (batch, steps, _) = x.btf
        let h = hidden, w = 3 * hidden
        let dzx = Tensor(zeros: [batch, steps, w])
        let dzh = Tensor(zeros: [batch, steps, w])  // gradients of Wₕh + bₕ, every step
        let dh = Tensor(zeros: [h])
        for b in 0..<batch {
            dh.fill(0)
            for t in stride(from: steps - 1, through: 0, by: -1) {
                let row = b * steps + t
                let g = gates.data + row * 4 * h, dyr = dy.data + row * h, dx = dzx.data + row * w, dq = dzh.data + row * w
                let dhp = dh.data
                for j in 0..<h {
                    let r = g[j], u = g[h + j], n = g[2 * h + j], hn = g[3 * h + j]
                    let previous: Float = t > 0 ? y.data[(row - 1) * h + j] : 0
                    let dhj = dyr[j] + dhp[j]
                    let dn = dhj * (1 - u) * (1 - n * n)
                    let du = dhj * (previous - n) * u * (1 - u)
                    let dr = dn * hn * r * (1 - r)
                    dx[j] = dr; dx[h + j] = du; dx[2 * h + j] = dn
                    dq[j] = dr; dq[h + j] = du; dq[2 * h + j] = dn * r
                    dhp[j] = dhj * u
                }
                if t > 0 { Recurrent.stepBackward(dq, recurrentWeight, into: dh.data, width: w, hidden: h) }
            }
        }
        Recurrent.recurrentWeightBackward(dzh.data, outputs: y.data, recurrentWeight, batch: batch, steps: steps, width: w, hidden: h)
        Recurrent.biasBackward(dzh.data, rows: batch * steps, width: w, into: recurrentBias.gradient)
        Recurrent.biasBackward(dzx.data, rows: batch * steps, width: w, into: inputBias.gradient)
        return Recurrent.inputBackward(dzx, x, inputWeight, width: w)
    }
}
