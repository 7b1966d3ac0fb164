import FlowArtifacts
import Foundation

/// Finds the model checks beside the model files the report feed names (the time-series
/// model's folder for `backtest.json`, the classifier's for `classifier-eval.json`). A
/// missing or unreadable file is left out: the report says what it has.
enum ModelCheckReaders {
    static func load(_ models: [ModelReference]) -> (BacktestFile?, ClassifierEvaluation?) {
        func sibling(_ kind: String, _ name: String) -> Data? {
            guard let path = models.first(where: { $0.name == kind })?.path else { return nil }
            let folder = (path as NSString).deletingLastPathComponent
            return FileManager.default.contents(atPath: (folder.isEmpty ? "." : folder) + "/" + name)
        }
        let backtest = sibling("timeseries", BacktestFile.fileName).flatMap { try? JSONDecoder().decode(BacktestFile.self, from: $0) }
        let classifier = sibling("classifier", ClassifierEvaluation.fileName).flatMap { try? JSONDecoder().decode(ClassifierEvaluation.self, from: $0) }
        return (backtest, classifier)
    }
}
