/// A trainable tensor and its gradient. Replicas of a network share `value` and keep
/// their own `gradient`; `decays` says whether weight decay applies (weights: yes;
/// biases and normalisation gains: no).
public final class Parameter: @unchecked Sendable {
    public let name: String
    public let value: Tensor
    public let gradient: Tensor
    public let decays: Bool

    public convenience init(name: String, value: Tensor, decays: Bool) {
        self.init(name: name, value: value, gradient: Tensor(zeros: value.shape), decays: decays)
    }

    init(name: String, value: Tensor, gradient: Tensor, decays: Bool) {
        self.name = name
        self.value = value
        self.gradient = gradient
        self.decays = decays
    }
}
