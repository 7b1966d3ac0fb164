import FlowRandom
/// Fully connected layer over the last dimension: y = x·Wᵀ + b, W: [outputs, inputs].
public final class Dense: Layer {
    public let inputs: Int, outputs: Int
    public let weight: Parameter, bias: Parameter
    private var input: Tensor?

    public var spec: LayerSpec { .dense(inputs: inputs, outputs: outputs) }
    public var parameters: [Parameter] { [weight, bias] }

    init(inputs: Int, outputs: Int, values: [Tensor]) {
        self.inputs = inputs
        self.outputs = outputs
        weight = Parameter(name: "weight", value: values[0], decays: true)
        bias = Parameter(name: "bias", value: values[1], decays: false)
    }

    /// Glorot-uniform weights, zero bias.
    static func initialValues(inputs: Int, outputs: Int, random: inout SplitMix64) -> [Tensor] {
        [Initialiser.uniform([outputs, inputs], bound: (6.0 / Double(inputs + outputs)).squareRoot(), &random),
         Tensor(zeros: [outputs])]
    }

    public func forward(_ x: Tensor, context: ForwardContext) -> Tensor {
        precondition(x.shape.last == inputs, "dense expects \(inputs) features, got \(x.shape)")
        input = x
        let rows = x.count / inputs
        var shape = x.shape
        shape[shape.count - 1] = outputs
        let y = Tensor(zeros: shape)
        for n in 0..<rows { (y.data + n * outputs).update(from: bias.value.data, count: outputs) }
        Kernels.matmulTransposed(x.data, weight.value.data, y.data, rows: rows, inner: inputs, outputs: outputs, accumulate: true)
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input else { preconditionFailure("backward before forward") }
        let rows = x.count / inputs
        let dx = Tensor(zeros: x.shape)
        Kernels.matmulAccumulate(dy.data, weight.value.data, dx.data, rows: rows, outputs: outputs, inner: inputs)
        Kernels.outerAccumulate(dy.data, x.data, weight.gradient.data, rows: rows, outputs: outputs, inner: inputs)
        let db = bias.gradient.data
        for n in 0..<rows { Kernels.axpy(1, dy.data + n * outputs, db, outputs) }
        return dx
    }
}

/// Seeded initial values.
enum Initialiser {
    static func uniform(_ shape: [Int], bound: Double, _ random: inout SplitMix64) -> Tensor {
        let t = Tensor(zeros: shape)
        for i in 0..<t.count { t[i] = Float(random.uniform(-bound, bound)) }
        return t
    }
}
