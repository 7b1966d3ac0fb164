import FlowRandom
import Testing
@testable import FlowNeural

/// Central finite differences against back-propagation, in Float32 with the loss summed
/// in Double: ε = 1e-3 · max(1, |θ|), tolerance |fd − analytic| ≤ 2e-3 + 2e-2·max(|fd|, |analytic|).
/// A missing or wrong term of a gradient formula gives errors far above that.
enum GradientCheck {
    struct Mismatch: CustomStringConvertible {
        let what: String, index: Int, analytic: Double, numeric: Double
        var description: String { "\(what)[\(index)]: backprop \(analytic), finite difference \(numeric)" }
    }

    static func random(_ shape: [Int], seed: UInt64, scale: Double = 1) -> Tensor {
        NeuralPeerExport.randomTensor(shape, seed: seed, scale: scale)
    }

    /// Checks every parameter (up to `perTensor` sampled entries each) and the input.
    /// Returns the mismatches and the largest relative error seen.
    static func run(_ network: Network, input: Tensor, target: Tensor, loss: Loss, training: Bool = false,
                    perTensor: Int = 16, seed: UInt64 = 99) -> (mismatches: [Mismatch], maxRelative: Double, checked: Int) {
        let context = ForwardContext(training: training, random: SplitMix64(seed: 1234))
        func value() -> Double { loss.evaluate(network.forward(input, context: context), target).loss }
        network.zeroGradients()
        let out = network.forward(input, context: context)
        let (_, g) = loss.evaluate(out, target)
        let dx = network.backward(g)
        var mismatches: [Mismatch] = []
        var worst = 0.0
        var checked = 0
        var picker = SplitMix64(seed: seed)
        func check(_ what: String, _ values: Tensor, _ analytic: Tensor) {
            let indices = values.count <= perTensor ? Array(0..<values.count) : (0..<perTensor).map { _ in picker.below(values.count) }
            for i in indices {
                let keep = values[i]
                let eps = 1e-3 * max(1, abs(keep))
                values[i] = keep + eps
                let up = value()
                values[i] = keep - eps
                let down = value()
                values[i] = keep
                let numeric = (up - down) / (2 * Double(eps))
                let a = Double(analytic[i])
                let error = abs(numeric - a)
                let scale = max(abs(numeric), abs(a))
                checked += 1
                if scale > 1e-3 { worst = max(worst, error / scale) }
                if error > 2e-3 + 2e-2 * scale { mismatches.append(Mismatch(what: what, index: i, analytic: a, numeric: numeric)) }
            }
        }
        let gradients = network.parameters.map { $0.gradient.copy() }
        for (p, grad) in zip(network.parameters, gradients) { check(p.name, p.value, grad) }
        check("input", input, dx)
        return (mismatches, worst, checked)
    }

    /// Runs the check and records failures.
    static func expectCorrect(_ specs: [LayerSpec], input shape: [Int], targetShape: [Int], loss: Loss = MeanSquaredError(),
                              training: Bool = false, inputScale: Double = 1, target: Tensor? = nil,
                              sourceLocation: SourceLocation = #_sourceLocation) throws {
        let network = try Network(specs, seed: 7)
        let x = random(shape, seed: 11, scale: inputScale)
        let y = target ?? random(targetShape, seed: 13)
        let result = run(network, input: x, target: y, loss: loss, training: training)
        #expect(result.checked > 0, sourceLocation: sourceLocation)
        #expect(result.mismatches.isEmpty, "\(specs.map(\.label)): \(result.mismatches.prefix(5))", sourceLocation: sourceLocation)
    }
}
