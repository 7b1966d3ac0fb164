import Foundation

/// Adam with decoupled weight decay (Loshchilov & Hutter, "AdamW"; the update of
/// `torch.optim.AdamW`): θ ← θ − lr·λ·θ (weights only, see `Parameter.decays`), then
/// m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², θ ← θ − lr·m̂/(√v̂ + ε) with bias-corrected m̂, v̂.
public final class AdamW {
    public var learningRate: Float
    public let beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float
    public private(set) var steps = 0
    private var first: [Tensor] = [], second: [Tensor] = []

    public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                weightDecay: Float = 0.01) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    /// One update of every parameter from its current gradient.
    public func step(_ parameters: [Parameter]) {
        if first.isEmpty {
            first = parameters.map { Tensor(zeros: $0.value.shape) }
            second = parameters.map { Tensor(zeros: $0.value.shape) }
        }
        precondition(first.count == parameters.count, "AdamW: parameter list changed between steps")
        steps += 1
        let c1 = 1 - Float(pow(Double(beta1), Double(steps)))
        let c2 = 1 - Float(pow(Double(beta2), Double(steps)))
        let lr = learningRate
        for (k, p) in parameters.enumerated() {
            let w = p.value.data, g = p.gradient.data, m = first[k].data, v = second[k].data
            let decay: Float = p.decays ? 1 - lr * weightDecay : 1
            for i in 0..<p.value.count {
                m[i] = beta1 * m[i] + (1 - beta1) * g[i]
                v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
                let mhat = m[i] / c1, vhat = v[i] / c2
                w[i] = w[i] * decay - lr * mhat / (vhat.squareRoot() + epsilon)
            }
        }
    }
}

/// Gradient clipping by the global L2 norm over all parameters (`clip_grad_norm_`).
public enum GradientClipping {
    /// Scales every gradient by min(1, maxNorm / ‖g‖) and returns ‖g‖ before clipping.
    @discardableResult
    public static func clipGlobalNorm(_ parameters: [Parameter], maxNorm: Double) -> Double {
        let norm = parameters.reduce(0.0) { $0 + $1.gradient.squaredNorm() }.squareRoot()
        if norm > maxNorm && norm > 0 {
            let s = Float(maxNorm / (norm + 1e-6))
            for p in parameters { for i in 0..<p.gradient.count { p.gradient.data[i] *= s } }
        }
        return norm
    }
}
