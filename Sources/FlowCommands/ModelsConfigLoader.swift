import FlowFeatures
import FlowModels
import Foundation

/// Reads the `models:` section of a pipeline or config file (YAML or JSON) into a
/// `ModelsConfig` (`ModelsConfig.read(yaml:source:)`: every problem with its line and column).
public enum ModelsConfigLoader {
    public static func load(path: String) throws -> ModelsConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FlowModelsError.io(path: path, detail: "cannot read the config file")
        }
        return try ModelsConfig.read(yaml: String(decoding: data, as: UTF8.self), source: path)
    }
}
