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
        func read<T: Decodable>(_ type: T.Type, kind: String, _ name: String) -> T? {
            guard let path = models.first(where: { $0.name == kind })?.path else { return nil }
            let folder = (path as NSString).deletingLastPathComponent
            let file = (folder.isEmpty ? "." : folder) + "/" + name
            guard let data = FileManager.default.contents(atPath: file) else { return nil }
            do {
                return try JSONDecoder().decode(T.self, from: data)
            } catch {
                found.problems.append("\(file) could not be read (\(DecodingProblem.text(error))); its check is left out.")
                return nil
            }
        }
        found.backtest = read(BacktestFile.self, kind: "timeseries", BacktestFile.fileName)
        found.classifier = read(ClassifierEvaluation.self, kind: "classifier", ClassifierEvaluation.fileName)
        return found
    }
}

/// A decoding error in a few words: what was wrong and where in the file.
enum DecodingProblem {
    static func text(_ error: Error) -> String {
        func place(_ path: [CodingKey]) -> String {
            path.isEmpty ? "" : " at " + path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case DecodingError.keyNotFound(let key, let context): return "no '\(key.stringValue)'\(place(context.codingPath))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
             DecodingError.dataCorrupted(let context):
            return context.debugDescription + place(context.codingPath)
        default: return "\(error)"
        }
    }
}
