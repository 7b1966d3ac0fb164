/// Reductions over time, [batch, time, channels] → [batch, channels]: the mean
/// (`averagePool`), the maximum (`maxPool`; the gradient goes to the first maximal step)
/// or the last step (`lastStep`, the summary a recurrent layer passes to its head).
public final class TimePool: Layer {
    public enum Kind: Sendable { case average, maximum, last }
    public let kind: Kind
    private var inputShape: [Int] = []
    private var argmax: [Int] = []

    public var spec: LayerSpec {
        switch kind {
        case .average: return .averagePool
        case .maximum: return .maxPool
        case .last: return .lastStep
        }
    }
    public var parameters: [Parameter] { [] }

    init(_ kind: Kind) { self.kind = kind }

    public func forward(_ x: Tensor, context: ForwardContext) -> Tensor {
        let (batch, steps, c) = x.btf
        precondition(steps > 0, "pooling over an empty sequence")
        inputShape = x.shape
        let y = Tensor(zeros: [batch, c])
        if kind == .maximum { argmax = [Int](repeating: 0, count: batch * c) }
        for b in 0..<batch {
            let yr = y.data + b * c
            switch kind {
            case .average:
                for t in 0..<steps { Kernels.axpy(1 / Float(steps), x.data + (b * steps + t) * c, yr, c) }
            case .last:
                yr.update(from: x.data + (b * steps + steps - 1) * c, count: c)
            case .maximum:
                for j in 0..<c {
                    var best = x.data[b * steps * c + j], at = 0
                    for t in 1..<steps where x.data[(b * steps + t) * c + j] > best {
                        best = x.data[(b * steps + t) * c + j]
                        at = t
                    }
                    yr[j] = best
                    argmax[b * c + j] = at
                }
            }
        }
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        let dx = Tensor(zeros: inputShape)
        let (batch, steps, c) = (inputShape[0], inputShape[1], inputShape[2])
        for b in 0..<batch {
            let dyr = dy.data + b * c
            switch kind {
            case .average:
                for t in 0..<steps { Kernels.axpy(1 / Float(steps), dyr, dx.data + (b * steps + t) * c, c) }
            case .last:
                (dx.data + (b * steps + steps - 1) * c).update(from: dyr, count: c)
            case .maximum:
                for j in 0..<c { dx.data[(b * steps + argmax[b * c + j]) * c + j] = dyr[j] }
            }
        }
        return dx
    }
}
