import Foundation

/// A training objective: the mean of per-term losses, and its gradient with respect to the
/// prediction. `evaluate` divides by an explicit `divisor` (the number of terms of the
/// whole batch) so shards of a batch on different threads add up to the batch's mean.
public protocol Loss: Sendable {
    /// Terms the mean runs over for a prediction of `shape`.
    func terms(predictionShape shape: [Int]) -> Int
    /// (Σ terms / divisor, its gradient). The sum is accumulated in Double.
    func evaluate(_ prediction: Tensor, _ target: Tensor, divisor: Int) -> (loss: Double, gradient: Tensor)
}

extension Loss {
    /// The mean over the whole of `prediction`.
    public func evaluate(_ prediction: Tensor, _ target: Tensor) -> (loss: Double, gradient: Tensor) {
        evaluate(prediction, target, divisor: terms(predictionShape: prediction.shape))
    }
}

/// Mean squared error over every element (target has the prediction's shape).
public struct MeanSquaredError: Loss {
    public init() {}
    public func terms(predictionShape shape: [Int]) -> Int { shape.reduce(1, *) }

    public func evaluate(_ prediction: Tensor, _ target: Tensor, divisor: Int) -> (loss: Double, gradient: Tensor) {
        precondition(prediction.count == target.count, "mse: prediction \(prediction.shape) vs target \(target.shape)")
        let g = Tensor(zeros: prediction.shape)
        var sum = 0.0
        let scale = 2 / Float(divisor)
        for i in 0..<prediction.count {
            let e = prediction.data[i] - target.data[i]
            sum += Double(e) * Double(e)
            g.data[i] = scale * e
        }
        return (sum / Double(divisor), g)
    }
}

/// Pinball (quantile) loss of several quantile heads per target: the prediction is
/// [rows, targets · levels.count] with the levels of one target side by side, the target
/// [rows, targets]. Term: max(τ·e, (τ − 1)·e) with e = target − prediction; mean over
/// rows, targets and levels. Minimising it makes head τ the τ-quantile.
public struct PinballLoss: Loss {
    public let levels: [Float]

    public init(levels: [Float]) {
        precondition(!levels.isEmpty && levels.allSatisfy { $0 > 0 && $0 < 1 }, "quantile levels must be in (0, 1)")
        self.levels = levels
    }

    public func terms(predictionShape shape: [Int]) -> Int { shape.reduce(1, *) }

    public func evaluate(_ prediction: Tensor, _ target: Tensor, divisor: Int) -> (loss: Double, gradient: Tensor) {
        let q = levels.count
        precondition(prediction.count == target.count * q, "pinball: prediction \(prediction.shape) vs target \(target.shape) × \(q) levels")
        let g = Tensor(zeros: prediction.shape)
        var sum = 0.0
        let inv = 1 / Float(divisor)
        for i in 0..<target.count {
            for (k, tau) in levels.enumerated() {
                let e = target.data[i] - prediction.data[i * q + k]
                if e >= 0 {
                    sum += Double(tau) * Double(e)
                    g.data[i * q + k] = -tau * inv
                } else {
                    sum += Double(tau - 1) * Double(e)
                    g.data[i * q + k] = (1 - tau) * inv
                }
            }
        }
        return (sum / Double(divisor), g)
    }
}

/// Softmax cross-entropy: logits [rows, classes], target [rows] holding class indices
/// (as Float); mean over rows. Optional per-class weights multiply each row's term (and
/// the mean is still over rows, as PyTorch's `reduction='sum'` / rows).
public struct SoftmaxCrossEntropy: Loss {
    public let classWeights: [Float]?

    public init(classWeights: [Float]? = nil) { self.classWeights = classWeights }

    public func terms(predictionShape shape: [Int]) -> Int { shape.first ?? 1 }

    public func evaluate(_ prediction: Tensor, _ target: Tensor, divisor: Int) -> (loss: Double, gradient: Tensor) {
        let rows = prediction.rows, c = prediction.rowSize
        precondition(target.count == rows, "cross-entropy: \(rows) rows of logits vs \(target.count) labels")
        let g = Tensor(zeros: prediction.shape)
        var sum = 0.0
        let inv = 1 / Float(divisor)
        for r in 0..<rows {
            let z = prediction.data + r * c
            let label = Int(target.data[r])
            precondition(label >= 0 && label < c, "cross-entropy: label \(label) outside 0..<\(c)")
            let weight = classWeights?[label] ?? 1
            var top = z[0]
            for j in 1..<c { top = max(top, z[j]) }
            var total = 0.0
            for j in 0..<c { total += Double(expf(z[j] - top)) }
            let logTotal = log(total)
            sum += Double(weight) * (logTotal - Double(z[label] - top))
            for j in 0..<c {
                let p = Float(exp(Double(z[j] - top) - logTotal))
                g.data[r * c + j] = weight * inv * (p - (j == label ? 1 : 0))
            }
        }
        return (sum / Double(divisor), g)
    }
}
