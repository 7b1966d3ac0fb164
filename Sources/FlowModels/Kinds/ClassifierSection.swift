import FlowConfig
import FlowFeatures
import Foundation
import Yams

/// The `classifier:` part of the `models:` section (docs/neural.md, "Host classifier").
/// The kind is off unless `labels` is given, so pipelines without labels train and score
/// exactly as before. Example:
///
/// ```yaml
/// models:
///   classifier:
///     labels: column              # the dataset's label column, or a labels file:
///                                 # the generator's FILE.labels.json or a CSV host,start,end,label
///     label_column: label         # (with `labels: column`) the column's name
///     sequence_windows: 8         # host windows per sequence; the last one is classified
///     channels: 16                # conv1d channels
///     kernel: 3
///     dilations: [1, 2, 4]
///     dropout: 0.1
///     holdout_days: auto          # last days held out for classifier-eval.json (auto: a third)
///     validation_days: auto       # days before them for early stopping (auto: a sixth of the rest)
///     min_class_windows: 10       # classes with fewer training host windows are not learned
///     max_benign: 50000           # benign training host windows at most (a seeded sample)
///     class_weights: sqrt         # none | sqrt | balanced (inverse class frequency)
///     epochs: 40, batch_size: 64, learning_rate: 0.003, weight_decay: 0.0001, patience: 6
///     min_probability: 0.5        # a classified:<class> detection needs at least this probability
/// ```
public struct ClassifierSection: Codable, Sendable, Equatable {
    /// `column`, a labels file path (relative to the working directory), or nil (kind off).
    public var labels: String?
    public var labelColumn = "label"
    public var sequenceWindows = 8
    public var channels = 16
    public var kernel = 3
    public var dilations = [1, 2, 4]
    public var dropout = 0.1
    /// nil = auto (a third of the days, at least one).
    public var holdoutDays: Int?
    /// nil = auto (a sixth of the days before the held-out ones; none below three days).
    public var validationDays: Int?
    public var minClassWindows = 10
    public var maxBenign = 50_000
    public var classWeights = "sqrt"
    public var epochs = 40
    public var batchSize = 64
    public var learningRate = 0.003
    public var weightDecay = 0.0001
    public var patience = 6
    public var minProbability = 0.5

    public init() {}

    /// The label-column choice of `labels`.
    public static let columnLabels = "column"
    public static let classWeightChoices = ["none", "sqrt", "balanced"]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case labels, channels, kernel, dilations, dropout, epochs, patience
        case labelColumn = "label_column"
        case sequenceWindows = "sequence_windows"
        case holdoutDays = "holdout_days"
        case validationDays = "validation_days"
        case minClassWindows = "min_class_windows"
        case maxBenign = "max_benign"
        case classWeights = "class_weights"
        case batchSize = "batch_size"
        case learningRate = "learning_rate"
        case weightDecay = "weight_decay"
        case minProbability = "min_probability"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = ClassifierSection()
        labels = try c.decodeIfPresent(String.self, forKey: .labels)
        labelColumn = try c.decodeIfPresent(String.self, forKey: .labelColumn) ?? d.labelColumn
        sequenceWindows = try c.decodeIfPresent(Int.self, forKey: .sequenceWindows) ?? d.sequenceWindows
        channels = try c.decodeIfPresent(Int.self, forKey: .channels) ?? d.channels
        kernel = try c.decodeIfPresent(Int.self, forKey: .kernel) ?? d.kernel
        dilations = try c.decodeIfPresent([Int].self, forKey: .dilations) ?? d.dilations
        dropout = try c.decodeIfPresent(Double.self, forKey: .dropout) ?? d.dropout
        holdoutDays = try Self.autoInt(c, .holdoutDays)
        validationDays = try Self.autoInt(c, .validationDays)
        minClassWindows = try c.decodeIfPresent(Int.self, forKey: .minClassWindows) ?? d.minClassWindows
        maxBenign = try c.decodeIfPresent(Int.self, forKey: .maxBenign) ?? d.maxBenign
        classWeights = try c.decodeIfPresent(String.self, forKey: .classWeights) ?? d.classWeights
        epochs = try c.decodeIfPresent(Int.self, forKey: .epochs) ?? d.epochs
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? d.batchSize
        learningRate = try c.decodeIfPresent(Double.self, forKey: .learningRate) ?? d.learningRate
        weightDecay = try c.decodeIfPresent(Double.self, forKey: .weightDecay) ?? d.weightDecay
        patience = try c.decodeIfPresent(Int.self, forKey: .patience) ?? d.patience
        minProbability = try c.decodeIfPresent(Double.self, forKey: .minProbability) ?? d.minProbability
    }

    /// An integer, or nil for `auto` / absent.
    static func autoInt(_ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> Int? {
        if (try? c.decodeIfPresent(String.self, forKey: key)) == "auto" { return nil }
        return try c.decodeIfPresent(Int.self, forKey: key)
    }

    /// Reads `classifier` from the `models:` section JSON (YAML numbers given as text are
    /// accepted, as everywhere in the section); the defaults when absent.
    public static func decode(sectionJSON: Data, source: String) throws -> ClassifierSection {
        let root = (try? JSONSerialization.jsonObject(with: sectionJSON)) as? [String: Any] ?? [:]
        guard let value = root["classifier"] else { return ClassifierSection() }
        guard var given = value as? [String: Any] else {
            throw FlowModelsError.invalidParameter(name: "\(source): models.classifier", value: "\(value)", reason: "expected a mapping")
        }
        for (k, v) in given {
            if let text = v as? String, k != "labels", k != "label_column", k != "class_weights", text != "auto",
               let number = Double(text) {
                given[k] = number == number.rounded() && abs(number) < 1e15 ? Int(number) as Any : number as Any
            }
        }
        do {
            let section = try JSONDecoder().decode(ClassifierSection.self, from: JSONSerialization.data(withJSONObject: given))
            if let problem = section.problem { throw FlowModelsError.invalidParameter(name: "\(source): models.classifier", value: "", reason: problem) }
            return section
        } catch let e as FlowModelsError {
            throw e
        } catch {
            throw FlowModelsError.invalidParameter(name: "\(source): models.classifier", value: "", reason: "\(error)")
        }
    }

    /// The first value out of range, as a sentence (nil: all fine).
    var problem: String? {
        if sequenceWindows < 1 || sequenceWindows > 256 { return "sequence_windows must be 1–256" }
        if channels < 1 || channels > 1024 { return "channels must be 1–1024" }
        if kernel < 1 || kernel > 16 { return "kernel must be 1–16" }
        if dilations.isEmpty || dilations.contains(where: { $0 < 1 || $0 > 256 }) { return "dilations must be a non-empty list of 1–256" }
        if !(dropout >= 0 && dropout < 1) { return "dropout must be in [0, 1)" }
        if let h = holdoutDays, h < 1 { return "holdout_days must be at least 1 (or auto)" }
        if let v = validationDays, v < 0 { return "validation_days must be at least 0 (or auto)" }
        if minClassWindows < 2 { return "min_class_windows must be at least 2 (a class seen once cannot be learned)" }
        if maxBenign < 100 { return "max_benign must be at least 100" }
        if !Self.classWeightChoices.contains(classWeights) { return "class_weights must be one of " + Self.classWeightChoices.joined(separator: ", ") }
        if epochs < 1 || batchSize < 1 || patience < 0 { return "epochs and batch_size must be at least 1, patience at least 0" }
        if !(learningRate > 0) || !(weightDecay >= 0) { return "learning_rate must be > 0 and weight_decay ≥ 0" }
        if !(minProbability >= 0 && minProbability <= 1) { return "min_probability must be in [0, 1]" }
        return nil
    }

    /// Checks the keys and values of the `classifier` node with their places (the values are
    /// decoded again from the section JSON by `decode(sectionJSON:source:)`).
    static func checkKeys(_ node: Node, _ r: inout ConfigReader) {
        let many = Int64.max
        for (key, value) in r.entries(node, what: "models.classifier", allowed: CodingKeys.allCases.map(\.stringValue)) {
            let name = "models.classifier." + key
            switch key {
            case "labels", "label_column": _ = r.text(value, name)
            case "sequence_windows": _ = r.integer(value, name, in: 1...256)
            case "channels": _ = r.integer(value, name, in: 1...1024)
            case "kernel": _ = r.integer(value, name, in: 1...16)
            case "dilations":
                let items = r.list(value, name)
                if items.isEmpty { r.error(value, "\(name) must be a non-empty list of integers 1–256") }
                for (_, item) in items { _ = r.integer(item, name, in: 1...256) }
            case "dropout": _ = r.number(value, name, in: 0...0.99)
            case "holdout_days", "validation_days":
                if value.scalar?.string != "auto" { _ = r.integer(value, name + " (or auto)", in: (key == "holdout_days" ? 1 : 0)...many) }
            case "min_class_windows": _ = r.integer(value, name, in: 2...many)
            case "max_benign": _ = r.integer(value, name, in: 100...many)
            case "class_weights": _ = r.choice(value, name, classWeightChoices)
            case "epochs", "batch_size": _ = r.integer(value, name, in: 1...many)
            case "patience": _ = r.integer(value, name, in: 0...many)
            case "learning_rate": _ = r.number(value, name, in: 1e-9...10)
            case "weight_decay": _ = r.number(value, name, in: 0...10)
            default: _ = r.number(value, name, in: 0...1)
            }
        }
    }
}
