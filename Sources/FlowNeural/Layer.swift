import FlowRandom
/// One layer of a `Network`. `forward` keeps what `backward` needs (so one layer object
/// serves one thread; `Network.replica()` makes more), `backward` takes the gradient of
/// the loss with respect to the layer's output, adds the parameter gradients into
/// `Parameter.gradient` and returns the gradient with respect to the input.
///
/// Shapes: sequence layers take `[batch, time, features]`; `Dense`, `LayerNorm`,
/// activations and `Dropout` work on the last dimension of any shape.
public protocol Layer: AnyObject {
    var spec: LayerSpec { get }
    var parameters: [Parameter] { get }
    func forward(_ x: Tensor, context: ForwardContext) -> Tensor
    func backward(_ dy: Tensor) -> Tensor
}

/// What a forward pass may depend on besides the input: training mode (dropout on) and
/// the random stream for dropout masks.
public struct ForwardContext {
    public var training: Bool
    public var random: SplitMix64

    public init(training: Bool, random: SplitMix64 = SplitMix64(seed: 0)) {
        self.training = training
        self.random = random
    }

    /// Inference: no dropout.
    public static var inference: ForwardContext { ForwardContext(training: false) }
}

/// The architecture of one layer, as written to model files.
public enum LayerSpec: Codable, Equatable, Sendable {
    /// y = x·Wᵀ + b over the last dimension.
    case dense(inputs: Int, outputs: Int)
    /// Elman RNN: hₜ = tanh(Wₓxₜ + Wₕhₜ₋₁ + b); output = every hₜ.
    case rnn(inputs: Int, hidden: Int)
    /// LSTM (gates i, f, g, o as PyTorch); output = every hₜ.
    case lstm(inputs: Int, hidden: Int)
    /// GRU (gates r, z, n as PyTorch, with separate input and hidden biases); output = every hₜ.
    case gru(inputs: Int, hidden: Int)
    /// Causal dilated 1-D convolution over time: yₜ = b + Σₖ Wₖ·x_{t−(K−1−k)·d} (zeros before the start).
    case conv1d(inputs: Int, outputs: Int, kernel: Int, dilation: Int)
    /// Layer normalisation over the last dimension with gain and bias.
    case layerNorm(features: Int)
    /// Inverted dropout: during training each element is kept with probability 1 − rate and scaled by 1/(1 − rate).
    case dropout(rate: Float)
    case relu
    case tanh
    /// [batch, time, c] → [batch, c]: mean over time.
    case averagePool
    /// [batch, time, c] → [batch, c]: maximum over time.
    case maxPool
    /// [batch, time, c] → [batch, c]: the last time step.
    case lastStep

    /// A short name for logs and docs ("lstm(5→32)").
    public var label: String {
        switch self {
        case let .dense(i, o): return "dense(\(i)→\(o))"
        case let .rnn(i, h): return "rnn(\(i)→\(h))"
        case let .lstm(i, h): return "lstm(\(i)→\(h))"
        case let .gru(i, h): return "gru(\(i)→\(h))"
        case let .conv1d(i, o, k, d): return "conv1d(\(i)→\(o), k=\(k), d=\(d))"
        case let .layerNorm(f): return "layer_norm(\(f))"
        case let .dropout(r): return "dropout(\(r))"
        case .relu: return "relu"
        case .tanh: return "tanh"
        case .averagePool: return "average_pool"
        case .maxPool: return "max_pool"
        case .lastStep: return "last_step"
        }
    }
}

extension Tensor {
    /// [batch, time, features] of a 3-D tensor.
    var btf: (Int, Int, Int) {
        precondition(shape.count == 3, "expected [batch, time, features], got \(shape)")
        return (shape[0], shape[1], shape[2])
    }
}
