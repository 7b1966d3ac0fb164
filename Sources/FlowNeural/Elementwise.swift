import Foundation

/// max(0, x).
public final class ReLU: Layer {
    private var input: Tensor?
    public var spec: LayerSpec { .relu }
    public var parameters: [Parameter] { [] }

    public func forward(_ x: Tensor, context: ForwardContext) -> Tensor {
        input = x
        let y = Tensor(zeros: x.shape)
        for i in 0..<x.count { y.data[i] = max(0, x.data[i]) }
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input else { preconditionFailure("backward before forward") }
        let dx = Tensor(zeros: x.shape)
        for i in 0..<x.count { dx.data[i] = x.data[i] > 0 ? dy.data[i] : 0 }
        return dx
    }
}

/// tanh(x).
public final class Tanh: Layer {
    private var output: Tensor?
    public var spec: LayerSpec { .tanh }
    public var parameters: [Parameter] { [] }

    public func forward(_ x: Tensor, context: ForwardContext) -> Tensor {
        let y = Tensor(zeros: x.shape)
        Activations.tanh(x.data, y.data, x.count)
        output = y
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let y = output else { preconditionFailure("backward before forward") }
        let dx = Tensor(zeros: y.shape)
        for i in 0..<y.count { dx.data[i] = dy.data[i] * (1 - y.data[i] * y.data[i]) }
        return dx
    }
}

/// Inverted dropout: in training each element is kept with probability 1 − rate and scaled
/// by 1/(1 − rate) (the mask is drawn from the forward context's random stream); at
/// inference the identity.
public final class Dropout: Layer {
    public let rate: Float
    /// The multipliers of the last training pass (0 or 1/(1 − rate)); nil at inference.
    public private(set) var mask: Tensor?
    public var spec: LayerSpec { .dropout(rate: rate) }
    public var parameters: [Parameter] { [] }

    init(rate: Float) { self.rate = rate }

    public func forward(_ x: Tensor, context: ForwardContext) -> Tensor {
        guard context.training && rate > 0 else {
            mask = nil
            return x
        }
        var random = context.random
        let keep = 1 / (1 - rate)
        let m = Tensor(zeros: x.shape)
        let y = Tensor(zeros: x.shape)
        for i in 0..<x.count {
            let kept = Float(random.nextUnit()) >= rate
            m.data[i] = kept ? keep : 0
            y.data[i] = x.data[i] * m.data[i]
        }
        mask = m
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let m = mask else { return dy }
        let dx = Tensor(zeros: dy.shape)
        for i in 0..<dy.count { dx.data[i] = dy.data[i] * m.data[i] }
        return dx
    }
}
