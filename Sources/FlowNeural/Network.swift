import Dispatch
import FlowRandom

/// A stack of layers applied in order, built from `LayerSpec`s and a seed.
///
/// Parameters are named `"<layer index>.<name>"` (`"0.weight_ih"`, `"2.bias"`), the order
/// of `parameters` is the layer order. `replica()` gives a network sharing the parameter
/// values with its own gradients and caches, for a second thread.
public final class Network: @unchecked Sendable {
    public let specs: [LayerSpec]
    public let layers: [Layer]
    public let parameters: [Parameter]
    /// The seed the initial values came from.
    public let seed: UInt64

    /// A network with seeded initial values (every layer draws from its own stream of `seed`).
    public convenience init(_ specs: [LayerSpec], seed: UInt64) throws {
        try Self.validate(specs)
        var values: [[Tensor]] = []
        for (i, spec) in specs.enumerated() {
            var random = SplitMix64.stream(seed: seed, UInt64(i))
            values.append(Self.initialValues(spec, random: &random))
        }
        self.init(specs: specs, values: values, seed: seed)
    }

    init(specs: [LayerSpec], values: [[Tensor]], seed: UInt64) {
        self.specs = specs
        self.seed = seed
        layers = zip(specs, values).map { Self.makeLayer($0, values: $1) }
        var all: [Parameter] = []
        for (i, layer) in layers.enumerated() {
            for p in layer.parameters { all.append(Parameter(sharing: p, prefix: "\(i).")) }
        }
        parameters = all
    }

    /// A network over the same parameter values with its own gradients and caches.
    public func replica() -> Network {
        Network(specs: specs, values: layers.map { $0.parameters.map(\.value) }, seed: seed)
    }

    /// Runs every layer.
    public func forward(_ x: Tensor, context: ForwardContext = .inference) -> Tensor {
        var h = x
        var random = context.random
        for layer in layers {
            let c = ForwardContext(training: context.training, random: SplitMix64(seed: random.next()))
            h = layer.forward(h, context: c)
        }
        return h
    }

    /// Back-propagates `dy` (gradient of the loss with respect to the output of the last
    /// forward pass) and adds every parameter gradient. Returns the input gradient.
    @discardableResult
    public func backward(_ dy: Tensor) -> Tensor {
        var d = dy
        for layer in layers.reversed() { d = layer.backward(d) }
        return d
    }

    /// Sets every gradient to zero.
    public func zeroGradients() {
        for p in parameters { p.gradient.fill(0) }
    }

    /// Number of trainable values.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    /// The output of every `rows`-row slice of `x`, joined (inference without holding more
    /// than one slice's activations).
    public func predict(_ x: Tensor, batch rows: Int = 1024) -> Tensor {
        var outputs: [Tensor] = []
        var start = 0
        while start < x.rows {
            let end = min(x.rows, start + rows)
            outputs.append(forward(x.rows(start..<end)))
            start = end
        }
        guard let first = outputs.first else { return Tensor(zeros: [0]) }
        var shape = first.shape
        shape[0] = x.rows
        let y = Tensor(zeros: shape)
        var offset = 0
        for o in outputs {
            (y.data + offset).update(from: o.data, count: o.count)
            offset += o.count
        }
        return y
    }

    static func validate(_ specs: [LayerSpec]) throws {
        for (i, spec) in specs.enumerated() {
            let sizes: [Int]
            switch spec {
            case let .dense(a, b), let .rnn(a, b), let .lstm(a, b), let .gru(a, b): sizes = [a, b]
            case let .conv1d(a, b, k, d): sizes = [a, b, k, d]
            case let .layerNorm(f): sizes = [f]
            case let .dropout(r):
                guard r >= 0 && r < 1 else { throw NeuralError.invalidArchitecture("layer \(i): dropout rate \(r) must be in [0, 1)") }
                sizes = []
            case .relu, .tanh, .averagePool, .maxPool, .lastStep: sizes = []
            }
            if let bad = sizes.first(where: { $0 < 1 || $0 > 1 << 20 }) {
                throw NeuralError.invalidArchitecture("layer \(i) (\(spec.label)): size \(bad) must be between 1 and 2^20")
            }
        }
    }

    static func initialValues(_ spec: LayerSpec, random: inout SplitMix64) -> [Tensor] {
        switch spec {
        case let .dense(i, o): return Dense.initialValues(inputs: i, outputs: o, random: &random)
        case let .rnn(i, h): return Recurrent.initialValues(inputs: i, hidden: h, gates: 1, biases: 1, random: &random)
        case let .lstm(i, h): return Recurrent.initialValues(inputs: i, hidden: h, gates: 4, biases: 1, random: &random)
        case let .gru(i, h): return Recurrent.initialValues(inputs: i, hidden: h, gates: 3, biases: 2, random: &random)
        case let .conv1d(i, o, k, _): return Conv1d.initialValues(inputs: i, outputs: o, kernel: k, random: &random)
        case let .layerNorm(f): return LayerNorm.initialValues(features: f)
        case .dropout, .relu, .tanh, .averagePool, .maxPool, .lastStep: return []
        }
    }

    /// The parameter shapes a spec needs, in order (to check values read from a file).
    static func parameterShapes(_ spec: LayerSpec) -> [[Int]] {
        var random = SplitMix64(seed: 0)
        return initialValues(spec, random: &random).map(\.shape)
    }

    static func makeLayer(_ spec: LayerSpec, values: [Tensor]) -> Layer {
        switch spec {
        case let .dense(i, o): return Dense(inputs: i, outputs: o, values: values)
        case let .rnn(i, h): return SimpleRNN(inputs: i, hidden: h, values: values)
        case let .lstm(i, h): return LSTM(inputs: i, hidden: h, values: values)
        case let .gru(i, h): return GRU(inputs: i, hidden: h, values: values)
        case let .conv1d(i, o, k, d): return Conv1d(inputs: i, outputs: o, kernel: k, dilation: d, values: values)
        case let .layerNorm(f): return LayerNorm(features: f, values: values)
        case let .dropout(r): return Dropout(rate: r)
        case .relu: return ReLU()
        case .tanh: return Tanh()
        case .averagePool: return TimePool(.average)
        case .maxPool: return TimePool(.maximum)
        case .lastStep: return TimePool(.last)
        }
    }
}

extension Parameter {
    /// The same value and gradient tensors under a network-wide name.
    convenience init(sharing p: Parameter, prefix: String) {
        self.init(name: prefix + p.name, value: p.value, gradient: p.gradient, decays: p.decays)
    }
}
