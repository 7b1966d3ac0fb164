import FlowRandom
import Testing
@testable import FlowNeural

/// Values and finite-difference gradients of the losses.
@Suite("Losses")
struct LossGradientTests {
    /// d loss / d prediction by central differences, element by element.
    static func numeric(_ loss: Loss, _ p: Tensor, _ y: Tensor) -> [Double] {
        (0..<p.count).map { i in
            let keep = p[i]
            p[i] = keep + 1e-3
            let up = loss.evaluate(p, y).loss
            p[i] = keep - 1e-3
            let down = loss.evaluate(p, y).loss
            p[i] = keep
            return (up - down) / 2e-3
        }
    }

    static func expectGradient(_ loss: Loss, _ p: Tensor, _ y: Tensor) {
        let g = loss.evaluate(p, y).gradient.array
        let n = numeric(loss, p, y)
        for i in g.indices { #expect(abs(Double(g[i]) - n[i]) <= 1e-4 + 1e-2 * abs(n[i]), "element \(i): \(g[i]) vs \(n[i])") }
    }

    @Test func meanSquaredError() {
        let p = Tensor(shape: [2, 2], values: [1, 2, 3, 4]), y = Tensor(shape: [2, 2], values: [0, 2, 5, 4])
        #expect(abs(MeanSquaredError().evaluate(p, y).loss - 5.0 / 4) < 1e-12)
        Self.expectGradient(MeanSquaredError(), GradientCheck.random([3, 4], seed: 1), GradientCheck.random([3, 4], seed: 2))
    }

    @Test func pinball() {
        let loss = PinballLoss(levels: [0.1, 0.9])
        // target 1, predictions 0 (under: τ·e) and 3 (over: (τ − 1)·e): (0.1·1 + 0.1·2) / 2.
        let v = loss.evaluate(Tensor(shape: [1, 2], values: [0, 3]), Tensor(shape: [1, 1], values: [1])).loss
        #expect(abs(v - 0.15) < 1e-7)
        Self.expectGradient(loss, GradientCheck.random([4, 6], seed: 3), GradientCheck.random([4, 3], seed: 4))
    }

    @Test func crossEntropy() {
        let loss = SoftmaxCrossEntropy()
        let v = loss.evaluate(Tensor(shape: [1, 3], values: [0, 0, 0]), Tensor(shape: [1], values: [2])).loss
        #expect(abs(v - log(3.0)) < 1e-6)
        // Large logits do not overflow.
        let big = loss.evaluate(Tensor(shape: [1, 2], values: [1000, 0]), Tensor(shape: [1], values: [1])).loss
        #expect(abs(big - 1000) < 1e-3)
        Self.expectGradient(loss, GradientCheck.random([5, 4], seed: 5, scale: 3), Tensor(shape: [5], values: [0, 3, 1, 2, 3]))
        Self.expectGradient(SoftmaxCrossEntropy(classWeights: [1, 2, 0.5, 3]), GradientCheck.random([5, 4], seed: 6),
                            Tensor(shape: [5], values: [0, 3, 1, 2, 3]))
    }

    @Test func shardsAddUpToTheBatch() throws {
        // Two shards on two threads give the gradient of the whole batch.
        let net = try Network([.gru(inputs: 2, hidden: 3), .lastStep, .dense(inputs: 3, outputs: 2)], seed: 4)
        let x = GradientCheck.random([Trainer.parallelRows + 8, 5, 2], seed: 8), y = GradientCheck.random([Trainer.parallelRows + 8, 2], seed: 9)
        net.zeroGradients()
        let whole = MeanSquaredError().evaluate(net.forward(x), y)
        net.backward(whole.gradient)
        let single = net.parameters.map { $0.gradient.array }
        let sharded = Trainer.gradients(net, helper: net.replica(), loss: MeanSquaredError(), inputs: x, targets: y,
                                        random: SplitMix64(seed: 1), training: false)
        #expect(abs(sharded - whole.loss) < 1e-6 * max(1, whole.loss))
        for (a, p) in zip(single, net.parameters) {
            for (u, v) in zip(a, p.gradient.array) { #expect(abs(u - v) <= 1e-6 + 1e-5 * abs(u)) }
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
