import Foundation
import Testing
@testable import FlowNeural

/// The cases of the JAX peer check (scripts/peers/check-neural-jax.sh): every layer and
/// loss on a fixed batch. Always runs them (loss finite, gradients finite and not all zero);
/// with `FLOE_NEURAL_PEER_OUT` set, writes the architecture, weights, batch, dropout masks,
/// floe's loss and every gradient there as JSON for JAX to recompute.
@Suite("Neural peer export")
struct NeuralPeerExportTests {
    struct Case {
        let name: String
        let specs: [LayerSpec]
        let input: [Int]
        let loss: Loss
        let lossName: String
        let target: Tensor
        var training = false
    }

    static func labels(_ n: Int, classes: Int) -> Tensor {
        Tensor(shape: [n], values: (0..<n).map { Float(($0 * 7 + 3) % classes) })
    }

    static let pinball = PinballLoss(levels: [0.1, 0.5, 0.9])

    static var cases: [Case] {
        let r = GradientCheck.randomTensor
        return [
            Case(name: "dense_mse", specs: [.dense(inputs: 6, outputs: 4)], input: [8, 6], loss: MeanSquaredError(),
                 lossName: "mse", target: r([8, 4], 21, 1)),
            Case(name: "rnn_mse", specs: [.rnn(inputs: 4, hidden: 8)], input: [4, 10, 4], loss: MeanSquaredError(),
                 lossName: "mse", target: r([4, 10, 8], 22, 1)),
            Case(name: "lstm_mse", specs: [.lstm(inputs: 4, hidden: 8)], input: [4, 12, 4], loss: MeanSquaredError(),
                 lossName: "mse", target: r([4, 12, 8], 23, 1)),
            Case(name: "gru_mse", specs: [.gru(inputs: 4, hidden: 8)], input: [4, 12, 4], loss: MeanSquaredError(),
                 lossName: "mse", target: r([4, 12, 8], 24, 1)),
            Case(name: "conv1d_mse", specs: [.conv1d(inputs: 3, outputs: 5, kernel: 3, dilation: 2)], input: [4, 16, 3],
                 loss: MeanSquaredError(), lossName: "mse", target: r([4, 16, 5], 25, 1)),
            Case(name: "layernorm_tanh_relu", specs: [.dense(inputs: 5, outputs: 8), .layerNorm(features: 8), .tanh,
                                                     .dense(inputs: 8, outputs: 6), .relu, .dense(inputs: 6, outputs: 3)],
                 input: [8, 5], loss: MeanSquaredError(), lossName: "mse", target: r([8, 3], 26, 1)),
            Case(name: "dropout", specs: [.dense(inputs: 5, outputs: 16), .dropout(rate: 0.25), .dense(inputs: 16, outputs: 2)],
                 input: [8, 5], loss: MeanSquaredError(), lossName: "mse", target: r([8, 2], 27, 1), training: true),
            Case(name: "pools", specs: [.conv1d(inputs: 3, outputs: 4, kernel: 2, dilation: 1), .averagePool, .dense(inputs: 4, outputs: 2)],
                 input: [4, 9, 3], loss: MeanSquaredError(), lossName: "mse", target: r([4, 2], 28, 1)),
            Case(name: "maxpool", specs: [.conv1d(inputs: 3, outputs: 4, kernel: 2, dilation: 1), .maxPool, .dense(inputs: 4, outputs: 2)],
                 input: [4, 9, 3], loss: MeanSquaredError(), lossName: "mse", target: r([4, 2], 29, 1)),
            Case(name: "lstm_forecaster_pinball", specs: [.lstm(inputs: 5, hidden: 16), .lastStep, .dense(inputs: 16, outputs: 12)],
                 input: [8, 24, 5], loss: pinball, lossName: "pinball", target: r([8, 4], 30, 1)),
            Case(name: "gru_forecaster_pinball", specs: [.gru(inputs: 5, hidden: 16), .lastStep, .dense(inputs: 16, outputs: 12)],
                 input: [8, 24, 5], loss: pinball, lossName: "pinball", target: r([8, 4], 31, 1)),
            Case(name: "tcn_classifier_ce", specs: [.conv1d(inputs: 6, outputs: 8, kernel: 3, dilation: 1), .relu,
                                                    .conv1d(inputs: 8, outputs: 8, kernel: 3, dilation: 2), .relu,
                                                    .conv1d(inputs: 8, outputs: 8, kernel: 3, dilation: 4), .layerNorm(features: 8), .relu,
                                                    .averagePool, .dense(inputs: 8, outputs: 4)],
                 input: [8, 16, 6], loss: SoftmaxCrossEntropy(), lossName: "cross_entropy", target: labels(8, classes: 4)),
        ]
    }

    static func encode(_ t: Tensor) -> [String: Any] { ["shape": t.shape, "values": t.array.map(Double.init)] }

    @Test func computesAndExports() throws {
        var exported: [[String: Any]] = []
        for c in Self.cases {
            let net = try Network(c.specs, seed: 42)
            let x = GradientCheck.random(c.input, seed: 17, scale: 1)
            let context = ForwardContext(training: c.training, random: SplitMix64(seed: 5))
            net.zeroGradients()
            let out = net.forward(x, context: context)
            let (loss, g) = c.loss.evaluate(out, c.target)
            let dx = net.backward(g)
            #expect(loss.isFinite && loss > 0, "\(c.name)")
            for p in net.parameters {
                #expect(p.gradient.array.allSatisfy { $0.isFinite }, "\(c.name) \(p.name)")
                #expect(p.gradient.squaredNorm() > 0, "\(c.name) \(p.name) has an all-zero gradient")
            }
            let masks = net.layers.compactMap { ($0 as? Dropout)?.mask }.map(Self.encode)
            let specs = try JSONSerialization.jsonObject(with: JSONEncoder().encode(c.specs))
            var lossSpec: [String: Any] = ["kind": c.lossName]
            if let p = c.loss as? PinballLoss { lossSpec["levels"] = p.levels.map(Double.init) }
            exported.append([
                "name": c.name, "architecture": specs, "loss": lossSpec, "floe_loss": loss,
                "input": Self.encode(x), "target": Self.encode(c.target), "dropout_masks": masks,
                "parameters": net.parameters.map { ["name": $0.name, "value": Self.encode($0.value), "gradient": Self.encode($0.gradient)] },
                "input_gradient": Self.encode(dx),
            ])
        }
        if let path = ProcessInfo.processInfo.environment["FLOE_NEURAL_PEER_OUT"] {
            let data = try JSONSerialization.data(withJSONObject: ["cases": exported], options: [.sortedKeys])
            try data.write(to: URL(fileURLWithPath: path))
        }
    }
}

extension GradientCheck {
    static func randomTensor(_ shape: [Int], _ seed: UInt64, _ scale: Double) -> Tensor { random(shape, seed: seed, scale: scale) }
}
