import FlowArtifacts
import FlowCore
import FlowDataset
import FlowDetection
import FlowFeatures
import FlowNeural
import Foundation

/// The saved host classifier (`classifier.json`): the network (a `NeuralModelFile` with the
/// input scaling), the classes, the sequence settings and the calibration of its scores.
public struct ClassifierModelFile: Codable, Sendable {
    public var format = ModelFile.format
    public var version = ModelFile.version
    public var kind = ClassifierModelKind.kindName
    public var windowMinutes: Int
    public var sequenceWindows: Int
    /// Host windows with fewer flows are not classified.
    public var minFlows: Int
    /// Class names; index 0 is benign.
    public var classes: [String]
    public var minProbability: Double
    /// Where the labels came from (`column:label` or the file's path).
    public var labels: String
    /// Distribution of log(p / (1 − p)) of the most probable non-benign class over benign
    /// held-out host windows (p-values of detections).
    public var calibration: TailCalibration?
    public var network: NeuralModelFile

    enum CodingKeys: String, CodingKey {
        case format, version, kind, classes, labels, calibration, network
        case windowMinutes = "window_minutes"
        case sequenceWindows = "sequence_windows"
        case minFlows = "min_flows"
        case minProbability = "min_probability"
    }
}

/// The temporal-CNN host classifier (docs/neural.md, "Host classifier"): off unless
/// `models.classifier.labels` is given. Training reads the labels (`HostWindowLabels`),
/// splits the days (`ClassifierSplit`), fits `TemporalCNN` on the host-window sequences
/// (`HostSequences`) with early stopping on the validation days, evaluates it on the
/// held-out days (`classifier-eval.json`) and writes `classifier.json`. Scoring classifies
/// every host window of the day with at least `min_flows` flows (the day before gives the
/// sequences' context) and reports each non-benign prediction with probability at least
/// `min_probability` as a `classified:<class>` detection, the probability as its score and
/// evidence, its p-value from the benign held-out windows' scores.
public struct ClassifierModelKind: ModelKind {
    public static let kindName = "classifier"
    public var name: String { Self.kindName }
    public static let fileName = "classifier.json"
    /// Detection kinds are this prefix and the class name.
    public static let detectionPrefix = "classified:"

    public init() {}

    public func train(_ context: TrainContext) throws -> ModelsIndex.Entry? {
        let config = context.config
        let section = try ClassifierSection.decode(sectionJSON: config.sectionJSON, source: "models")
        guard section.labels != nil else { return nil }
        let started = Date()
        let data = context.data
        let table = try data.table()
        let profiles = try data.profiles()
        let labels = try HostWindowLabels.read(section, table: table, dataset: data.dataset, windowMillis: config.windowMillis)
        let split: ClassifierSplit
        do {
            split = try ClassifierSplit(profiles: profiles, labels: labels, days: data.dataset.days, section: section,
                                        minFlows: config.hostMinFlows, seed: config.seed)
        } catch FlowModelsError.notEnoughData(let detail) {
            // Like the other kinds on too short a range: the rest of the models are still trained.
            context.log("classifier: skipped: \(detail)")
            return nil
        }
        for r in split.rare {
            context.log("classifier: class \(r.name) has \(r.trainingWindows) training host windows (fewer than min_class_windows \(section.minClassWindows)): not learned")
        }
        guard split.classes.count >= 2, !split.trainRows.isEmpty else {
            context.log("classifier: skipped: no class besides benign has \(section.minClassWindows) labelled host windows (with ≥ \(config.hostMinFlows) flows) in the training days")
            return nil
        }
        let scaling = HostSequences.fitScaling(profiles, rows: split.fittingRows)
        let sequences = HostSequences(profiles, windows: section.sequenceWindows, scaling: scaling)
        let specs = TemporalCNN.layers(inputs: HostSequences.channels, channels: section.channels, kernel: section.kernel,
                                       dilations: section.dilations, classes: split.classes.count, dropout: Float(section.dropout))
        let network = try Network(specs, seed: config.seed)
        let options = TrainingOptions(epochs: section.epochs, batchSize: section.batchSize, learningRate: Float(section.learningRate),
                                      weightDecay: Float(section.weightDecay), clipNorm: 1, patience: section.patience, seed: config.seed)
        let training = HostSequenceBatches(sequences: sequences, rows: split.trainRows, classes: split.trainClasses)
        let validation = split.validationRows.isEmpty ? nil
            : HostSequenceBatches(sequences: sequences, rows: split.validationRows, classes: split.validationClasses)
        context.log("classifier: \(split.trainRows.count) training, \(split.validationRows.count) validation, \(split.heldOutRows.count) held-out host windows; classes \(split.classes.joined(separator: ", "))")
        let history = try Trainer.train(network, loss: SoftmaxCrossEntropy(classWeights: split.classWeights(section.classWeights)),
                                        training: training, validation: validation, options: options)
        // Held-out evaluation.
        let predicting = Date()
        let p = Self.probabilities(network, sequences: sequences, rows: split.heldOutRows)
        let predictSeconds = Date().timeIntervalSince(predicting)
        let k = split.classes.count
        let predicted = (0..<split.heldOutRows.count).map { i in (0..<k).max { p[i * k + $0] < p[i * k + $1] }! }
        let metrics = ClassificationMetrics(classes: split.classes, truth: split.heldOutClasses, predicted: predicted)
        var benignScores = (0..<split.heldOutRows.count).filter { split.heldOutClasses[$0] == 0 }.map { Self.score(p, row: $0, classes: k) }
        if benignScores.count < TailCalibration.minimumSample {
            let q = Self.probabilities(network, sequences: sequences, rows: split.trainRows)
            benignScores += (0..<split.trainRows.count).filter { split.trainClasses[$0] == 0 }.map { Self.score(q, row: $0, classes: k) }
        }
        let days = data.dataset.days
        let file = ClassifierModelFile(
            windowMinutes: config.windowMinutes, sequenceWindows: section.sequenceWindows, minFlows: config.hostMinFlows,
            classes: split.classes, minProbability: section.minProbability,
            labels: section.labels == ClassifierSection.columnLabels ? "column:" + section.labelColumn : section.labels!,
            calibration: TailCalibration.fit(benignScores),
            network: NeuralModelFile(network: network, inputs: HostSequences.inputNames, scaling: scaling,
                                     training: .init(startMillis: days.first! * CivilTime.millisPerDay,
                                                     endMillis: (days.last! + 1) * CivilTime.millisPerDay),
                                     options: options, history: history,
                                     metadata: ["model": "temporal_cnn", "window_minutes": String(config.windowMinutes)]))
        try ModelFile.write(file, to: context.outputFolder + "/" + Self.fileName)
        let evaluation = ClassifierEvaluation(
            training: split.trainingDays, validation: split.validationDays, heldOut: split.heldOutDays, classCounts: split.counts,
            benignSampled: split.benignSampled, rareClasses: split.rare, heldOutUnscored: split.heldOutUnscored, metrics: metrics,
            epochsRun: history.trainingLoss.count, bestEpoch: history.bestEpoch,
            fitSeconds: (Date().timeIntervalSince(started) * 100).rounded() / 100,
            predictSeconds: (predictSeconds * 1000).rounded() / 1000)
        try ModelFile.write(evaluation, to: context.outputFolder + "/" + ClassifierEvaluation.fileName)
        context.log("classifier: held-out macro F1 \(String(format: "%.3f", metrics.macroF1)) (anomaly kinds \(metrics.macroF1Anomalies.map { String(format: "%.3f", $0) } ?? "-")) on \(metrics.rows) host windows (classified in \(String(format: "%.2f", predictSeconds)) s) → \(ClassifierEvaluation.fileName)")
        return ModelsIndex.Entry(kind: name, file: Self.fileName)
    }

    /// Class probabilities `[rows.count · classes]` of profile rows, batch by batch.
    static func probabilities(_ network: Network, sequences: HostSequences, rows: [Int], batch: Int = 1024) -> [Float] {
        var out: [Float] = []
        var start = 0
        while start < rows.count {
            let end = min(rows.count, start + batch)
            let p = TemporalCNN.probabilities(network.forward(sequences.tensor(rows[start..<end])))
            out += p.array
            start = end
        }
        return out
    }

    /// The calibrated score of a row: log(p / (1 − p)) of its most probable non-benign class.
    static func score(_ p: [Float], row: Int, classes k: Int) -> Double {
        let top = (1..<k).map { Double(p[row * k + $0]) }.max() ?? 0
        let q = min(max(top, 1e-12), 1 - 1e-12)
        return log(q / (1 - q))
    }

    public func score(_ context: ScoreContext, entry: ModelsIndex.Entry) throws -> KindScores {
        let path = context.modelsFolder + "/" + entry.file
        let model = try context.decodedFiles.modelFile(ClassifierModelFile.self, path: path, kind: name)
        let network: Network
        do { network = try model.network.network(path: path) } catch { throw FlowModelsError.modelFile(path: path, detail: "\(error)") }
        guard model.network.scaling.count == HostSequences.featureCount, model.classes.count >= 2,
              model.network.inputs == HostSequences.inputNames else {
            throw FlowModelsError.modelFile(path: path, detail: "its inputs or classes do not match this floe's host classifier; retrain with floe-train")
        }
        let windowMillis = Int64(model.windowMinutes) * 60_000
        // The day before gives the first windows their context, when the dataset has it.
        let withBefore = context.data.wholeDataset.selecting(DaySelection(from: context.day - 1, to: context.day))
        let table = withBefore.days.count == 2
            ? try FlowTable.load(withBefore, internalNetworks: context.data.internalNetworks)
            : try context.data.table()
        let profiles = HostProfiles.build(table, windowMillis: windowMillis)
        let sequences = HostSequences(profiles, windows: model.sequenceWindows, scaling: model.network.scaling)
        let dayStart = context.day * CivilTime.millisPerDay
        let rows = (0..<profiles.count).filter {
            profiles.windowStart[$0] >= dayStart && profiles.windowStart[$0] < dayStart + CivilTime.millisPerDay
                && profiles.features[$0, 0] >= Double(model.minFlows)
        }.sorted { (profiles.windowStart[$0], profiles.host[$0]) < (profiles.windowStart[$1], profiles.host[$1]) }
        let k = model.classes.count
        let p = Self.probabilities(network, sequences: sequences, rows: rows)
        var anomalies: [AnomalyRecord] = []
        var classColumn: [String] = [], probability: [Double] = []
        for (i, r) in rows.enumerated() {
            let c = (0..<k).max { p[i * k + $0] < p[i * k + $1] }!
            classColumn.append(model.classes[c])
            probability.append(Double(p[i * k + c]))
            guard c != 0, Double(p[i * k + c]) >= model.minProbability else { continue }
            let host = table.hosts[Int(profiles.host[r])].description
            let s = profiles.windowStart[r]
            let pr = Double(p[i * k + c])
            let others = (0..<k).filter { $0 != c }.sorted { p[i * k + $0] > p[i * k + $1] }.prefix(2)
                .map { "\(model.classes[$0]) \(String(format: "%.3f", p[i * k + $0]))" }.joined(separator: ", ")
            let evidence = "temporal CNN: \(model.classes[c]) with probability \(String(format: "%.3f", pr)) (next: \(others)); "
                + "\(formatValue(profiles.features[r, 0])) flows, \(formatValue(profiles.features[r, 1])) peers, "
                + "\(formatValue(profiles.features[r, 2])) destination ports in the window"
            anomalies.append(AnomalyRecord(kind: Self.detectionPrefix + model.classes[c], entity: host, start: s, end: s + windowMillis,
                                           score: pr, evidence: evidence,
                                           log10P: model.calibration?.log10PValue(Self.score(p, row: i, classes: k)) ?? log10(max(1e-300, 1 - pr)),
                                           hosts: [host]))
        }
        let file = "host_classes-\(context.date).arrow"
        try ScoreTable(columns: [
            .init("window_start", .timestamp(rows.map { profiles.windowStart[$0] })),
            .init("entity", .utf8(rows.map { table.hosts[Int(profiles.host[$0])].description })),
            .init("class", .utf8(classColumn)),
            .init("probability", .float64(probability)),
        ]).write(path: context.outputFolder + "/" + file, metadata: [("floe:table", "host_classes")])
        return KindScores(anomalies: anomalies, outputs: [(file, rows.count)])
    }
}
