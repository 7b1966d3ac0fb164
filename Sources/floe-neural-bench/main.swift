// Development tool for scripts/bench/neural.sh and scripts/peers/check-torch.sh; prints one
// JSON line. Not installed, not part of the pipeline.
//
// --task forecaster (default): trains a recurrent forecaster (lstm|gru → last step → dense,
// pinball loss on 3 quantiles, AdamW) on raw little-endian Float32 files of inputs
// [samples, lookback, features] and targets [samples, horizons], then times inference; with
// --test-x/--test-y also the pinball loss on those held-out windows; with --initial FILE it
// first writes the seeded initial parameters (JSON) so a peer can start from the same ones.
//   usage: floe-neural-bench --x X.f32 --y Y.f32 --samples N --lookback T --features F
//          --horizons H --hidden U --epochs E --batch B --cell lstm|gru [--seed S]
//          [--lr 1e-3 --decay 0 --clip 0] [--test-x X --test-y Y --test-samples M] [--initial FILE]
//
// --task classifier: trains floe's temporal CNN on the `train` samples of a
// `floe-dev export-classifier` folder for exactly --epochs epochs (no early stopping), then
// classifies every exported sample --repeats times (see ClassifierBench.swift).
//   usage: floe-neural-bench --task classifier --export DIR --epochs E [--repeats R]
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import FlowNeural

let args: [String: String] = {
    var args: [String: String] = [:]
    var it = CommandLine.arguments.dropFirst().makeIterator()
    while let k = it.next() {
        guard k.hasPrefix("--"), let v = it.next() else { fail("expected --key value pairs, got \(k)") }
        args[String(k.dropFirst(2))] = v
    }
    return args
}()

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("floe-neural-bench: \(message)\n".utf8))
    exit(2)
}

func int(_ k: String) -> Int {
    guard let s = args[k], let v = Int(s) else { fail("--\(k) N is required") }
    return v
}

func float(_ k: String, _ fallback: Float) -> Float {
    guard let s = args[k] else { return fallback }
    guard let v = Float(s) else { fail("--\(k) \(s) is not a number") }
    return v
}

/// A raw little-endian Float32 file of exactly `shape`.
func loadFloats(_ path: String, _ shape: [Int]) -> Tensor {
    guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)") }
    let t = Tensor(zeros: shape)
    guard data.count == t.count * 4 else { fail("\(path) has \(data.count) bytes, expected \(t.count * 4) for \(shape)") }
    data.withUnsafeBytes { raw in
        for i in 0..<t.count { t[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
    }
    return t
}

func load(_ k: String, _ shape: [Int]) -> Tensor {
    guard let path = args[k] else { fail("--\(k) FILE is required") }
    return loadFloats(path, shape)
}

func cpuSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

/// One JSON line on stdout.
func emit(_ fields: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

/// The network's parameters (names, shapes, values) as JSON, for a peer to load.
func writeParameters(_ network: Network, to path: String) {
    let list: [[String: Any]] = network.parameters.map { ["name": $0.name, "shape": $0.value.shape, "values": $0.value.array.map(Double.init)] }
    guard let data = try? JSONSerialization.data(withJSONObject: ["parameters": list], options: [.sortedKeys]),
          FileManager.default.createFile(atPath: path, contents: data) else { fail("cannot write \(path)") }
}

func forecaster() throws {
    let n = int("samples"), lookback = int("lookback"), features = int("features"), horizons = int("horizons")
    let hidden = int("hidden"), epochs = int("epochs"), batch = int("batch")
    let seed = UInt64(args["seed"] ?? "1") ?? 1
    let x = load("x", [n, lookback, features]), y = load("y", [n, horizons])
    let cell: LayerSpec = args["cell"] == "gru" ? .gru(inputs: features, hidden: hidden) : .lstm(inputs: features, hidden: hidden)
    let network = try Network([cell, .lastStep, .dense(inputs: hidden, outputs: horizons * 3)], seed: seed)
    if let path = args["initial"] { writeParameters(network, to: path) }
    let loss = PinballLoss(levels: [0.1, 0.5, 0.9])
    let clock = ContinuousClock()
    let options = TrainingOptions(epochs: epochs, batchSize: batch, learningRate: float("lr", 1e-3), weightDecay: float("decay", 0),
                                  clipNorm: float("clip", 0), patience: 0, seed: seed)
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
    var fields: [String: Any] = [
        "tool": "floe", "cell": args["cell"] ?? "lstm", "train_seconds": seconds(trainTime), "infer_seconds": seconds(inferTime),
        "train_cpu_seconds": trainCPU, "infer_cpu_seconds": inferCPU, "cpu_windows_per_second": Double(n) / inferCPU,
        "first_epoch_loss": history.trainingLoss.first ?? .nan, "epoch_losses": history.trainingLoss, "final_loss": finalLoss,
        "windows_per_second": Double(n) / seconds(inferTime),
    ]
    if args["test-x"] != nil {
        let m = int("test-samples")
        let tx = load("test-x", [m, lookback, features]), ty = load("test-y", [m, horizons])
        fields["held_out_loss"] = loss.evaluate(network.predict(tx, batch: 1024), ty).loss
    }
    emit(fields)
}

do {
    switch args["task"] ?? "forecaster" {
    case "forecaster": try forecaster()
    case "classifier": try ClassifierBench.run()
    case let other: fail("--task \(other): expected forecaster or classifier")
    }
} catch {
    fail("\(error)")
}
