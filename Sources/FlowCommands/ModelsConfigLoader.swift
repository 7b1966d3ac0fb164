import FlowFeatures
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
        do {
            return try ModelsConfig.decode(json: json, source: path)
        } catch let FlowModelsError.invalidParameter(name, value, reason) {
            guard let root = try? Yams.compose(yaml: text) else { throw FlowModelsError.invalidParameter(name: name, value: value, reason: reason) }
            throw FlowModelsError.invalidParameter(name: located(name, in: root), value: value, reason: located(reason, in: root))
        }
    }

    /// `text` with every key path it names (`models.allowlist.hosts[1].address`) followed
    /// by its place in the YAML file, `(line 7, column 18)` — the deepest node of the path
    /// that exists (an entry missing a key points at the entry).
    static func located(_ text: String, in root: Node) -> String {
        guard let regex = try? NSRegularExpression(pattern: #"(?<![/\w.-])models(\.[A-Za-z_]+(\[[0-9]+\])*)+"#) else { return text }
        var out = text
        let matches = regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).reversed()
        for m in matches {
            guard let range = Range(m.range, in: out), let mark = mark(of: String(out[range]), in: root) else { continue }
            out.insert(contentsOf: " (line \(mark.line), column \(mark.column))", at: range.upperBound)
        }
        return out
    }

    static func mark(of path: String, in root: Node) -> Mark? {
        var node = root
        var segments: [String] = []
        for part in path.split(separator: ".") {
            var name = Substring(part)
            var indexes: [String] = []
            while let open = name.lastIndex(of: "["), name.hasSuffix("]") {
                indexes.insert(String(name[name.index(after: open)..<name.index(before: name.endIndex)]), at: 0)
                name = name[..<open]
            }
            segments.append(String(name))
            segments += indexes.map { "[" + $0 }
        }
        if segments.first == "models" && node.mapping?["models"] == nil { segments.removeFirst() }
        var found = node.mark
        for segment in segments {
            if segment.hasPrefix("["), let i = Int(segment.dropFirst()), let sequence = node.sequence, i < sequence.count {
                node = sequence[i]
            } else if let next = node.mapping?[segment] {
                node = next
            } else {
                break
            }
            found = node.mark ?? found
        }
        return found
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
