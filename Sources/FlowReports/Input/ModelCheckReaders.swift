import FlowArtifacts
import Foundation

/// What the report shows of `MODELS/backtest.json` (the forecasters' back-test, written by
/// floe-train beside `timeseries.json`): its rows and, when the file has them, the held-out
/// forecasts and actuals per series. Unknown fields are ignored.
public struct BacktestSummary: Decodable, Sendable, Equatable {
    /// One row per series and model: floe-train's own row type (FlowArtifacts).
    public typealias Row = BacktestRow

    public struct Window: Decodable, Sendable, Equatable {
        public var start: String
        public var end: String
    }

    public var holdout: Window?
    public var rows: [Row]
    /// Per series, the held-out actuals and forecasts (`forecasts_vs_actuals`); empty for a
    /// file written before floe-train kept them, or when they cannot be read (the rows
    /// still show).
    public var curves: [BacktestCurves]
    /// The level of the intervals (`interval_level`; 0.8 when absent).
    public var intervalLevel: Double

    enum CodingKeys: String, CodingKey {
        case holdout, rows
        case curves = "forecasts_vs_actuals"
        case intervalLevel = "interval_level"
    }

    public init(holdout: Window?, rows: [Row], curves: [BacktestCurves] = [], intervalLevel: Double = 0.8) {
        self.holdout = holdout
        self.rows = rows
        self.curves = curves
        self.intervalLevel = intervalLevel
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        holdout = try c.decodeIfPresent(Window.self, forKey: .holdout)
        rows = try c.decode([Row].self, forKey: .rows)
        curves = ((try? c.decodeIfPresent([BacktestCurves].self, forKey: .curves)) ?? nil) ?? []
        let level = (try? c.decodeIfPresent(Double.self, forKey: .intervalLevel)) ?? nil
        intervalLevel = level.flatMap { $0 > 0 && $0 < 1 ? $0 : nil } ?? 0.8
    }
}

/// What the report shows of `MODELS/classifier-eval.json` (the host classifier's held-out
/// evaluation, written beside `classifier.json`).
public struct ClassifierSummary: Decodable, Sendable, Equatable {
    public struct PerClass: Decodable, Sendable, Equatable {
        public var name: String
        public var precision: Double
        public var recall: Double
        public var f1: Double
        public var support: Int
        enum CodingKeys: String, CodingKey { case name = "class", precision, recall, f1, support }

        public init(name: String, precision: Double, recall: Double, f1: Double, support: Int) {
            self.name = name
            self.precision = precision
            self.recall = recall
            self.f1 = f1
            self.support = support
        }
    }

    public struct DayRange: Decodable, Sendable, Equatable {
        public var from: String
        public var to: String
        public var days: Int
    }

    public var macroF1: Double
    public var macroF1Anomalies: Double?
    public var classes: [String]
    public var perClass: [PerClass]
    /// confusion[true][predicted], in the order of `classes`.
    public var confusion: [[Int]]
    public var heldOut: DayRange
    public var rows: Int

    enum CodingKeys: String, CodingKey {
        case classes, confusion, rows
        case macroF1 = "macro_f1"
        case macroF1Anomalies = "macro_f1_anomalies"
        case perClass = "per_class"
        case heldOut = "held_out"
    }

    public init(macroF1: Double, macroF1Anomalies: Double?, classes: [String], perClass: [PerClass], confusion: [[Int]], heldOut: DayRange, rows: Int) {
        self.macroF1 = macroF1
        self.macroF1Anomalies = macroF1Anomalies
        self.classes = classes
        self.perClass = perClass
        self.confusion = confusion
        self.heldOut = heldOut
        self.rows = rows
    }
}

/// Finds the model checks beside the model files the report feed names (the time-series
/// model's folder for `backtest.json`, the classifier's for `classifier-eval.json`). A
/// missing or unreadable file is left out: the report says what it has.
enum ModelCheckReaders {
    static func load(_ models: [ModelReference]) -> (BacktestSummary?, ClassifierSummary?) {
        func sibling(_ kind: String, _ name: String) -> Data? {
            guard let path = models.first(where: { $0.name == kind })?.path else { return nil }
            let folder = (path as NSString).deletingLastPathComponent
            return FileManager.default.contents(atPath: (folder.isEmpty ? "." : folder) + "/" + name)
        }
        let backtest = sibling("timeseries", "backtest.json").flatMap { try? JSONDecoder().decode(BacktestSummary.self, from: $0) }
        let classifier = sibling("classifier", "classifier-eval.json").flatMap { try? JSONDecoder().decode(ClassifierSummary.self, from: $0) }
        return (backtest, classifier)
    }
}
