import FlowRandom
import Testing
@testable import FlowNeural

/// Finite-difference checks of every layer's backward pass (parameters and input).
@Suite("Layer gradients (finite differences)")
struct LayerGradientTests {
    @Test func dense() throws {
        try GradientCheck.expectCorrect([.dense(inputs: 5, outputs: 3)], input: [4, 5], targetShape: [4, 3])
        // Over a sequence: the last dimension only.
        try GradientCheck.expectCorrect([.dense(inputs: 3, outputs: 2)], input: [2, 4, 3], targetShape: [2, 4, 2])
    }

    @Test func simpleRNN() throws {
        try GradientCheck.expectCorrect([.rnn(inputs: 3, hidden: 4)], input: [2, 5, 3], targetShape: [2, 5, 4])
    }

    @Test func lstm() throws {
        try GradientCheck.expectCorrect([.lstm(inputs: 3, hidden: 4)], input: [2, 6, 3], targetShape: [2, 6, 4])
    }

    @Test func gru() throws {
        try GradientCheck.expectCorrect([.gru(inputs: 3, hidden: 4)], input: [2, 6, 3], targetShape: [2, 6, 4])
    }

    /// Hidden sizes whose gate widths use the register-blocked kernels' 32- and 8-wide blocks
    /// and their scalar tails (4·9 = 36, 3·9 = 27, 9).
    @Test func recurrentLayersOnBlockedKernels() throws {
        try GradientCheck.expectCorrect([.lstm(inputs: 2, hidden: 9)], input: [2, 4, 2], targetShape: [2, 4, 9])
        try GradientCheck.expectCorrect([.gru(inputs: 2, hidden: 9)], input: [2, 4, 2], targetShape: [2, 4, 9])
        try GradientCheck.expectCorrect([.rnn(inputs: 2, hidden: 33)], input: [1, 3, 2], targetShape: [1, 3, 33])
    }

    @Test func causalDilatedConvolution() throws {
        try GradientCheck.expectCorrect([.conv1d(inputs: 3, outputs: 4, kernel: 3, dilation: 2)], input: [2, 9, 3], targetShape: [2, 9, 4])
        // Taps reaching before the start of a short sequence.
        try GradientCheck.expectCorrect([.conv1d(inputs: 2, outputs: 2, kernel: 4, dilation: 3)], input: [1, 5, 2], targetShape: [1, 5, 2])
    }

    @Test func convolutionIsCausal() throws {
        let net = try Network([.conv1d(inputs: 1, outputs: 1, kernel: 3, dilation: 2)], seed: 3)
        let x = GradientCheck.random([1, 10, 1], seed: 5)
        let before = net.forward(x).array
        x[7] += 1  // a change at t = 7 must leave outputs before 7 alone and move 7, 9, 11
        let after = net.forward(x).array
        #expect(Array(before[0..<7]) == Array(after[0..<7]))
        #expect(before[7] != after[7] && before[9] != after[9] && before[8] == after[8])
    }

    @Test func layerNorm() throws {
        let net = try Network([.layerNorm(features: 5)], seed: 1)
        // Gain and bias away from 1 / 0 so their gradients matter.
        for p in net.parameters { for i in 0..<p.value.count { p.value[i] += Float(i) * 0.1 - 0.2 } }
        let x = GradientCheck.random([3, 5], seed: 2)
        let r = GradientCheck.run(net, input: x, target: GradientCheck.random([3, 5], seed: 4), loss: MeanSquaredError())
        #expect(r.mismatches.isEmpty, "\(r.mismatches)")
        try GradientCheck.expectCorrect([.dense(inputs: 4, outputs: 6), .layerNorm(features: 6)], input: [2, 3, 4], targetShape: [2, 3, 6])
    }

    @Test func activations() throws {
        try GradientCheck.expectCorrect([.dense(inputs: 4, outputs: 6), .tanh, .dense(inputs: 6, outputs: 2)], input: [5, 4], targetShape: [5, 2])
        try GradientCheck.expectCorrect([.dense(inputs: 4, outputs: 6), .relu, .dense(inputs: 6, outputs: 2)], input: [5, 4], targetShape: [5, 2])
    }

    @Test func dropoutWithFixedMask() throws {
        // Training mode: the same context gives the same mask, so the loss is differentiable.
        try GradientCheck.expectCorrect([.dense(inputs: 4, outputs: 8), .dropout(rate: 0.3), .dense(inputs: 8, outputs: 2)],
                                        input: [6, 4], targetShape: [6, 2], training: true)
        let net = try Network([.dropout(rate: 0.5)], seed: 1)
        let x = Tensor(shape: [1, 1000], values: [Float](repeating: 1, count: 1000))
        let y = net.forward(x, context: ForwardContext(training: true, random: SplitMix64(seed: 3))).array
        let zeros = y.filter { $0 == 0 }.count
        #expect(zeros > 420 && zeros < 580)
        #expect(y.allSatisfy { $0 == 0 || $0 == 2 })
        #expect(net.forward(x).array == x.array)  // inference: identity
    }

    @Test func pooling() throws {
        try GradientCheck.expectCorrect([.averagePool], input: [2, 5, 3], targetShape: [2, 3])
        try GradientCheck.expectCorrect([.maxPool], input: [2, 5, 3], targetShape: [2, 3])
        try GradientCheck.expectCorrect([.lastStep], input: [2, 5, 3], targetShape: [2, 3])
    }

    @Test func stacks() throws {
        // The temporal CNN shape and the recurrent forecaster shape, end to end.
        try GradientCheck.expectCorrect([.conv1d(inputs: 3, outputs: 4, kernel: 2, dilation: 1), .relu,
                                         .conv1d(inputs: 4, outputs: 4, kernel: 2, dilation: 2), .layerNorm(features: 4), .relu,
                                         .maxPool, .dense(inputs: 4, outputs: 3)],
                                        input: [3, 8, 3], targetShape: [3], loss: SoftmaxCrossEntropy(),
                                        target: Tensor(shape: [3], values: [0, 2, 1]))
        try GradientCheck.expectCorrect([.lstm(inputs: 3, hidden: 5), .gru(inputs: 5, hidden: 4), .lastStep, .dense(inputs: 4, outputs: 6)],
                                        input: [2, 7, 3], targetShape: [2, 2], loss: PinballLoss(levels: [0.1, 0.5, 0.9]))
    }
}
