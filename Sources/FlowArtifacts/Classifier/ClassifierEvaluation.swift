import Foundation

/// Per-class precision, recall and F1, the confusion matrix and the macro F1 of a set of
/// predictions, as scikit-learn's `precision_recall_fscore_support` and `f1_score(average=
/// 'macro')` define them: the classes averaged are those that occur among the true or the
/// predicted labels; a class never predicted has precision 0, one never true recall 0
/// (and so F1 0). FlowModels computes them (`init(classes:truth:predicted:)`); this is the
/// part of `classifier-eval.json` they fill.
public struct ClassificationMetrics: Codable, Sendable, Equatable {
    public struct PerClass: Codable, Sendable, Equatable {
        public var name: String
        public var precision: Double
        public var recall: Double
        public var f1: Double
        /// True rows of the class.
        public var support: Int
        /// Rows predicted as the class.
        public var predicted: Int

        enum CodingKeys: String, CodingKey { case name = "class", precision, recall, f1, support, predicted }

        public init(name: String, precision: Double, recall: Double, f1: Double, support: Int, predicted: Int) {
            self.name = name
            self.precision = precision
            self.recall = recall
            self.f1 = f1
            self.support = support
            self.predicted = predicted
        }
    }

    /// Every class of the model, in its order (rows and columns of `confusion`).
    public var classes: [String]
    /// confusion[true][predicted].
    public var confusion: [[Int]]
    /// Classes that occur among the true or predicted labels.
    public var perClass: [PerClass]
    /// Mean F1 over `perClass`.
    public var macroF1: Double
    /// Mean F1 over `perClass` without the first class (benign): the anomaly kinds alone.
    public var macroF1Anomalies: Double?
    public var accuracy: Double
    public var rows: Int

    enum CodingKeys: String, CodingKey {
        case classes, confusion, accuracy, rows
        case perClass = "per_class"
        case macroF1 = "macro_f1"
        case macroF1Anomalies = "macro_f1_anomalies"
    }

    public init(classes: [String], confusion: [[Int]], perClass: [PerClass], macroF1: Double, macroF1Anomalies: Double?,
                accuracy: Double, rows: Int) {
        self.classes = classes
        self.confusion = confusion
        self.perClass = perClass
        self.macroF1 = macroF1
        self.macroF1Anomalies = macroF1Anomalies
        self.accuracy = accuracy
        self.rows = rows
    }
}

/// `MODELS/classifier-eval.json`: how the host classifier did on the held-out days (which
/// it never trained on), with the data it was trained on. floe-train writes it beside
/// `classifier.json` and the report reads it with this type. Reading is tolerant of the
/// first files, written before `predict_seconds` existed.
public struct ClassifierEvaluation: Codable, Sendable, Equatable {
    public struct DayRange: Codable, Sendable, Equatable {
        public var from: String
        public var to: String
        public var days: Int

        public init(from: String, to: String, days: Int) {
            self.from = from
            self.to = to
            self.days = days
        }
    }

    /// A label seen too rarely to be learned.
    public struct RareClass: Codable, Sendable, Equatable {
        public var name: String
        public var trainingWindows: Int
        public var heldOutWindows: Int
        enum CodingKeys: String, CodingKey {
            case name = "class"
            case trainingWindows = "training_windows"
            case heldOutWindows = "held_out_windows"
        }

        public init(name: String, trainingWindows: Int, heldOutWindows: Int) {
            self.name = name
            self.trainingWindows = trainingWindows
            self.heldOutWindows = heldOutWindows
        }
    }

    public static let format = "floe-classifier-eval"
    public static let version = 1

    public var format = Self.format
    public var version = Self.version
    public var training: DayRange
    public var validation: DayRange?
    public var heldOut: DayRange
    /// Host windows per class in each part (before the benign sample of the training part).
    public var classCounts: [String: [String: Int]]
    /// Benign training host windows used (a seeded sample of at most `max_benign`).
    public var benignSampled: Int
    public var rareClasses: [RareClass]
    /// Held-out host windows of rare classes, left out of the metrics.
    public var heldOutUnscored: Int
    /// The metrics (`macro_f1` etc. at the top level of the file).
    public var metrics: ClassificationMetrics
    public var epochsRun: Int
    public var bestEpoch: Int
    public var fitSeconds: Double
    /// Seconds to classify the held-out host windows (sequences cut out and the network run);
    /// nil in the first files, which did not record it.
    public var predictSeconds: Double?

    enum CodingKeys: String, CodingKey {
        case format, version, training, validation
        case heldOut = "held_out"
        case classCounts = "class_counts"
        case benignSampled = "benign_sampled"
        case rareClasses = "rare_classes"
        case heldOutUnscored = "held_out_unscored"
        case epochsRun = "epochs_run"
        case bestEpoch = "best_epoch"
        case fitSeconds = "fit_seconds"
        case predictSeconds = "predict_seconds"
    }

    public static let fileName = "classifier-eval.json"

    /// The file's JSON: the metrics' fields (`macro_f1`, `per_class`, `confusion`, …) sit at
    /// the top level beside the others. Sorted keys, pretty printed.
    public func jsonBytes() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try e.encode(self)
    }

    public func encode(to encoder: Encoder) throws {
        try metrics.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(format, forKey: .format)
        try c.encode(version, forKey: .version)
        try c.encode(training, forKey: .training)
        try c.encodeIfPresent(validation, forKey: .validation)
        try c.encode(heldOut, forKey: .heldOut)
        try c.encode(classCounts, forKey: .classCounts)
        try c.encode(benignSampled, forKey: .benignSampled)
        try c.encode(rareClasses, forKey: .rareClasses)
        try c.encode(heldOutUnscored, forKey: .heldOutUnscored)
        try c.encode(epochsRun, forKey: .epochsRun)
        try c.encode(bestEpoch, forKey: .bestEpoch)
        try c.encode(fitSeconds, forKey: .fitSeconds)
        try c.encodeIfPresent(predictSeconds, forKey: .predictSeconds)
    }

    public init(training: DayRange, validation: DayRange?, heldOut: DayRange, classCounts: [String: [String: Int]], benignSampled: Int,
                rareClasses: [RareClass], heldOutUnscored: Int, metrics: ClassificationMetrics, epochsRun: Int, bestEpoch: Int,
                fitSeconds: Double, predictSeconds: Double?) {
        self.training = training
        self.validation = validation
        self.heldOut = heldOut
        self.classCounts = classCounts
        self.benignSampled = benignSampled
        self.rareClasses = rareClasses
        self.heldOutUnscored = heldOutUnscored
        self.metrics = metrics
        self.epochsRun = epochsRun
        self.bestEpoch = bestEpoch
        self.fitSeconds = fitSeconds
        self.predictSeconds = predictSeconds
    }

    public init(from decoder: Decoder) throws {
        metrics = try ClassificationMetrics(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        (format, version) = try c.decodeFileHeader(format: .format, expected: Self.format, what: "a classifier evaluation",
                                                   version: .version, newest: Self.version)
        training = try c.decode(DayRange.self, forKey: .training)
        validation = try c.decodeIfPresent(DayRange.self, forKey: .validation)
        heldOut = try c.decode(DayRange.self, forKey: .heldOut)
        classCounts = try c.decode([String: [String: Int]].self, forKey: .classCounts)
        benignSampled = try c.decode(Int.self, forKey: .benignSampled)
        rareClasses = try c.decode([RareClass].self, forKey: .rareClasses)
        heldOutUnscored = try c.decode(Int.self, forKey: .heldOutUnscored)
        epochsRun = try c.decode(Int.self, forKey: .epochsRun)
        bestEpoch = try c.decode(Int.self, forKey: .bestEpoch)
        fitSeconds = try c.decode(Double.self, forKey: .fitSeconds)
        predictSeconds = try c.decodeIfPresent(Double.self, forKey: .predictSeconds)
    }
}
