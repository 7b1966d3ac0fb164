import FlowRandom
import Foundation

/// The cases of the JAX peer check (scripts/peers/check-neural-jax.sh, through `floe-dev
/// export-neural-peer`): every layer and loss on a fixed, seeded batch. `run()` computes
/// floe's loss and every gradient; `document(_:)` is the JSON the script hands to JAX
/// (architecture, weights, batch, dropout masks, floe's loss and gradients), which
/// rebuilds the networks and must agree within 1e-4 relative.
public enum NeuralPeerExport {
    /// One case: a network, its input shape, a loss and a target.
    struct Case {
        let name: String
        let specs: [LayerSpec]
        let input: [Int]
        let loss: Loss
        let lossName: String
        let target: Tensor
        var training = false
    }

    /// What floe computed for one case.
    public struct Result {
        public let name: String
        public let loss: Double
        /// Every parameter's name and gradient, in the network's order.
        public let gradients: [(name: String, gradient: Tensor)]
        /// The case as the peer script reads it.
        public let document: [String: Any]
    }

    /// A tensor of `shape` with values uniform in [−scale, scale) from a SplitMix64 seeded
    /// with `seed` (the same stream the gradient checks use).
    public static func randomTensor(_ shape: [Int], seed: UInt64, scale: Double = 1) -> Tensor {
        var g = SplitMix64(seed: seed)
        let t = Tensor(zeros: shape)
        for i in 0..<t.count { t[i] = Float(g.uniform(-scale, scale)) }
        return t
    }

    static func labels(_ n: Int, classes: Int) -> Tensor {
        let t = Tensor(zeros: [n])
        for i in 0..<n { t[i] = Float((i * 7 + 3) % classes) }
        return t
    }

    static var cases: [Case] {
        func r(_ shape: [Int], _ seed: UInt64) -> Tensor { randomTensor(shape, seed: seed) }
        let pinball = PinballLoss(levels: [0.1, 0.5, 0.9])
        return [
            Case(name: "dense_mse", specs: [.dense(inputs: 6, outputs: 4)], input: [8, 6], loss: MeanSquaredError(),
                 lossName: "mse", target: r([8, 4], 21)),
            Case(name: "rnn_mse", specs: [.rnn(inputs: 4, hidden: 8)], input: [4, 10, 4], loss: MeanSquaredError(),
                 lossName: "mse", target: r([4, 10, 8], 22)),
            Case(name: "lstm_mse", specs: [.lstm(inputs: 4, hidden: 8)], input: [4, 12, 4], loss: MeanSquaredError(),
                 lossName: "mse", target: r([4, 12, 8], 23)),
            Case(name: "gru_mse", specs: [.gru(inputs: 4, hidden: 8)], input: [4, 12, 4], loss: MeanSquaredError(),
                 lossName: "mse", target: r([4, 12, 8], 24)),
            Case(name: "conv1d_mse", specs: [.conv1d(inputs: 3, outputs: 5, kernel: 3, dilation: 2)], input: [4, 16, 3],
                 loss: MeanSquaredError(), lossName: "mse", target: r([4, 16, 5], 25)),
            Case(name: "layernorm_tanh_relu", specs: [.dense(inputs: 5, outputs: 8), .layerNorm(features: 8), .tanh,
                                                     .dense(inputs: 8, outputs: 6), .relu, .dense(inputs: 6, outputs: 3)],
                 input: [8, 5], loss: MeanSquaredError(), lossName: "mse", target: r([8, 3], 26)),
            Case(name: "dropout", specs: [.dense(inputs: 5, outputs: 16), .dropout(rate: 0.25), .dense(inputs: 16, outputs: 2)],
                 input: [8, 5], loss: MeanSquaredError(), lossName: "mse", target: r([8, 2], 27), training: true),
            Case(name: "pools", specs: [.conv1d(inputs: 3, outputs: 4, kernel: 2, dilation: 1), .averagePool, .dense(inputs: 4, outputs: 2)],
                 input: [4, 9, 3], loss: MeanSquaredError(), lossName: "mse", target: r([4, 2], 28)),
            Case(name: "maxpool", specs: [.conv1d(inputs: 3, outputs: 4, kernel: 2, dilation: 1), .maxPool, .dense(inputs: 4, outputs: 2)],
                 input: [4, 9, 3], loss: MeanSquaredError(), lossName: "mse", target: r([4, 2], 29)),
            Case(name: "lstm_forecaster_pinball", specs: [.lstm(inputs: 5, hidden: 16), .lastStep, .dense(inputs: 16, outputs: 12)],
                 input: [8, 24, 5], loss: pinball, lossName: "pinball", target: r([8, 4], 30)),
            Case(name: "gru_forecaster_pinball", specs: [.gru(inputs: 5, hidden: 16), .lastStep, .dense(inputs: 16, outputs: 12)],
                 input: [8, 24, 5], loss: pinball, lossName: "pinball", target: r([8, 4], 31)),
            Case(name: "tcn_classifier_ce", specs: [.conv1d(inputs: 6, outputs: 8, kernel: 3, dilation: 1), .relu,
                                                    .conv1d(inputs: 8, outputs: 8, kernel: 3, dilation: 2), .relu,
                                                    .conv1d(inputs: 8, outputs: 8, kernel: 3, dilation: 4), .layerNorm(features: 8), .relu,
                                                    .averagePool, .dense(inputs: 8, outputs: 4)],
                 input: [8, 16, 6], loss: SoftmaxCrossEntropy(), lossName: "cross_entropy", target: labels(8, classes: 4)),
        ]
    }

    static func encode(_ t: Tensor) -> [String: Any] { ["shape": t.shape, "values": t.array.map(Double.init)] }

    /// Runs every case: one forward and backward pass each (input seeded 17, network 42,
    /// dropout 5).
    public static func run() throws -> [Result] {
        try cases.map { c in
            let net = try Network(c.specs, seed: 42)
            let x = randomTensor(c.input, seed: 17)
            let context = ForwardContext(training: c.training, random: SplitMix64(seed: 5))
            net.zeroGradients()
            let (loss, g) = c.loss.evaluate(net.forward(x, context: context), c.target)
            let dx = net.backward(g)
            let masks = net.layers.compactMap { ($0 as? Dropout)?.mask }.map(encode)
            let specs = try JSONSerialization.jsonObject(with: JSONEncoder().encode(c.specs))
            var lossSpec: [String: Any] = ["kind": c.lossName]
            if let p = c.loss as? PinballLoss { lossSpec["levels"] = p.levels.map(Double.init) }
            let document: [String: Any] = [
                "name": c.name, "architecture": specs, "loss": lossSpec, "floe_loss": loss,
                "input": encode(x), "target": encode(c.target), "dropout_masks": masks,
                "parameters": net.parameters.map { ["name": $0.name, "value": encode($0.value), "gradient": encode($0.gradient)] },
                "input_gradient": encode(dx),
            ]
            return Result(name: c.name, loss: loss, gradients: net.parameters.map { ($0.name, $0.gradient) }, document: document)
        }
    }

    /// The JSON document of the peer script: `{"cases": [...]}`, keys sorted.
    public static func document(_ results: [Result]) throws -> Data {
        try JSONSerialization.data(withJSONObject: ["cases": results.map(\.document)], options: [.sortedKeys])
    }
}
