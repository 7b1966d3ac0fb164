import FlowArtifacts
import FlowConfig
import FlowCore
import FlowDataset
import FlowDetection
import FlowFormats
import FlowGenerate
import FlowNeural
import FlowRandom
import Foundation
import Testing
@testable import FlowFeatures
@testable import FlowModels
import FlowTestSupport

@Suite struct HostClassifierTests {
    /// Toy sequences [n, 8, 4] of noise; class 1 has a spike in channel 0 at the last step,
    /// class 2 a raised channel 1 at the *first* step only (so it needs the whole receptive
    /// field), class 0 neither.
    static func toy(_ n: Int, seed: UInt64) -> (Tensor, [Int]) {
        var random = SplitMix64(seed: seed)
        let x = Tensor(zeros: [n, 8, 4])
        var y: [Int] = []
        for i in 0..<n {
            let c = i % 3
            y.append(c)
            for t in 0..<8 { for f in 0..<4 { x.data[(i * 8 + t) * 4 + f] = Float(random.normal() * 0.5) } }
            if c == 1 { x.data[(i * 8 + 7) * 4 + 0] += 3 }
            if c == 2 { x.data[(i * 8 + 0) * 4 + 1] += 3 }
        }
        return (x, y)
    }

    static func toyF1(dilations: [Int]) throws -> Double {
        let (x, y) = toy(900, seed: 1)
        let (tx, ty) = toy(300, seed: 2)
        let network = try Network(TemporalCNN.layers(inputs: 4, channels: 8, kernel: 3, dilations: dilations, classes: 3, dropout: 0), seed: 3)
        _ = try Trainer.train(network, loss: SoftmaxCrossEntropy(), training: TensorBatchSource(inputs: x, targets: Tensor(shape: [900], values: y.map(Float.init))),
                              validation: nil, options: TrainingOptions(epochs: 25, batchSize: 32, learningRate: 0.01, patience: 0, seed: 4))
        let p = TemporalCNN.probabilities(network.predict(tx))
        let predicted = (0..<300).map { i in (0..<3).max { p.data[i * 3 + $0] < p.data[i * 3 + $1] }! }
        return ClassificationMetrics(classes: ["benign", "spike", "early"], truth: ty, predicted: predicted).macroF1
    }

    @Test func learnsASeparableToyProblemOnlyWhenTheReceptiveFieldCoversTheSequence() throws {
        #expect(TemporalCNN.receptiveField(kernel: 3, dilations: [1, 2, 4]) == 15)
        let wide = try Self.toyF1(dilations: [1, 2, 4])
        #expect(wide >= 0.95, "macro F1 \(wide)")
        // Receptive field 3: the first step is out of sight, the third class is a guess.
        let narrow = try Self.toyF1(dilations: [1])
        #expect(narrow < 0.85, "macro F1 \(narrow)")
    }

    /// A flow table with `flows` flows from 10.0.0.1 to 10.0.0.2 in each window of `windows` (hours).
    static func table(windows: [Int64: Int]) -> FlowTable {
        var t = FlowTable()
        var ids: [IPAddress: Int32] = [:]
        let a = t.intern(IPAddress("10.0.0.1")!, &ids, []), b = t.intern(IPAddress("10.0.0.2")!, &ids, [])
        for (w, n) in windows.sorted(by: { $0.key < $1.key }) {
            for i in 0..<n {
                t.start.append(w * 3_600_000 + Int64(i) * 1_000); t.duration.append(10); t.source.append(a); t.destination.append(b)
                t.destinationPort.append(443); t.sourcePort.append(40_000); t.proto.append(6); t.tcpFlags.append(0x1B); t.flagsKnown.append(true)
                t.packets.append(4); t.bytes.append(1_000); t.reverseBytes.append(5_000); t.direction.append(.internalTraffic)
            }
        }
        return t
    }

    @Test func sequencesHoldTheHostsEarlierWindowsAndMarkAbsentOnes() throws {
        let base: Int64 = 500_000
        let profiles = HostProfiles.build(Self.table(windows: [base: 3, base + 2: 7, base + 3: 12]), windowMillis: 3_600_000)
        let scaling = HostSequences.fitScaling(profiles, rows: Array(0..<profiles.count))
        let sequences = HostSequences(profiles, windows: 4, scaling: scaling)
        let c = HostSequences.channels, f = HostSequences.featureCount
        #expect(HostSequences.inputNames.count == c && HostSequences.inputNames[0] == "log1p(flows)")
        // The source host's row of the last window.
        let last = try #require((0..<profiles.count).first { profiles.host[$0] == 0 && profiles.windowStart[$0] == (base + 3) * 3_600_000 })
        let x = sequences.tensor([last])
        #expect(x.shape == [1, 4, c])
        let present = (0..<4).map { x.data[$0 * c + f] }
        #expect(present == [1, 0, 1, 1])
        let flows = (0..<4).map { Double(x.data[$0 * c]) * scaling[0].scale + scaling[0].center }
        #expect(abs(flows[0] - log1p(3)) < 1e-4 && abs(flows[2] - log1p(7)) < 1e-4 && abs(flows[3] - log1p(12)) < 1e-4)
        #expect(abs(flows[1] - 0) < 1e-4)  // the absent window is the all-zero profile
        // Time of day: window base+3 is hour (base + 3) % 24, its middle at half past.
        let hour = Double((base + 3) % 24) + 0.5
        #expect(abs(Double(x.data[3 * c + f + 1]) - sin(2 * .pi * hour / 24)) < 1e-4)
        #expect(abs(Double(x.data[3 * c + f + 2]) - cos(2 * .pi * hour / 24)) < 1e-4)
        // The other host's sequence never borrows the first host's windows.
        let other = try #require((0..<profiles.count).first { profiles.host[$0] == 1 && profiles.windowStart[$0] == base * 3_600_000 })
        let y = sequences.tensor([other])
        #expect((0..<4).map { y.data[$0 * c + f] } == [0, 0, 0, 1])
    }

    @Test func metricsFollowScikitLearnsDefinitions() {
        // sklearn: f1_score([0,0,1,1,2,2], [0,1,1,1,2,0], average='macro') = 0.6555…
        let m = ClassificationMetrics(classes: ["benign", "a", "b", "never"], truth: [0, 0, 1, 1, 2, 2], predicted: [0, 1, 1, 1, 2, 0])
        #expect(abs(m.macroF1 - (0.5 + 0.8 + 2.0 / 3) / 3) < 1e-12)
        #expect(m.perClass.map(\.name) == ["benign", "a", "b"])
        #expect(m.perClass[1].precision == 2.0 / 3 && m.perClass[1].recall == 1 && m.perClass[2].support == 2)
        #expect(m.confusion == [[1, 1, 0, 0], [0, 2, 0, 0], [1, 0, 1, 0], [0, 0, 0, 0]])
        #expect(abs(m.macroF1Anomalies! - (0.8 + 2.0 / 3) / 2) < 1e-12)
        #expect(abs(m.accuracy - 4.0 / 6) < 1e-12)
        // A class predicted but never true counts with F1 0.
        let wrong = ClassificationMetrics(classes: ["benign", "a"], truth: [0, 0], predicted: [0, 1])
        #expect(wrong.perClass.count == 2 && abs(wrong.macroF1 - (2.0 / 3) / 2) < 1e-12)
    }

    @Test func labelTextsAndCSVLabels() throws {
        #expect(HostWindowLabels.className(" BENIGN ") == nil && HostWindowLabels.className("Normal") == nil)
        #expect(HostWindowLabels.className("DoS Hulk") == "dos_hulk" && HostWindowLabels.className("portscan") == "portscan")
        #expect(HostWindowLabels.parseTime("2026-11-02T10:30Z") == CivilTime.daysFromCivil(year: 2026, month: 11, day: 2) * 86_400_000 + 37_800_000)
        #expect(HostWindowLabels.parseTime("2026-11-02T10:30:01.5Z")! % 60_000 == 1_500)
        var table = FlowTable()
        var ids: [IPAddress: Int32] = [:]
        let a = table.intern(IPAddress("10.0.0.1")!, &ids, [])
        let t0 = CivilTime.daysFromCivil(year: 2026, month: 11, day: 2) * 86_400_000
        let csv = "host,start,end,label\n10.0.0.1,2026-11-02T10:30Z,2026-11-02T12:00Z,Port Scan\n10.0.0.9,0,1,ddos\n"
        let labels = try HostWindowLabels.fromCSV(csv, path: "l.csv", table: table, windowMillis: 3_600_000)
        #expect(labels.label(host: a, windowStart: t0 + 10 * 3_600_000) == "port_scan")
        #expect(labels.label(host: a, windowStart: t0 + 11 * 3_600_000) == "port_scan")
        #expect(labels.label(host: a, windowStart: t0 + 12 * 3_600_000) == "benign")
        #expect(throws: FlowModelsError.self) {
            try HostWindowLabels.fromCSV("host,start,end,label\n10.0.0.1,later,2026-11-02T12:00Z,x\n", path: "l.csv", table: table, windowMillis: 3_600_000)
        }
        #expect(throws: FlowModelsError.self) { try HostWindowLabels.fromCSV("a,b\n", path: "l.csv", table: table, windowMillis: 3_600_000) }
    }

    @Test func configKeysAreCheckedWithTheirPlaces() throws {
        let good = try ModelsConfig.read(yaml: "models:\n  classifier:\n    labels: column\n    dilations: [1, 2]\n    holdout_days: auto\n", source: "m.yaml")
        let section = try ClassifierSection.decode(sectionJSON: good.sectionJSON, source: "m.yaml")
        #expect(section.labels == "column" && section.dilations == [1, 2] && section.holdoutDays == nil)
        #expect(try ClassifierSection.decode(sectionJSON: ModelsConfig().sectionJSON, source: "m").labels == nil)
        for bad in ["    bogus: 1\n", "    dropout: 2\n", "    class_weights: heavy\n", "    dilations: []\n"] {
            #expect(throws: ConfigError.self, "\(bad)") { try ModelsConfig.read(yaml: "models:\n  classifier:\n" + bad, source: "m.yaml") }
        }
    }

    /// Six generated days with every kind repeated: the first four train, the last two are held out.
    static func config(labels: String?) -> ModelsConfig {
        var config = ModelsConfig()
        config.internalNetworks = [NetworkPrefix("10.0.0.0/8")!, NetworkPrefix("fd00::/8")!]
        config.kmeans.k = 3
        config.kmeans.nInit = 1
        config.dbscan.maxPoints = 3_000
        var section: [String: Any] = ["timeseries": ["enabled": false]]
        if let labels {
            section["classifier"] = ["labels": labels, "min_class_windows": 3, "epochs": 30, "holdout_days": 2, "validation_days": 1]
        }
        config.sectionJSON = try! JSONSerialization.data(withJSONObject: section, options: [.sortedKeys])
        return config
    }

    @Test func trainsEvaluatesOnHeldOutDaysAndScoresClassifiedDetections() throws {
        let data = try makeDataset(rows: 150_000, days: 6, seed: 5, anomalies: true, repeats: 6, extra: [.bruteForce, .newService])
        let models = temporaryFolder("models"), scores = temporaryFolder("scores")
        defer { for f in [data, models, scores] { try? FileManager.default.removeItem(atPath: f) } }
        let index = try ModelPipeline.train(config: Self.config(labels: "column"), input: data, output: models, floeVersion: "test")
        #expect(index.models.map(\.kind).last == "classifier")
        // classifier-eval.json: its schema.
        let bytes = try #require(FileManager.default.contents(atPath: models + "/classifier-eval.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: bytes) as? [String: Any])
        for key in ["macro_f1", "macro_f1_anomalies", "per_class", "confusion", "classes", "class_counts", "rare_classes",
                    "held_out", "training", "validation", "accuracy", "format", "version"] {
            #expect(json[key] != nil, "\(key)")
        }
        let evaluation = try JSONDecoder().decode(ClassifierEvaluation.self, from: bytes)
        #expect(evaluation.heldOut.days == 2 && evaluation.training.days == 3 && evaluation.validation?.days == 1)
        #expect(evaluation.metrics.classes.first == "benign" && evaluation.metrics.classes.count >= 4)
        #expect(evaluation.metrics.confusion.count == evaluation.metrics.classes.count)
        #expect(evaluation.metrics.rows == evaluation.metrics.confusion.joined().reduce(0, +))
        #expect(evaluation.metrics.macroF1 > 0.5, "macro F1 \(evaluation.metrics.macroF1)")
        let model = try ModelFile.read(ClassifierModelFile.self, path: models + "/classifier.json", kind: "classifier")
        #expect(model.classes == evaluation.metrics.classes && model.labels == "column:label")

        // Scoring the held-out days: non-benign predictions are classified:<class> rows in incidents.
        let days = try DatasetListing(root: data).days.suffix(2)
        let (_, anomalies) = try ModelPipeline.score(models: models, input: data, dates: Array(days), output: scores, floeVersion: "test")
        let classified = anomalies.filter { $0.kind.hasPrefix("classified:") }
        #expect(!classified.isEmpty)
        for a in classified {
            #expect(model.classes.dropFirst().contains(String(a.kind.dropFirst("classified:".count))))
            #expect(a.score >= model.minProbability && a.score <= 1 && a.evidence.contains("probability"))
            #expect(!a.incident.isEmpty && a.log10P <= 0)
        }
        #expect(FileManager.default.fileExists(atPath: scores + "/host_classes-\(CivilTime.dateString(day: days.last!)).arrow"))
    }

    @Test func theGeneratorsLabelsFileGivesTheSameHostWindowsAsTheLabelColumn() throws {
        let folder = temporaryFolder("labelled")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var generator = GeneratorConfig(rows: 40_000, days: 3, seed: 9)
        generator.anomalyRepeats = 3
        let data = try makeDataset(rows: 40_000, days: 3, seed: 9, anomalies: true, repeats: 3)
        defer { try? FileManager.default.removeItem(atPath: data) }
        let labels = try FlowGenerator(config: generator).generate(encoder: ClassifierNullEncoder()).labels
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/flows.labels.json"
        try Data(try labels.jsonBytes()).write(to: URL(fileURLWithPath: path))
        let dataset = try DatasetListing(root: data)
        let table = try FlowTable.load(dataset, internalNetworks: NetworkPrefix.privateRanges)
        var section = ClassifierSection()
        section.labels = "column"
        let fromColumn = try HostWindowLabels.read(section, table: table, dataset: dataset, windowMillis: 3_600_000)
        section.labels = path
        let fromFile = try HostWindowLabels.read(section, table: table, dataset: dataset, windowMillis: 3_600_000)
        #expect(fromColumn.labelledWindows > 50)
        let profiles = HostProfiles.build(table, windowMillis: 3_600_000)
        var disagree = 0
        for r in 0..<profiles.count where fromColumn.label(host: profiles.host[r], windowStart: profiles.windowStart[r])
            != fromFile.label(host: profiles.host[r], windowStart: profiles.windowStart[r]) { disagree += 1 }
        #expect(disagree == 0)
        section.labels = folder + "/missing.json"
        #expect(throws: FlowModelsError.self) { try HostWindowLabels.read(section, table: table, dataset: dataset, windowMillis: 3_600_000) }
    }

    @Test func withoutLabelsTheClassifierIsOffAndTheModelFilesAreUnchanged() throws {
        let data = try makeDataset(rows: 20_000, days: 2, seed: 11, anomalies: true)
        let plain = temporaryFolder("plain"), off = temporaryFolder("off")
        defer { for f in [data, plain, off] { try? FileManager.default.removeItem(atPath: f) } }
        let a = try ModelPipeline.train(config: Self.config(labels: nil), input: data, output: plain, floeVersion: "test")
        var config = Self.config(labels: nil)
        config.sectionJSON = Data(#"{"classifier":{"epochs":3},"timeseries":{"enabled":false}}"#.utf8)
        let b = try ModelPipeline.train(config: config, input: data, output: off, floeVersion: "test")
        #expect(a.models == b.models && !a.models.contains { $0.kind == "classifier" })
        // With labels but a range too short to hold out a day (2 days, 2 held out): skipped with a line, the rest trained.
        var short = Self.config(labels: "column")
        var lines: [String] = []
        let c = try ModelPipeline.train(config: short, input: data, output: temporaryFolder("short"), floeVersion: "test") { lines.append($0) }
        #expect(c.models == a.models && lines.contains { $0.hasPrefix("classifier: skipped:") && $0.contains("holdout_days") })
        short.sectionJSON = Data(#"{"classifier":{"labels":"/no/such/labels.json"},"timeseries":{"enabled":false}}"#.utf8)
        #expect(throws: FlowModelsError.self) { try ModelPipeline.train(config: short, input: data, output: temporaryFolder("bad"), floeVersion: "test") }
        let files = try FileManager.default.contentsOfDirectory(atPath: plain).sorted()
        #expect(try FileManager.default.contentsOfDirectory(atPath: off).sorted() == files)
        #expect(!files.contains("classifier.json") && !files.contains("classifier-eval.json"))
        for f in files where f != "models.json" {
            #expect(FileManager.default.contents(atPath: plain + "/" + f) == FileManager.default.contents(atPath: off + "/" + f), "\(f)")
        }
    }
}

/// An encoder that writes nothing (the generator's labels without a file).
struct ClassifierNullEncoder: DialectEncoder {
    let dialect = Dialect.allCases[0]
    func header() -> [UInt8] { [] }
    func encode(_ record: FlowRecord, label: UnsafeBufferPointer<UInt8>?, into out: inout [UInt8]) {}
    func trailer(_ info: DialectTrailerInfo) -> [UInt8] { [] }
}
