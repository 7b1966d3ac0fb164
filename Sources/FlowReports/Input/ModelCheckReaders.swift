import FlowArtifacts
import Foundation

/// Finds the model checks beside the model files the report feed names (the time-series
/// model's folder for `backtest.json`, the classifier's for `classifier-eval.json`). A
/// missing file is left out; a file that is there but cannot be read is left out too, with
/// a problem line naming it and why, which the "Model checks" section shows.
enum ModelCheckReaders {
    struct Found {
        var backtest: BacktestFile?
        var classifier: ClassifierEvaluation?
        var problems: [String] = []
    }

    static func load(_ models: [ModelReference]) -> Found {
        var found = Found()
        func read<T: Decodable>(_ type: T.Type, kind: String, _ name: String, what: String) -> T? {
            guard let path = models.first(where: { $0.name == kind })?.path else { return nil }
            let folder = (path as NSString).deletingLastPathComponent
            let file = (folder.isEmpty ? "." : folder) + "/" + name
            guard FileManager.default.fileExists(atPath: file) else { return nil }
            do {
                return try decodeFile(T.self, path: file, what: what)
            } catch ReportError.unreadable(_, let reason) {
                found.problems.append("\(file) could not be read (\(reason)); its check is left out.")
            } catch {
                found.problems.append("\(file) could not be read (\(error)); its check is left out.")
            }
            return nil
        }
        found.backtest = read(BacktestFile.self, kind: "timeseries", BacktestFile.fileName, what: "a forecast back-test (floe-train's backtest.json)")
        found.classifier = read(ClassifierEvaluation.self, kind: "classifier", ClassifierEvaluation.fileName,
                                 what: "a classifier evaluation (floe-train's classifier-eval.json)")
        return found
    }
}
