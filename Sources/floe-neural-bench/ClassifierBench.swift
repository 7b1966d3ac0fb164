import Foundation
import FlowNeural

/// `--task classifier`: the host classifier's network (`TemporalCNN.layers` with the
/// exported settings) trained on the `train` samples of a `floe-dev export-classifier`
/// folder for exactly `--epochs` epochs (patience 0: the same work as a peer doing the same
/// epochs), AdamW with the exported learning rate, decay and class weights, clipping at 1
/// (as floe-train); then every exported sample classified `--repeats` times in batches of
/// 1,024 (`Network.predict`, the network alone: the sequences are already cut). Reports
/// training wall and CPU seconds, each repeat's host windows per second and the held-out
/// accuracy (so a broken run shows).
enum ClassifierBench {
    static func run() throws {
        guard let folder = args["export"] else { fail("--export DIR is required") }
        guard let metaData = FileManager.default.contents(atPath: folder + "/meta.json"),
              let meta = try JSONSerialization.jsonObject(with: metaData) as? [String: Any],
              let classes = meta["classes"] as? [String], let windows = meta["windows"] as? Int,
              let channels = meta["channels"] as? Int, let convChannels = meta["conv_channels"] as? Int,
              let kernel = meta["kernel"] as? Int, let dilations = meta["dilations"] as? [Int],
              let dropout = meta["dropout"] as? Double, let batch = meta["batch_size"] as? Int,
              let lr = meta["learning_rate"] as? Double, let decay = meta["weight_decay"] as? Double,
              let seed = meta["seed"] as? Int else { fail("\(folder)/meta.json is missing or lacks a field") }
        let weights = (meta["class_weight_values"] as? [Double]).flatMap { $0.isEmpty ? nil : $0.map(Float.init) }
        guard let csv = try? String(contentsOfFile: folder + "/samples.csv", encoding: .utf8) else { fail("cannot read \(folder)/samples.csv") }
        var parts: [Substring] = [], labels: [Float] = []
        for line in csv.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",")
            guard f.count == 2, let c = Int(f[1]) else { fail("samples.csv: bad line \(line)") }
            parts.append(f[0])
            labels.append(Float(c))
        }
        let all = loadFloats(folder + "/sequences.f32", [parts.count, windows, channels])
        let train = parts.indices.filter { parts[$0] == "train" }, held = parts.indices.filter { parts[$0] == "held_out" }
        let size = windows * channels
        func gather(_ rows: [Int]) -> (Tensor, Tensor) {
            let x = Tensor(zeros: [rows.count, windows, channels]), y = Tensor(zeros: [rows.count])
            for (k, r) in rows.enumerated() {
                (x.data + k * size).update(from: all.data + r * size, count: size)
                y[k] = labels[r]
            }
            return (x, y)
        }
        let (tx, ty) = gather(train)
        let epochs = int("epochs"), repeats = Int(args["repeats"] ?? "5") ?? 5
        let network = try Network(TemporalCNN.layers(inputs: channels, channels: convChannels, kernel: kernel, dilations: dilations,
                                                     classes: classes.count, dropout: Float(dropout)), seed: UInt64(seed))
        let options = TrainingOptions(epochs: epochs, batchSize: batch, learningRate: Float(lr), weightDecay: Float(decay),
                                      clipNorm: 1, patience: 0, seed: UInt64(seed))
        let loss = SoftmaxCrossEntropy(classWeights: weights)
        let clock = ContinuousClock()
        var history = TrainingHistory()
        let cpu0 = cpuSeconds()
        let trainTime = try clock.measure {
            history = try Trainer.train(network, loss: loss, training: TensorBatchSource(inputs: tx, targets: ty), validation: nil, options: options)
        }
        let trainCPU = cpuSeconds() - cpu0
        var rates: [Double] = [], cpuRates: [Double] = []
        var logits = Tensor(zeros: [0])
        for _ in 0..<max(repeats, 1) {
            let c = cpuSeconds()
            let t = clock.measure { logits = network.predict(all, batch: 1024) }
            rates.append(Double(parts.count) / seconds(t))
            cpuRates.append(Double(parts.count) / (cpuSeconds() - c))
        }
        let k = classes.count
        let correct = held.filter { r in
            let row = logits.data + r * k
            return (0..<k).max { row[$0] < row[$1] }! == Int(labels[r])
        }.count
        emit(["tool": "floe", "cell": "classifier", "train_seconds": seconds(trainTime), "train_cpu_seconds": trainCPU,
              "train_samples": train.count, "infer_samples": parts.count, "windows_per_second_runs": rates,
              "cpu_windows_per_second_runs": cpuRates, "epoch_losses": history.trainingLoss,
              "final_loss": history.trainingLoss.last ?? .nan, "held_out_accuracy": Double(correct) / Double(max(held.count, 1))])
    }
}
