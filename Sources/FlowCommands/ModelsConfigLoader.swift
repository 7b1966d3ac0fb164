import FlowModels
import Foundation
import Yams

/// Reads the `models:` section of a pipeline or config file (YAML or JSON) into a
/// `ModelsConfig`: YAML is parsed with Yams and handed to FlowModels as JSON.
enum ModelsConfigLoader {
    static func load(path: String) throws -> ModelsConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FlowModelsError.io(path: path, detail: "cannot read the config file")
        }
        let text = String(decoding: data, as: UTF8.self)
        let parsed: Any?
        do {
            parsed = try Yams.load(yaml: text)
        } catch {
            throw FlowModelsError.invalidParameter(name: path, value: "", reason: "not valid YAML: \(error)")
        }
        let json = try JSONSerialization.data(withJSONObject: jsonSafe(parsed ?? [String: Any]()), options: [.sortedKeys])
        return try ModelsConfig.decode(json: json, source: path)
    }

    /// YAML values JSON cannot hold (dates, binary) become text.
    static func jsonSafe(_ value: Any) -> Any {
        switch value {
        case let m as [String: Any]: return m.mapValues(jsonSafe)
        case let m as [AnyHashable: Any]:
            var out: [String: Any] = [:]
            for (k, v) in m { out["\(k)"] = jsonSafe(v) }
            return out
        case let a as [Any]: return a.map(jsonSafe)
        case is String, is Int, is Double, is Bool, is NSNull: return value
        case let n as NSNumber: return n
        default: return "\(value)"
        }
    }
}
