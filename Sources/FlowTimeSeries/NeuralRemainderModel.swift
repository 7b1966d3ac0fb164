import FlowForecasting
import Foundation
import FlowCore
import FlowNeural

/// Which forecaster models a series' remainder (config `forecaster`, per series
/// `forecasters`): the ARIMA, a neural network (`lstm`, `gru`), or `auto` (the one with the
/// lowest back-test MASE).
public enum ForecasterChoice: String, Codable, Sendable, CaseIterable {
    case arima, lstm, gru, auto
}

/// Settings of the neural forecasters (config `timeseries.model.neural`).
public struct NeuralForecastConfig: Codable, Equatable, Sendable {
    /// Buckets of history each forecast sees.
    public var lookback: Int
    public var hidden: Int
    /// Steps ahead forecast at once (each with three quantiles).
    public var horizons: Int
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Float
    public var weightDecay: Float
    public var patience: Int
    public var seed: UInt64
    /// Most recent training windows used (memory and time bound).
    public var maxWindows: Int
    /// Share of the (most recent) windows held out for early stopping.
    public var validationFraction: Double

    public init(lookback: Int = 48, hidden: Int = 32, horizons: Int = 6, epochs: Int = 20, batchSize: Int = 64,
                learningRate: Float = 3e-3, weightDecay: Float = 1e-4, patience: Int = 4, seed: UInt64 = 1,
                maxWindows: Int = 20_000, validationFraction: Double = 0.15) {
        self.lookback = lookback
        self.hidden = hidden
        self.horizons = horizons
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.patience = patience
        self.seed = seed
        self.maxWindows = maxWindows
        self.validationFraction = validationFraction
    }

    enum CodingKeys: String, CodingKey {
        case lookback, hidden, horizons, epochs, patience, seed
        case batchSize = "batch_size"
        case learningRate = "learning_rate"
        case weightDecay = "weight_decay"
        case maxWindows = "max_windows"
        case validationFraction = "validation_fraction"
    }

    /// Missing keys take the defaults (a config may give only `hidden`).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = NeuralForecastConfig()
        lookback = try c.decodeIfPresent(Int.self, forKey: .lookback) ?? d.lookback
        hidden = try c.decodeIfPresent(Int.self, forKey: .hidden) ?? d.hidden
        horizons = try c.decodeIfPresent(Int.self, forKey: .horizons) ?? d.horizons
        epochs = try c.decodeIfPresent(Int.self, forKey: .epochs) ?? d.epochs
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? d.batchSize
        learningRate = try c.decodeIfPresent(Float.self, forKey: .learningRate) ?? d.learningRate
        weightDecay = try c.decodeIfPresent(Float.self, forKey: .weightDecay) ?? d.weightDecay
        patience = try c.decodeIfPresent(Int.self, forKey: .patience) ?? d.patience
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
        maxWindows = try c.decodeIfPresent(Int.self, forKey: .maxWindows) ?? d.maxWindows
        validationFraction = try c.decodeIfPresent(Double.self, forKey: .validationFraction) ?? d.validationFraction
    }

    func validate() throws {
        func bad(_ key: String, _ value: Any, _ why: String) -> TimeSeriesError {
            .invalidConfiguration(key: "neural." + key, value: "\(value)", reason: why)
        }
        if !(2...1_000).contains(lookback) { throw bad("lookback", lookback, "must be 2 to 1000 buckets") }
        if !(1...1_024).contains(hidden) { throw bad("hidden", hidden, "must be 1 to 1024 units") }
        if !(1...288).contains(horizons) { throw bad("horizons", horizons, "must be 1 to 288 steps") }
        if epochs < 1 { throw bad("epochs", epochs, "must be ≥ 1") }
        if batchSize < 1 { throw bad("batch_size", batchSize, "must be ≥ 1") }
        if !(learningRate > 0) { throw bad("learning_rate", learningRate, "must be > 0") }
        if !(weightDecay >= 0) { throw bad("weight_decay", weightDecay, "must be ≥ 0") }
        if maxWindows < 10 { throw bad("max_windows", maxWindows, "must be ≥ 10") }
        if !(validationFraction >= 0 && validationFraction < 0.9) { throw bad("validation_fraction", validationFraction, "must be in [0, 0.9)") }
    }
}

/// An LSTM or GRU forecaster of a series' standardised remainder (what is left after the
/// transform, the seasonal baseline and the slot scale — the same quantity the ARIMA
/// models, so its forecasts feed the same `VolumeDetector`).
///
/// Input per bucket (lookback buckets): the remainder scaled by its training median and
/// robust spread (clipped to ±8), and calendar encodings — sin/cos of the time of day and
/// of the day of the week (UTC; holidays are not encoded). Network: recurrent layer →
/// last step → dense head giving, for each of `horizons` steps ahead, the 0.1, 0.5 and 0.9
/// quantiles (pinball loss). The one-step forecast is the 0.5 quantile of step 1 and its
/// standard deviation (q0.9 − q0.1) / (2 · 1.2816), which gives the detector's interval.
public struct NeuralRemainderModel: Codable, Sendable {
    public static let levels: [Float] = [0.1, 0.5, 0.9]
    static let clip = 8.0
    static let featureNames = ["remainder", "day_sin", "day_cos", "week_sin", "week_cos"]
    static var featureCount: Int { featureNames.count }

    /// `lstm` or `gru`.
    public var kind: ForecasterChoice
    public var lookback: Int
    public var horizons: Int
    /// The network, its architecture, scaling, training window, options and seed.
    public var network: NeuralModelFile

    /// The remainder scaling stored in the file.
    var scaling: NeuralModelFile.Scaling { network.scaling[0] }

    /// Calendar and scaled-remainder features of every bucket, row-major [n, 5] (NaN → 0).
    static func features(_ scaled: [Double], startMillis: Int64, bucketMillis: Int64) -> [Float] {
        var f = [Float](repeating: 0, count: scaled.count * featureCount)
        for i in scaled.indices {
            let t = startMillis + Int64(i) * bucketMillis
            let day = Double(((t % 86_400_000) + 86_400_000) % 86_400_000) / 86_400_000
            // 1970-01-01 was a Thursday: days since then + 3 = days since a Monday.
            let week = Double(((CivilTime.day(ofMillis: t) + 3) % 7 + 7) % 7) / 7 + day / 7
            f[i * featureCount] = scaled[i].isFinite ? Float(scaled[i]) : 0
            f[i * featureCount + 1] = Float(sin(2 * .pi * day))
            f[i * featureCount + 2] = Float(cos(2 * .pi * day))
            f[i * featureCount + 3] = Float(sin(2 * .pi * week))
            f[i * featureCount + 4] = Float(cos(2 * .pi * week))
        }
        return f
    }

    func scaled(_ remainder: [Double]) -> [Double] {
        let s = scaling
        return remainder.map { $0.isFinite ? min(max(s.apply($0), -Self.clip), Self.clip) : .nan }
    }

    /// Trains on `remainder` (NaN = missing) of the grid from `startMillis`.
    public static func train(kind: ForecasterChoice, remainder: [Double], startMillis: Int64, bucketMillis: Int64,
                             config: NeuralForecastConfig, seriesName: String) throws -> NeuralRemainderModel {
        precondition(kind == .lstm || kind == .gru)
        try config.validate()
        let finite = remainder.filter(\.isFinite)
        let center = finite.isEmpty ? 0 : median(finite)
        var spread = 1.4826 * median(finite.map { abs($0 - center) })
        if !(spread > 1e-9) { spread = 1 }
        let scaling = NeuralModelFile.Scaling(name: "remainder", center: center, scale: spread)
        let z = remainder.map { $0.isFinite ? min(max(scaling.apply($0), -clip), clip) : .nan }
        let windows = RemainderWindows(scaled: z, startMillis: startMillis, bucketMillis: bucketMillis,
                                       lookback: config.lookback, horizons: config.horizons, maxWindows: config.maxWindows)
        guard windows.ends.count >= 20 else {
            throw TimeSeriesError.seriesTooShort(series: seriesName, observations: windows.ends.count,
                                                 needed: 20)
        }
        let validationCount = Int(Double(windows.ends.count) * config.validationFraction)
        let training = windows.subset(0..<(windows.ends.count - validationCount))
        let validation = windows.subset((windows.ends.count - validationCount)..<windows.ends.count)
        let h = config.hidden
        let recurrent: LayerSpec = kind == .lstm ? .lstm(inputs: featureCount, hidden: h) : .gru(inputs: featureCount, hidden: h)
        let network = try Network([recurrent, .lastStep, .dense(inputs: h, outputs: config.horizons * levels.count)], seed: config.seed)
        let options = TrainingOptions(epochs: config.epochs, batchSize: config.batchSize, learningRate: config.learningRate,
                                      weightDecay: config.weightDecay, clipNorm: 1, patience: config.patience, seed: config.seed)
        let history = try Trainer.train(network, loss: PinballLoss(levels: levels), training: training,
                                        validation: validationCount > 0 ? validation : nil, options: options)
        let file = NeuralModelFile(
            network: network, inputs: featureNames, scaling: [scaling],
            training: .init(startMillis: startMillis, endMillis: startMillis + Int64(remainder.count) * bucketMillis),
            options: options, history: history,
            metadata: ["series": seriesName, "target": "standardised remainder", "quantiles": "0.1,0.5,0.9",
                       "bucket_ms": "\(bucketMillis)"])
        return NeuralRemainderModel(kind: kind, lookback: config.lookback, horizons: config.horizons, network: file)
    }

    /// One-step predictions and variances of the remainder (remainder units) for every bucket
    /// (NaN for the first `lookback`). `skip(t, prediction, variance)` may censor bucket t:
    /// then, like a missing bucket, the model's own prediction stands in for it in later windows.
    public func oneStepPredictions(_ remainder: [Double], startMillis: Int64, bucketMillis: Int64,
                                   skip: ((Int, Double, Double) -> Bool)? = nil) throws -> (predictions: [Double], variances: [Double]) {
        let net = try network.network(path: "neural model")
        var z = scaled(remainder)
        var features = Self.features(z, startMillis: startMillis, bucketMillis: bucketMillis)
        let n = z.count
        var median = [Double](repeating: .nan, count: n), sd = [Double](repeating: .nan, count: n)
        let k = Self.levels.count, width = horizons * k, f = Self.featureCount
        func compute(_ range: Range<Int>) {
            let r = range.clamped(to: lookback..<max(lookback, n))
            guard !r.isEmpty else { return }
            let x = Tensor(zeros: [r.count, lookback, f])
            features.withUnsafeBufferPointer { src in
                for (row, t) in r.enumerated() {
                    (x.data + row * lookback * f).update(from: src.baseAddress! + (t - lookback) * f, count: lookback * f)
                }
            }
            let y = net.predict(x, batch: 512)
            for (row, t) in r.enumerated() {
                let q = y.data + row * width
                median[t] = Double(q[1])
                sd[t] = max(Double(q[2] - q[0]) / (2 * 1.2815516), 1e-3)
            }
        }
        compute(lookback..<n)
        var predictions = [Double](repeating: .nan, count: n), variances = [Double](repeating: .nan, count: n)
        let s = scaling
        for t in 0..<n {
            let p = median[t].isFinite ? s.invert(median[t]) : .nan
            let v = sd[t].isFinite ? (sd[t] * s.scale) * (sd[t] * s.scale) : .nan
            predictions[t] = p
            variances[t] = v
            let censored = skip?(t, p, v) ?? false
            if (censored || !z[t].isFinite) && median[t].isFinite {
                // Later windows see the model's own forecast instead of this bucket.
                z[t] = median[t]
                features[t * f] = Float(median[t])
                compute((t + 1)..<min(n, t + 1 + lookback))
            }
        }
        return (predictions, variances)
    }
}

/// The training windows of a scaled remainder: window e uses buckets [e − lookback, e) as
/// input and [e, e + horizons) as target (all finite). The most recent `maxWindows`.
struct RemainderWindows: BatchSource {
    let features: [Float]
    let targets: [Float]
    let lookback: Int, horizons: Int
    var ends: [Int]

    init(scaled z: [Double], startMillis: Int64, bucketMillis: Int64, lookback: Int, horizons: Int, maxWindows: Int) {
        features = NeuralRemainderModel.features(z, startMillis: startMillis, bucketMillis: bucketMillis)
        targets = z.map { Float($0.isFinite ? $0 : 0) }
        self.lookback = lookback
        self.horizons = horizons
        var ends: [Int] = []
        if z.count >= lookback + horizons {
            // Count finite values over the target span with a running window.
            for e in lookback...(z.count - horizons) where (e..<(e + horizons)).allSatisfy({ z[$0].isFinite }) { ends.append(e) }
        }
        self.ends = Array(ends.suffix(maxWindows))
    }

    func subset(_ range: Range<Int>) -> RemainderWindows {
        var s = self
        s.ends = Array(ends[range])
        return s
    }

    var count: Int { ends.count }
    var inputShape: [Int] { [lookback, NeuralRemainderModel.featureCount] }
    var targetShape: [Int] { [horizons] }

    func fill(_ indices: ArraySlice<Int>, inputs: Tensor, targets y: Tensor) {
        let f = NeuralRemainderModel.featureCount
        features.withUnsafeBufferPointer { src in
            targets.withUnsafeBufferPointer { tgt in
                for (row, i) in indices.enumerated() {
                    let e = ends[i]
                    (inputs.data + row * lookback * f).update(from: src.baseAddress! + (e - lookback) * f, count: lookback * f)
                    (y.data + row * horizons).update(from: tgt.baseAddress! + e, count: horizons)
                }
            }
        }
    }
}

extension NeuralRemainderModel {
    /// Decodes and checks that the stored network can be rebuilt and fits the forecaster
    /// (a damaged file fails when it is read, not while scoring).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try c.decode(ForecasterChoice.self, forKey: .kind)
        let lookback = try c.decode(Int.self, forKey: .lookback)
        let horizons = try c.decode(Int.self, forKey: .horizons)
        let network = try c.decode(NeuralModelFile.self, forKey: .network)
        func corrupt(_ why: String) -> DecodingError {
            .dataCorruptedError(forKey: .network, in: c, debugDescription: why)
        }
        guard kind == .lstm || kind == .gru else { throw corrupt("neural forecaster kind must be lstm or gru, not \(kind.rawValue)") }
        guard lookback >= 2, horizons >= 1, network.scaling.count == 1 else { throw corrupt("lookback, horizons or scaling out of range") }
        do {
            let net = try network.network(path: "neural forecaster")
            guard case .dense(_, let outputs)? = net.specs.last, outputs == horizons * Self.levels.count,
                  net.specs.first.map({ spec in
                      if case let .lstm(i, _) = spec { return i == Self.featureCount }
                      if case let .gru(i, _) = spec { return i == Self.featureCount }
                      return false
                  }) == true else {
                throw corrupt("the network does not take \(Self.featureCount) features and give \(horizons) × 3 quantiles")
            }
        } catch let error as DecodingError {
            throw error
        } catch {
            throw corrupt("\(error)")
        }
        self.init(kind: kind, lookback: lookback, horizons: horizons, network: network)
    }
}
