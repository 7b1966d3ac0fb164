import FlowCore
import FlowDataset
import FlowFeatures
import FlowIO
import FlowNeural
import Foundation

extension ClassifierModelKind {
    /// Writes the classifier's samples as training builds them, for the peer check
    /// (scripts/peers/check-classifier.sh) to fit scikit-learn and JAX on the same data:
    /// `sequences.f32` (every sample's `[windows, channels]` sequence, little-endian
    /// Float32, samples in the order of `samples.csv`), `samples.csv` (`part,class` with part
    /// `train`, `validation` or `held_out`) and `meta.json` (classes, shape, architecture and
    /// training settings).
    public static func exportSamples(config: ModelsConfig, input: String, folder: String) throws {
        let section = try ClassifierSection.decode(sectionJSON: config.sectionJSON, source: "models")
        guard section.labels != nil else {
            throw FlowModelsError.invalidParameter(name: "models.classifier.labels", value: "", reason: "give `column` or a labels file")
        }
        let dataset = try DatasetListing(root: input).requireFiles()
        let data = try ModelData(config: config, dataset: dataset)
        let profiles = try data.profiles()
        let labels = try HostWindowLabels.read(section, table: try data.table(), dataset: dataset, windowMillis: config.windowMillis)
        let split = try ClassifierSplit(profiles: profiles, labels: labels, days: dataset.days, section: section,
                                        minFlows: config.hostMinFlows, seed: config.seed)
        let sequences = HostSequences(profiles, windows: section.sequenceWindows, scaling: HostSequences.fitScaling(profiles, rows: split.fittingRows))
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var csv = "part,class\n"
        var bytes = Data()
        let size = section.sequenceWindows * HostSequences.channels
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: size)
        defer { buffer.deallocate() }
        for (part, rows, classes) in [("train", split.trainRows, split.trainClasses), ("validation", split.validationRows, split.validationClasses),
                                      ("held_out", split.heldOutRows, split.heldOutClasses)] {
            for (r, c) in zip(rows, classes) {
                sequences.fill(row: r, into: buffer)
                for i in 0..<size { withUnsafeBytes(of: buffer[i].bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
                csv += "\(part),\(c)\n"
            }
        }
        try writeAtomically(path: folder + "/sequences.f32", bytes: [UInt8](bytes))
        try writeAtomically(path: folder + "/samples.csv", bytes: Array(csv.utf8))
        let meta: [String: Any] = [
            "classes": split.classes, "windows": section.sequenceWindows, "channels": HostSequences.channels,
            "conv_channels": section.channels, "kernel": section.kernel, "dilations": section.dilations, "dropout": section.dropout,
            "epochs": section.epochs, "batch_size": section.batchSize, "learning_rate": section.learningRate,
            "weight_decay": section.weightDecay, "patience": section.patience, "class_weights": section.classWeights,
            "class_weight_values": split.classWeights(section.classWeights) ?? [], "seed": config.seed,
        ]
        try writeAtomically(path: folder + "/meta.json", bytes: [UInt8](try JSONSerialization.data(withJSONObject: meta, options: [.sortedKeys, .prettyPrinted])))
    }
}
