import FlowFeatures
import FlowNeural
import Foundation

/// The classifier's input: for a host window, the sequence of the host's last
/// `windows` windows (the classified one last), each a vector of the host-profile features
/// (log1p where the feature is heavy-tailed, then standardised), a `present` flag (the host
/// had a flow in that window) and the sine and cosine of the window's time of day. A window
/// without flows has the standardised features of an all-zero profile and `present` 0.
///
/// Rows are kept in the profiles' order; `order` sorts them by (host, window), so a
/// sample's earlier windows are found by walking back at most `windows − 1` positions.
/// Sequences are cut out batch by batch (memory bounded by the batch, not the samples).
public final class HostSequences: @unchecked Sendable {
    public let windows: Int
    public let windowMillis: Int64
    /// Host-profile features, then `present`, `time_of_day_sin`, `time_of_day_cos`.
    public static var inputNames: [String] {
        HostProfiles.definitions.map { $0.log1p ? "log1p(\($0.name))" : $0.name } + ["present", "time_of_day_sin", "time_of_day_cos"]
    }
    public static var featureCount: Int { HostProfiles.definitions.count }
    public static var channels: Int { featureCount + 3 }

    let host: [Int32]
    let windowIndex: [Int64]
    /// Scaled features, `featureCount` per profile row.
    let scaled: [Float]
    /// The scaled features of a window without flows.
    let absent: [Float]
    /// Profile rows sorted by (host, window), and each row's place in it.
    let order: [Int32]
    let position: [Int32]

    /// Sequences over `profiles` with `scaling` (one entry per host-profile feature).
    public init(_ profiles: HostProfiles, windows: Int, scaling: [NeuralModelFile.Scaling]) {
        precondition(scaling.count == Self.featureCount, "one scaling per host-profile feature")
        self.windows = windows
        windowMillis = profiles.windowMillis
        host = profiles.host
        let w = profiles.windowMillis
        let windowIndex = profiles.windowStart.map { $0 >= 0 ? $0 / w : ($0 - w + 1) / w }
        self.windowIndex = windowIndex
        let f = Self.featureCount
        var scaled = [Float](repeating: 0, count: profiles.count * f)
        for r in 0..<profiles.count {
            for j in 0..<f { scaled[r * f + j] = Float(scaling[j].apply(Self.transformed(profiles.features[r, j], j))) }
        }
        self.scaled = scaled
        absent = (0..<f).map { Float(scaling[$0].apply(Self.transformed(0, $0))) }
        let keys = (0..<profiles.count).map { UInt64(UInt32(bitPattern: profiles.host[$0])) << 32 | UInt64(UInt32(truncatingIfNeeded: windowIndex[$0])) }
        let order = (0..<profiles.count).sorted { keys[$0] < keys[$1] }.map(Int32.init)
        var position = [Int32](repeating: 0, count: profiles.count)
        for (p, r) in order.enumerated() { position[Int(r)] = Int32(p) }
        self.order = order
        self.position = position
    }

    /// Feature `j` as the network sees it before scaling (log1p for heavy-tailed ones).
    static func transformed(_ x: Double, _ j: Int) -> Double {
        HostProfiles.definitions[j].log1p ? log1p(max(0, x)) : x
    }

    /// Mean and standard deviation of each transformed feature over `rows` (scale 1 when
    /// a feature does not vary).
    public static func fitScaling(_ profiles: HostProfiles, rows: [Int]) -> [NeuralModelFile.Scaling] {
        let names = inputNames
        return (0..<featureCount).map { j in
            var sum = 0.0, squares = 0.0
            for r in rows {
                let v = transformed(profiles.features[r, j], j)
                sum += v
                squares += v * v
            }
            let n = Double(max(rows.count, 1))
            let mean = sum / n
            let sd = (max(0, squares / n - mean * mean)).squareRoot()
            return NeuralModelFile.Scaling(name: names[j], center: mean, scale: sd > 1e-9 ? sd : 1)
        }
    }

    /// Writes the sequence of profile row `row` at `out` (`windows × channels` floats).
    func fill(row: Int, into out: UnsafeMutablePointer<Float>) {
        let f = Self.featureCount, c = Self.channels
        let h = host[row], w = windowIndex[row]
        var p = Int(position[row])
        for t in stride(from: windows - 1, through: 0, by: -1) {
            let target = w - Int64(windows - 1 - t)
            // Walk back to the host's latest row at or before the target window.
            while p >= 0, host[Int(order[p])] == h, windowIndex[Int(order[p])] > target { p -= 1 }
            let o = out + t * c
            if p >= 0, host[Int(order[p])] == h, windowIndex[Int(order[p])] == target {
                let r = Int(order[p])
                for j in 0..<f { o[j] = scaled[r * f + j] }
                o[f] = 1
            } else {
                for j in 0..<f { o[j] = absent[j] }
                o[f] = 0
            }
            let dayMillis = 86_400_000.0
            let middle = Double(target) * Double(windowMillis) + Double(windowMillis) / 2
            let angle = 2 * Double.pi * (middle.truncatingRemainder(dividingBy: dayMillis) / dayMillis)
            o[f + 1] = Float(sin(angle))
            o[f + 2] = Float(cos(angle))
        }
    }

    /// The sequences of `rows` as one tensor `[rows.count, windows, channels]`.
    public func tensor(_ rows: some Collection<Int>) -> Tensor {
        let x = Tensor(zeros: [rows.count, windows, Self.channels])
        for (k, r) in rows.enumerated() { fill(row: r, into: x.data + k * windows * Self.channels) }
        return x
    }
}

/// Training samples of the classifier: profile rows and their class indices, sequences cut
/// out as batches are asked for.
struct HostSequenceBatches: BatchSource {
    let sequences: HostSequences
    let rows: [Int]
    let classes: [Int]

    var count: Int { rows.count }
    var inputShape: [Int] { [sequences.windows, HostSequences.channels] }
    var targetShape: [Int] { [] }

    func fill(_ indices: ArraySlice<Int>, inputs: Tensor, targets: Tensor) {
        let size = sequences.windows * HostSequences.channels
        for (k, i) in indices.enumerated() {
            sequences.fill(row: rows[i], into: inputs.data + k * size)
            targets.data[k] = Float(classes[i])
        }
    }
}
