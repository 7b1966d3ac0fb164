import FlowRandom
import Foundation
import Testing
@testable import FlowNeural

@Suite("Training, optimiser and model files")
struct TrainingTests {
    /// y = sum of the last three inputs of a noisy sequence: learnable by any recurrent layer.
    static func data(count: Int, steps: Int, seed: UInt64) -> TensorBatchSource {
        var g = SplitMix64(seed: seed)
        let x = Tensor(zeros: [count, steps, 1]), y = Tensor(zeros: [count, 1])
        for n in 0..<count {
            for t in 0..<steps { x[n * steps + t] = Float(g.uniform(-1, 1)) }
            y[n] = (1..<4).reduce(0) { $0 + x[n * steps + steps - $1] }
        }
        return TensorBatchSource(inputs: x, targets: y)
    }

    @Test(arguments: [LayerSpec.lstm(inputs: 1, hidden: 8), .gru(inputs: 1, hidden: 8), .rnn(inputs: 1, hidden: 8)])
    func recurrentLayersLearn(_ cell: LayerSpec) throws {
        let net = try Network([cell, .lastStep, .dense(inputs: 8, outputs: 1)], seed: 3)
        let train = Self.data(count: 256, steps: 6, seed: 1), valid = Self.data(count: 64, steps: 6, seed: 2)
        let before = Trainer.evaluate(net, loss: MeanSquaredError(), source: valid)
        let history = try Trainer.train(net, loss: MeanSquaredError(), training: train, validation: valid,
                                        options: TrainingOptions(epochs: 25, batchSize: 32, learningRate: 1e-2, patience: 0, seed: 4))
        let after = Trainer.evaluate(net, loss: MeanSquaredError(), source: valid)
        // The target's variance is 1; a model that learned nothing stays near it.
        #expect(before > 0.5)
        #expect(after < 0.15, "\(cell.label): validation MSE \(before) → \(after)")
        #expect(history.trainingLoss.count == 25)
    }

    @Test func earlyStoppingKeepsTheBestEpoch() throws {
        // Noise targets: validation loss soon stops improving while training loss falls.
        var g = SplitMix64(seed: 9)
        let x = Tensor(zeros: [64, 4]), y = Tensor(zeros: [64, 1])
        for i in 0..<x.count { x[i] = Float(g.uniform(-1, 1)) }
        for i in 0..<y.count { y[i] = Float(g.uniform(-1, 1)) }
        let vx = Tensor(zeros: [64, 4]), vy = Tensor(zeros: [64, 1])
        for i in 0..<vx.count { vx[i] = Float(g.uniform(-1, 1)) }
        for i in 0..<vy.count { vy[i] = Float(g.uniform(-1, 1)) }
        let net = try Network([.dense(inputs: 4, outputs: 32), .relu, .dense(inputs: 32, outputs: 1)], seed: 1)
        let valid = TensorBatchSource(inputs: vx, targets: vy)
        let history = try Trainer.train(net, loss: MeanSquaredError(), training: TensorBatchSource(inputs: x, targets: y),
                                        validation: valid,
                                        options: TrainingOptions(epochs: 200, batchSize: 16, learningRate: 1e-2, patience: 5, seed: 2))
        #expect(history.stoppedEarly)
        #expect(history.validationLoss.count == history.bestEpoch + 5)
        let best = history.validationLoss.min()!
        #expect(history.validationLoss[history.bestEpoch - 1] == best)
        // The restored parameters are the best epoch's.
        #expect(abs(Trainer.evaluate(net, loss: MeanSquaredError(), source: valid) - best) < 1e-9 * max(1, best))
    }

    @Test func adamWMatchesTheUpdateByHand() {
        let w = Parameter(name: "w", value: Tensor(shape: [2], values: [1, -2]), decays: true)
        let b = Parameter(name: "b", value: Tensor(shape: [1], values: [0.5]), decays: false)
        let opt = AdamW(learningRate: 0.1, weightDecay: 0.5)
        w.gradient[0] = 0.2; w.gradient[1] = -4; b.gradient[0] = 1
        opt.step([w, b])
        // Step 1: m̂ = g, v̂ = g², so the Adam step is lr·g/(|g| + ε) ≈ ±lr; decay θ·(1 − lr·λ) first.
        #expect(abs(w.value[0] - (1 * 0.95 - 0.1)) < 1e-6)
        #expect(abs(w.value[1] - (-2 * 0.95 + 0.1)) < 1e-6)
        #expect(abs(b.value[0] - (0.5 - 0.1)) < 1e-6)  // no decay on biases
        w.gradient[0] = 0.2; w.gradient[1] = -4; b.gradient[0] = -1
        opt.step([w, b])
        // Step 2 for b: m = 0.9·0.1 + 0.1·(−1) = −0.01, m̂ = −0.01/0.19; v = 0.001·0.999 + 0.001 = 0.001999, v̂ = v/0.001999 = 1.
        #expect(abs(b.value[0] - (0.4 + 0.1 * (0.01 / 0.19))) < 1e-6)
    }

    @Test func clippingScalesToTheGlobalNorm() {
        let a = Parameter(name: "a", value: Tensor(zeros: [2]), decays: true)
        let b = Parameter(name: "b", value: Tensor(zeros: [1]), decays: true)
        a.gradient[0] = 3; a.gradient[1] = 0; b.gradient[0] = 4
        let norm = GradientClipping.clipGlobalNorm([a, b], maxNorm: 1)
        #expect(abs(norm - 5) < 1e-12)
        #expect(abs(a.gradient[0] - 0.6) < 1e-5 && abs(b.gradient[0] - 0.8) < 1e-5)
        GradientClipping.clipGlobalNorm([a, b], maxNorm: 10)  // below the limit: unchanged
        #expect(abs(a.gradient[0] - 0.6) < 1e-5)
    }

    static func trainedFile(seed: UInt64) throws -> Data {
        let net = try Network([.gru(inputs: 1, hidden: 4), .dropout(rate: 0.2), .lastStep, .dense(inputs: 4, outputs: 1)], seed: seed)
        // 64-row batches: the two-thread path.
        let options = TrainingOptions(epochs: 3, batchSize: 64, learningRate: 1e-2, patience: 2, seed: seed)
        let history = try Trainer.train(net, loss: MeanSquaredError(), training: data(count: 200, steps: 5, seed: 1),
                                        validation: data(count: 40, steps: 5, seed: 2), options: options)
        return try NeuralModelFile(network: net, inputs: ["x"], scaling: [.init(name: "x", center: 0, scale: 1)],
                                   training: .init(startMillis: 0, endMillis: 86_400_000), options: options, history: history,
                                   metadata: ["purpose": "test"]).jsonBytes()
    }

    @Test func sameSeedSameBytes() throws {
        let a = try Self.trainedFile(seed: 5), b = try Self.trainedFile(seed: 5), c = try Self.trainedFile(seed: 6)
        #expect(a == b)
        #expect(a != c)
    }

    @Test func modelFileRoundTrip() throws {
        let bytes = try Self.trainedFile(seed: 5)
        let file = try NeuralModelFile.decode(bytes, path: "m.json")
        let net = try file.network(path: "m.json")
        #expect(try NeuralModelFile(network: net, inputs: file.inputs, scaling: file.scaling, training: file.training,
                                    options: file.options, history: file.history, metadata: file.metadata).jsonBytes() == bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        for key in ["\"format\" : \"floe-neural-model\"", "\"version\" : 1", "\"architecture\"", "\"seed\" : 5", "\"scaling\"", "\"start_ms\""] {
            #expect(text.contains(key), "missing \(key)")
        }
    }

    @Test func modelFileErrorsNameTheProblem() throws {
        let bytes = try Self.trainedFile(seed: 5)
        var object = try JSONSerialization.jsonObject(with: bytes) as! [String: Any]
        object["version"] = 2
        #expect(throws: NeuralError.unsupportedVersion(path: "m.json", found: 2, supported: 1)) {
            try NeuralModelFile.decode(try JSONSerialization.data(withJSONObject: object), path: "m.json")
        }
        var file = try NeuralModelFile.decode(bytes, path: "m.json")
        file.parameters[0].shape = [3, 3]
        do {
            _ = try file.network(path: "m.json")
            Issue.record("a wrong shape was accepted")
        } catch {
            #expect("\(error)".contains("m.json") && "\(error)".contains("0.weight_ih") && "\(error)".contains("shape"))
        }
        file = try NeuralModelFile.decode(bytes, path: "m.json")
        file.parameters.removeLast()
        #expect(throws: NeuralError.self) { try file.network(path: "m.json") }
        #expect(throws: NeuralError.self) { try Network([.dense(inputs: 0, outputs: 3)], seed: 1) }
        #expect(throws: NeuralError.self) { try Network([.dropout(rate: 1)], seed: 1) }
    }
}
