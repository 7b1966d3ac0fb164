import FlowRandom
/// Causal, dilated 1-D convolution over time: y[b, t, o] = bias[o] +
/// Σₖ Σ_c W[k, o, c] · x[b, t − (K−1−k)·d, c], with x = 0 before the first step, so an
/// output never sees the future. Weight layout [kernel, outputs, inputs] (tap k = 0 is the
/// oldest). [batch, time, inputs] → [batch, time, outputs].
public final class Conv1d: Layer {
    public let inputs: Int, outputs: Int, kernel: Int, dilation: Int
    public let weight: Parameter, bias: Parameter
    private var input: Tensor?

    public var spec: LayerSpec { .conv1d(inputs: inputs, outputs: outputs, kernel: kernel, dilation: dilation) }
    public var parameters: [Parameter] { [weight, bias] }

    init(inputs: Int, outputs: Int, kernel: Int, dilation: Int, values: [Tensor]) {
        self.inputs = inputs
        self.outputs = outputs
        self.kernel = kernel
        self.dilation = dilation
        weight = Parameter(name: "weight", value: values[0], decays: true)
        bias = Parameter(name: "bias", value: values[1], decays: false)
    }

    /// PyTorch's default (uniform ±1/√(inputs·kernel)) for weight and bias.
    static func initialValues(inputs: Int, outputs: Int, kernel: Int, random: inout SplitMix64) -> [Tensor] {
        let bound = 1 / Double(inputs * kernel).squareRoot()
        return [Initialiser.uniform([kernel, outputs, inputs], bound: bound, &random),
                Initialiser.uniform([outputs], bound: bound, &random)]
    }

    /// Shift of tap k (how many steps back it looks).
    private func shift(_ k: Int) -> Int { (kernel - 1 - k) * dilation }

    public func forward(_ x: Tensor, context: ForwardContext) -> Tensor {
        let (batch, steps, f) = x.btf
        precondition(f == inputs, "conv1d expects \(inputs) channels, got \(x.shape)")
        let y = Tensor(zeros: [batch, steps, outputs])
        for r in 0..<(batch * steps) { (y.data + r * outputs).update(from: bias.value.data, count: outputs) }
        for b in 0..<batch {
            for k in 0..<kernel {
                let s = shift(k)
                guard s < steps else { continue }
                Kernels.matmulTransposed(x.data + b * steps * inputs, weight.value.data + k * outputs * inputs,
                                         y.data + (b * steps + s) * outputs, rows: steps - s, inner: inputs, outputs: outputs,
                                         accumulate: true)
            }
        }
        input = x
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input else { preconditionFailure("backward before forward") }
        let (batch, steps, _) = x.btf
        let dx = Tensor(zeros: x.shape)
        for b in 0..<batch {
            for k in 0..<kernel {
                let s = shift(k)
                guard s < steps else { continue }
                let d = dy.data + (b * steps + s) * outputs
                Kernels.matmulAccumulate(d, weight.value.data + k * outputs * inputs, dx.data + b * steps * inputs,
                                         rows: steps - s, outputs: outputs, inner: inputs)
                Kernels.outerAccumulate(d, x.data + b * steps * inputs, weight.gradient.data + k * outputs * inputs,
                                        rows: steps - s, outputs: outputs, inner: inputs)
            }
        }
        Recurrent.biasBackward(dy.data, rows: batch * steps, width: outputs, into: bias.gradient)
        return dx
    }
}
