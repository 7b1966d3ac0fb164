import Foundation

/// Long short-term memory over a sequence (gate order i, f, g, o as PyTorch; one bias):
/// z = Wₓxₜ + Wₕhₜ₋₁ + b; i, f, o = σ(·), g = tanh(·); cₜ = f·cₜ₋₁ + i·g; hₜ = o·tanh(cₜ);
/// h₀ = c₀ = 0. [batch, time, inputs] → [batch, time, hidden] (every hₜ).
public final class LSTM: Layer {
    public let inputs: Int, hidden: Int
    public let inputWeight: Parameter, recurrentWeight: Parameter, bias: Parameter
    private var input: Tensor?, gates: Tensor?, cells: Tensor?, cellTanh: Tensor?, output: Tensor?

    public var spec: LayerSpec { .lstm(inputs: inputs, hidden: hidden) }
    public var parameters: [Parameter] { [inputWeight, recurrentWeight, bias] }

    init(inputs: Int, hidden: Int, values: [Tensor]) {
        self.inputs = inputs
        self.hidden = hidden
        (inputWeight, recurrentWeight) = Recurrent.weights(values)
        bias = Parameter(name: "bias", value: values[2], decays: false)
    }

    public func forward(_ x: Tensor, context: ForwardContext) -> Tensor {
        let (batch, steps, _) = x.btf
        let h = hidden, w = 4 * hidden
        let z = Recurrent.inputProjection(x, inputWeight.value, width: w)  // becomes the activated gates
        let c = Tensor(zeros: [batch, steps, h])
        let tc = Tensor(zeros: [batch, steps, h])  // tanh cₜ, kept for the backward pass
        let y = Tensor(zeros: [batch, steps, h])
        Kernels.withTransposed(recurrentWeight.value.data, w, h) { wht in
        for b in 0..<batch {
            for t in 0..<steps {
                let row = b * steps + t
                let g = z.data + row * w
                Kernels.axpy(1, bias.value.data, g, w)
                if t > 0 { Kernels.rowTimesTransposed(y.data + (row - 1) * h, wht, g, inner: h, outputs: w) }
                Activations.sigmoid(g, 2 * h)            // i, f
                Activations.tanh(g + 2 * h, g + 2 * h, h) // g
                Activations.sigmoid(g + 3 * h, h)        // o
                let cr = c.data + row * h, tr = tc.data + row * h, hr = y.data + row * h
                if t > 0 {
                    for j in 0..<h { cr[j] = g[h + j] * cr[j - h] + g[j] * g[2 * h + j] }
                } else {
                    for j in 0..<h { cr[j] = g[j] * g[2 * h + j] }
                }
                Activations.tanh(cr, tr, h)
                for j in 0..<h { hr[j] = g[3 * h + j] * tr[j] }
            }
        }
        }
        input = x; gates = z; cells = c; cellTanh = tc; output = y
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input, let z = gates, let c = cells, let tcs = cellTanh, let y = output else { preconditionFailure("backward before forward") }
        let (batch, steps, _) = x.btf
        let h = hidden, w = 4 * hidden
        let dz = Tensor(zeros: z.shape)
        let dh = Tensor(zeros: [h]), dc = Tensor(zeros: [h])
        for b in 0..<batch {
            dh.fill(0)
            dc.fill(0)
            for t in stride(from: steps - 1, through: 0, by: -1) {
                let row = b * steps + t
                let g = z.data + row * w, d = dz.data + row * w
                let cr = c.data + row * h, tr = tcs.data + row * h, dyr = dy.data + row * h
                let dhp = dh.data, dcp = dc.data
                for j in 0..<h {
                    let ig = g[j], fg = g[h + j], gg = g[2 * h + j], og = g[3 * h + j]
                    let tc = tr[j]
                    let dhj = dyr[j] + dhp[j]
                    let dcj = dhj * og * (1 - tc * tc) + dcp[j]
                    let previous: Float = t > 0 ? cr[j - h] : 0
                    d[j] = dcj * gg * ig * (1 - ig)
                    d[h + j] = dcj * previous * fg * (1 - fg)
                    d[2 * h + j] = dcj * ig * (1 - gg * gg)
                    d[3 * h + j] = dhj * tc * og * (1 - og)
                    dcp[j] = dcj * fg
                }
                dh.fill(0)
                if t > 0 { Recurrent.stepBackward(d, recurrentWeight, into: dh.data, width: w, hidden: h) }
            }
        }
        Recurrent.recurrentWeightBackward(dz.data, outputs: y.data, recurrentWeight, batch: batch, steps: steps, width: w, hidden: h)
        Recurrent.biasBackward(dz.data, rows: batch * steps, width: w, into: bias.gradient)
        return Recurrent.inputBackward(dz, x, inputWeight, width: w)
    }
}
