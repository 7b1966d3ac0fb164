import Foundation

/// The temporal convolutional classifier (TCN): a stack of causal dilated `conv1d` layers
/// with ReLU over a sequence `[batch, time, inputs]`, optional dropout, then the last time
/// step (whose receptive field covers the sequence when `receptiveField ≥ time`) and a
/// dense layer to one logit per class. Trained with `SoftmaxCrossEntropy`; `probabilities`
/// turns the logits into class probabilities.
public enum TemporalCNN {
    /// The layers: `conv1d(inputs→channels, kernel, d₁) → relu → … → conv1d(channels→channels,
    /// kernel, dₙ) → relu → [dropout] → lastStep → dense(channels→classes)`.
    public static func layers(inputs: Int, channels: Int, kernel: Int, dilations: [Int], classes: Int,
                              dropout: Float) -> [LayerSpec] {
        var specs: [LayerSpec] = []
        var width = inputs
        for d in dilations {
            specs.append(.conv1d(inputs: width, outputs: channels, kernel: kernel, dilation: d))
            specs.append(.relu)
            width = channels
        }
        if dropout > 0 { specs.append(.dropout(rate: dropout)) }
        specs.append(.lastStep)
        specs.append(.dense(inputs: width, outputs: classes))
        return specs
    }

    /// Time steps the last output sees: 1 + (kernel − 1) · Σ dilations.
    public static func receptiveField(kernel: Int, dilations: [Int]) -> Int {
        1 + (kernel - 1) * dilations.reduce(0, +)
    }

    /// Row-wise softmax of logits `[rows, classes]` (the maximum subtracted, sums in Double).
    public static func probabilities(_ logits: Tensor) -> Tensor {
        let rows = logits.rows, c = logits.rowSize
        let p = Tensor(zeros: logits.shape)
        for r in 0..<rows {
            let z = logits.data + r * c
            var top = z[0]
            for j in 1..<c { top = max(top, z[j]) }
            var total = 0.0
            for j in 0..<c { total += exp(Double(z[j] - top)) }
            for j in 0..<c { p.data[r * c + j] = Float(exp(Double(z[j] - top)) / total) }
        }
        return p
    }
}
