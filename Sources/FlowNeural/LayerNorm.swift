/// Layer normalisation over the last dimension: y = γ·(x − μ)/√(σ² + ε) + β with the
/// biased variance and ε = 1e-5 (as PyTorch). γ starts at 1, β at 0.
public final class LayerNorm: Layer {
    public static let epsilon: Float = 1e-5
    public let features: Int
    public let gain: Parameter, bias: Parameter
    private var normalised: Tensor?, inverseDeviation: [Float] = []

    public var spec: LayerSpec { .layerNorm(features: features) }
    public var parameters: [Parameter] { [gain, bias] }

    init(features: Int, values: [Tensor]) {
        self.features = features
        gain = Parameter(name: "weight", value: values[0], decays: false)
        bias = Parameter(name: "bias", value: values[1], decays: false)
    }

    static func initialValues(features: Int) -> [Tensor] {
        let g = Tensor(zeros: [features])
        g.fill(1)
        return [g, Tensor(zeros: [features])]
    }

    public func forward(_ x: Tensor, context: ForwardContext) -> Tensor {
        precondition(x.shape.last == features, "layer_norm expects \(features) features, got \(x.shape)")
        let n = features, rows = x.count / n
        let xhat = Tensor(zeros: x.shape), y = Tensor(zeros: x.shape)
        inverseDeviation = [Float](repeating: 0, count: rows)
        for r in 0..<rows {
            let xr = x.data + r * n
            var mean: Float = 0
            for j in 0..<n { mean += xr[j] }
            mean /= Float(n)
            var variance: Float = 0
            for j in 0..<n { variance += (xr[j] - mean) * (xr[j] - mean) }
            variance /= Float(n)
            let inv = 1 / (variance + Self.epsilon).squareRoot()
            inverseDeviation[r] = inv
            for j in 0..<n {
                let v = (xr[j] - mean) * inv
                xhat.data[r * n + j] = v
                y.data[r * n + j] = gain.value.data[j] * v + bias.value.data[j]
            }
        }
        normalised = xhat
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let xhat = normalised else { preconditionFailure("backward before forward") }
        let n = features, rows = xhat.count / n
        let dx = Tensor(zeros: xhat.shape)
        for r in 0..<rows {
            let xr = xhat.data + r * n, dyr = dy.data + r * n
            var meanD: Float = 0, meanDX: Float = 0
            for j in 0..<n {
                let d = dyr[j] * gain.value.data[j]
                meanD += d
                meanDX += d * xr[j]
                gain.gradient.data[j] += dyr[j] * xr[j]
                bias.gradient.data[j] += dyr[j]
            }
            meanD /= Float(n)
            meanDX /= Float(n)
            let inv = inverseDeviation[r]
            for j in 0..<n {
                dx.data[r * n + j] = inv * (dyr[j] * gain.value.data[j] - meanD - xr[j] * meanDX)
            }
        }
        return dx
    }
}
