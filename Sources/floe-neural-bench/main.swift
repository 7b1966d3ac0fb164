// Development tool for scripts/bench/neural.sh: trains a recurrent forecaster
// (lstm|gru → last step → dense, pinball loss on 3 quantiles, AdamW) on raw little-endian
// Float32 files of inputs [samples, lookback, features] and targets [samples, horizons],
// then times inference; prints one JSON line. Not installed, not part of the pipeline.
//   usage: floe-neural-bench --x X.f32 --y Y.f32 --samples N --lookback T --features F
//          --horizons H --hidden U --epochs E --batch B --cell lstm|gru [--seed S]
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import FlowNeural

let args: [String: String] = {
    var args: [String: String] = [:]
    var it = CommandLine.arguments.dropFirst().makeIterator()
    while let k = it.next() {
        guard k.hasPrefix("--"), let v = it.next() else {
            FileHandle.standardError.write(Data("floe-neural-bench: expected --key value pairs, got \(k)\n".utf8))
            exit(2)
        }
        args[String(k.dropFirst(2))] = v
    }
    return args
}()
nonisolated func int(_ k: String) -> Int {
    guard let s = args[k], let v = Int(s) else {
        FileHandle.standardError.write(Data("floe-neural-bench: --\(k) N is required\n".utf8))
        exit(2)
    }
    return v
}
func load(_ k: String, _ shape: [Int]) -> Tensor {
    guard let path = args[k], let data = FileManager.default.contents(atPath: path) else {
        FileHandle.standardError.write(Data("floe-neural-bench: cannot read --\(k) \(args[k] ?? "(missing)")\n".utf8))
        exit(2)
    }
    let t = Tensor(zeros: shape)
    guard data.count == t.count * 4 else {
        FileHandle.standardError.write(Data("floe-neural-bench: \(path) has \(data.count) bytes, expected \(t.count * 4)\n".utf8))
        exit(2)
    }
    data.withUnsafeBytes { raw in
        for i in 0..<t.count { t[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
    }
    return t
}

let n = int("samples"), lookback = int("lookback"), features = int("features"), horizons = int("horizons")
let hidden = int("hidden"), epochs = int("epochs"), batch = int("batch")
let seed = UInt64(args["seed"] ?? "1") ?? 1
let x = load("x", [n, lookback, features]), y = load("y", [n, horizons])
let cell: LayerSpec = args["cell"] == "gru" ? .gru(inputs: features, hidden: hidden) : .lstm(inputs: features, hidden: hidden)
let network = try Network([cell, .lastStep, .dense(inputs: hidden, outputs: horizons * 3)], seed: seed)
let loss = PinballLoss(levels: [0.1, 0.5, 0.9])
let clock = ContinuousClock()
let options = TrainingOptions(epochs: epochs, batchSize: batch, learningRate: 1e-3, weightDecay: 0, clipNorm: 0, patience: 0, seed: seed)
func cpuSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}
var history = TrainingHistory()
let cpu0 = cpuSeconds()
let trainTime = try clock.measure {
    history = try Trainer.train(network, loss: loss, training: TensorBatchSource(inputs: x, targets: y), validation: nil, options: options)
}
let trainCPU = cpuSeconds() - cpu0
var finalLoss = 0.0
let cpu1 = cpuSeconds()
let inferTime = clock.measure { finalLoss = loss.evaluate(network.predict(x, batch: 1024), y).loss }
let inferCPU = cpuSeconds() - cpu1
func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
print("{\"tool\": \"floe\", \"cell\": \"\(args["cell"] ?? "lstm")\", \"train_seconds\": \(seconds(trainTime)), \"infer_seconds\": \(seconds(inferTime)), \"train_cpu_seconds\": \(trainCPU), \"infer_cpu_seconds\": \(inferCPU), \"cpu_windows_per_second\": \(Double(n) / inferCPU), \"first_epoch_loss\": \(history.trainingLoss.first ?? .nan), \"final_loss\": \(finalLoss), \"windows_per_second\": \(Double(n) / seconds(inferTime))}")
