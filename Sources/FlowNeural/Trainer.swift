import Dispatch
import FlowRandom

/// Samples for training, produced batch by batch so memory is bounded by the batch, not
/// the data set (a forecaster cuts its windows from the series as they are asked for).
public protocol BatchSource {
    /// Number of samples.
    var count: Int { get }
    /// Shape of one sample's input (without the batch dimension).
    var inputShape: [Int] { get }
    /// Shape of one sample's target (without the batch dimension).
    var targetShape: [Int] { get }
    /// Writes samples `indices` into `inputs` and `targets` (first dimension = indices.count).
    func fill(_ indices: ArraySlice<Int>, inputs: Tensor, targets: Tensor)
}

/// Samples held in two tensors (first dimension = sample).
public struct TensorBatchSource: BatchSource {
    public let inputs: Tensor, targets: Tensor
    public init(inputs: Tensor, targets: Tensor) {
        precondition(inputs.rows == targets.rows, "inputs and targets differ in sample count")
        self.inputs = inputs
        self.targets = targets
    }
    public var count: Int { inputs.rows }
    public var inputShape: [Int] { Array(inputs.shape.dropFirst()) }
    public var targetShape: [Int] { Array(targets.shape.dropFirst()) }
    public func fill(_ indices: ArraySlice<Int>, inputs x: Tensor, targets y: Tensor) {
        let a = inputs.rowSize, b = targets.rowSize
        for (k, i) in indices.enumerated() {
            (x.data + k * a).update(from: inputs.data + i * a, count: a)
            (y.data + k * b).update(from: targets.data + i * b, count: b)
        }
    }
}

/// Training settings (written into model files).
public struct TrainingOptions: Codable, Equatable, Sendable {
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Float
    public var weightDecay: Float
    /// Global gradient-norm limit (0 = no clipping).
    public var clipNorm: Float
    /// Epochs without a better validation loss before stopping (0 = never stop early).
    public var patience: Int
    public var seed: UInt64

    public init(epochs: Int = 30, batchSize: Int = 64, learningRate: Float = 3e-3, weightDecay: Float = 1e-4,
                clipNorm: Float = 1, patience: Int = 5, seed: UInt64 = 1) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.clipNorm = clipNorm
        self.patience = patience
        self.seed = seed
    }

    enum CodingKeys: String, CodingKey {
        case epochs, patience, seed
        case batchSize = "batch_size"
        case learningRate = "learning_rate"
        case weightDecay = "weight_decay"
        case clipNorm = "clip_norm"
    }
}

/// What happened during training.
public struct TrainingHistory: Codable, Equatable, Sendable {
    public var trainingLoss: [Double] = []
    public var validationLoss: [Double] = []
    /// The epoch (1-based) whose parameters were kept (best validation loss, or the last).
    public var bestEpoch = 0
    public var stoppedEarly = false

    public init() {}

    enum CodingKeys: String, CodingKey {
        case trainingLoss = "training_loss"
        case validationLoss = "validation_loss"
        case bestEpoch = "best_epoch"
        case stoppedEarly = "stopped_early"
    }
}

/// Mini-batch training with AdamW, gradient clipping and early stopping.
///
/// A batch of at least `Trainer.parallelRows` rows is split into two halves run on two
/// threads (each with a replica of the network sharing the parameter values); the second
/// half's gradients are then added to the first's. The split depends on the batch size
/// alone, so the same seed gives the same bits on any machine and thread timing.
public enum Trainer {
    /// Smallest batch split across two threads.
    public static let parallelRows = 32

    /// Trains `network` in place. With `validation`, the loss on it is computed after every
    /// epoch; training stops after `patience` epochs without a lower one and the best
    /// epoch's parameters are restored.
    public static func train(_ network: Network, loss: Loss, training: BatchSource, validation: BatchSource?,
                             options: TrainingOptions, log: ((String) -> Void)? = nil) throws -> TrainingHistory {
        guard training.count > 0 else { throw NeuralError.invalidData("no training samples") }
        guard options.epochs >= 1, options.batchSize >= 1 else {
            throw NeuralError.invalidData("epochs (\(options.epochs)) and batch_size (\(options.batchSize)) must be ≥ 1")
        }
        let optimizer = AdamW(learningRate: options.learningRate, weightDecay: options.weightDecay)
        let helper = network.replica()
        var history = TrainingHistory()
        var best = Double.infinity
        var bestValues: [Tensor]?
        var order = Array(0..<training.count)
        for epoch in 1...options.epochs {
            var shuffle = SplitMix64.stream(seed: options.seed, 0x5348_5546 &+ UInt64(epoch))
            shuffle.shuffle(&order)
            var sum = 0.0, batches = 0
            var start = 0
            while start < order.count {
                let indices = order[start..<min(order.count, start + options.batchSize)]
                let x = Tensor(zeros: [indices.count] + training.inputShape)
                let y = Tensor(zeros: [indices.count] + training.targetShape)
                training.fill(indices, inputs: x, targets: y)
                let stream = UInt64(epoch) << 32 | UInt64(batches)
                sum += gradients(network, helper: helper, loss: loss, inputs: x, targets: y,
                                 random: SplitMix64.stream(seed: options.seed, stream))
                if options.clipNorm > 0 { GradientClipping.clipGlobalNorm(network.parameters, maxNorm: Double(options.clipNorm)) }
                optimizer.step(network.parameters)
                batches += 1
                start += options.batchSize
            }
            history.trainingLoss.append(sum / Double(max(batches, 1)))
            guard let validation, validation.count > 0 else {
                history.bestEpoch = epoch
                continue
            }
            let v = evaluate(network, loss: loss, source: validation, batchSize: max(options.batchSize, 256))
            history.validationLoss.append(v)
            log?("epoch \(epoch): training loss \(history.trainingLoss.last!), validation loss \(v)")
            if v < best {
                best = v
                history.bestEpoch = epoch
                bestValues = network.parameters.map { $0.value.copy() }
            } else if options.patience > 0 && epoch - history.bestEpoch >= options.patience {
                history.stoppedEarly = true
                break
            }
        }
        if let bestValues {
            for (p, v) in zip(network.parameters, bestValues) { p.value.assign(v) }
        }
        return history
    }

    /// Zeroes the gradients, runs forward and backward on the batch (two shards on two
    /// threads when it has at least `parallelRows` rows) and returns the batch's loss.
    /// The gradients end up in `network`'s parameters.
    public static func gradients(_ network: Network, helper: Network, loss: Loss, inputs: Tensor, targets: Tensor,
                                 random: SplitMix64, training: Bool = true) -> Double {
        network.zeroGradients()
        let rows = inputs.rows
        guard rows >= parallelRows else {
            var r = random
            let out = network.forward(inputs, context: ForwardContext(training: training, random: SplitMix64(seed: r.next())))
            let (value, grad) = loss.evaluate(out, targets, divisor: loss.terms(predictionShape: [rows] + out.shape.dropFirst()))
            network.backward(grad)
            return value
        }
        helper.zeroGradients()
        let half = rows / 2
        let parts = [(network, 0..<half), (helper, half..<rows)]
        let results = ShardLosses()
        var base = random
        let seeds = [base.next(), base.next()]
        DispatchQueue.concurrentPerform(iterations: 2) { k in
            let (net, range) = parts[k]
            let x = inputs.rows(range), y = targets.rows(range)
            let pred = net.forward(x, context: ForwardContext(training: training, random: SplitMix64(seed: seeds[k])))
            let (value, grad) = loss.evaluate(pred, y, divisor: loss.terms(predictionShape: [rows] + pred.shape.dropFirst()))
            net.backward(grad)
            results.set(k, value)
        }
        for (p, q) in zip(network.parameters, helper.parameters) { p.gradient.add(q.gradient) }
        return results.values[0] + results.values[1]
    }

    /// Mean loss over `source` at inference (no dropout), batch by batch.
    public static func evaluate(_ network: Network, loss: Loss, source: BatchSource, batchSize: Int = 256) -> Double {
        var sum = 0.0, terms = 0
        var start = 0
        while start < source.count {
            let end = min(source.count, start + batchSize)
            let x = Tensor(zeros: [end - start] + source.inputShape)
            let y = Tensor(zeros: [end - start] + source.targetShape)
            source.fill((start..<end).map { $0 }[...], inputs: x, targets: y)
            let out = network.forward(x)
            let n = loss.terms(predictionShape: out.shape)
            sum += loss.evaluate(out, y, divisor: n).loss * Double(n)
            terms += n
            start = end
        }
        return terms > 0 ? sum / Double(terms) : .nan
    }
}

/// The two shards' losses (each thread writes its own slot of one owned buffer).
private final class ShardLosses: @unchecked Sendable {
    private let slots = UnsafeMutablePointer<Double>.allocate(capacity: 2)
    init() { slots.initialize(repeating: 0, count: 2) }
    deinit { slots.deallocate() }
    func set(_ k: Int, _ v: Double) { slots[k] = v }
    var values: [Double] { [slots[0], slots[1]] }
}
