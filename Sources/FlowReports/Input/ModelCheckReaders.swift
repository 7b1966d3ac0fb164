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

/// Finds the model checks beside the model files the report feed names (the time-series
/// model's folder for `backtest.json`, the classifier's for `classifier-eval.json`). A
/// missing or unreadable file is left out: the report says what it has.
enum ModelCheckReaders {
    static func load(_ models: [ModelReference]) -> (BacktestSummary?, ClassifierEvaluation?) {
        func sibling(_ kind: String, _ name: String) -> Data? {
            guard let path = models.first(where: { $0.name == kind })?.path else { return nil }
            let folder = (path as NSString).deletingLastPathComponent
            return FileManager.default.contents(atPath: (folder.isEmpty ? "." : folder) + "/" + name)
        }
        let backtest = sibling("timeseries", "backtest.json").flatMap { try? JSONDecoder().decode(BacktestSummary.self, from: $0) }
        let classifier = sibling("classifier", "classifier-eval.json").flatMap { try? JSONDecoder().decode(ClassifierEvaluation.self, from: $0) }
        return (backtest, classifier)
    }
}
