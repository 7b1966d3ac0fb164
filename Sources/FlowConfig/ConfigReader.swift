import Foundation
import Yams

/// The walk over a configuration's YAML tree that every config reader of floe uses (clean,
/// models, allowlist, pipeline files): each problem is recorded as a `ConfigDiagnostic` with its
/// line and column and the walk goes on, so one run lists every problem of a file.
/// Unknown and duplicate keys are problems, as are values of the wrong kind or out of
/// range: nothing is silently ignored or clamped.
public struct ConfigReader {
    /// The file (or other source) named in the diagnostics.
    public let file: String
    /// The problems found so far, in the order met.
    public private(set) var diagnostics: [ConfigDiagnostic] = []

    public init(file: String) { self.file = file }

    /// A file's bytes as text; bytes that are not UTF-8 throw `ConfigError` (at line 1).
    public static func utf8Text(_ data: Data, file: String) throws -> String {
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError([ConfigDiagnostic(file: file, at: .start, "the file is not UTF-8 text")])
        }
        return text
    }

    /// The YAML (or JSON: JSON is YAML) text's root node; nil for an empty document.
    /// Syntax errors throw `ConfigError` with their place.
    public static func compose(_ text: String, file: String) throws -> Node? {
        do {
            return try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigError([ConfigReader(file: file).diagnostic(for: error)])
        }
    }

    /// Throws `ConfigError` when a problem was recorded.
    public func check() throws {
        if !diagnostics.isEmpty { throw ConfigError(diagnostics) }
    }

    /// `node`'s place in the file (line and column 0 when Yams gave it none).
    public func location(_ node: Node) -> ConfigLocation {
        ConfigLocation(line: node.mark?.line ?? 0, column: node.mark?.column ?? 0)
    }

    /// Records `message` at `node`'s place.
    public mutating func error(_ node: Node, _ message: String) {
        error(at: location(node), message)
    }

    /// Records `message` at a place kept from the walk (e.g. a name checked after it).
    public mutating func error(at location: ConfigLocation, _ message: String) {
        diagnostics.append(ConfigDiagnostic(file: file, at: location, message))
    }

    /// Records `message` with no place in the file (e.g. a rule across several keys).
    public mutating func error(_ message: String) {
        diagnostics.append(ConfigDiagnostic(file: file, line: 0, message))
    }

    /// The diagnostic of a YAML syntax error.
    public func diagnostic(for error: YamlError) -> ConfigDiagnostic {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            return ConfigDiagnostic(file: file, line: mark.line, column: mark.column,
                                    "invalid YAML: " + (context.map { "\(problem) \($0.text)" } ?? problem))
        default:
            return ConfigDiagnostic(file: file, line: 0, "invalid YAML: \(error)")
        }
    }

    /// The entries of a mapping, in file order; other keys than `allowed`, duplicate keys
    /// and keys that are not plain names are problems (and left out).
    public mutating func entries(_ node: Node, what: String, allowed: [String]) -> [(String, Node)] {
        keyedEntries(node, what: what, allowed: allowed).map { ($0.key, $0.value) }
    }

    /// The entries of a mapping with their key nodes (for the keys' places), in file order.
    /// `allowed` nil takes any key (e.g. names the file chooses, such as stage names);
    /// otherwise other keys are problems. Duplicate keys (named with the line of the first)
    /// and keys that are not plain names are problems; all of these are left out.
    public mutating func keyedEntries(_ node: Node, what: String, allowed: [String]?) -> [(key: String, keyNode: Node, value: Node)] {
        guard case .mapping(let mapping) = node else {
            error(node, "\(what) must be a mapping (key: value lines)")
            return []
        }
        var seen: [String: ConfigLocation] = [:]
        var out: [(key: String, keyNode: Node, value: Node)] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                error(keyNode, "keys of \(what) must be plain names")
                continue
            }
            let key = scalar.string
            if let first = seen[key] {
                error(keyNode, "duplicate key '\(key)' in \(what) (first at line \(first.line))")
                continue
            }
            seen[key] = location(keyNode)
            if let allowed, !allowed.contains(key) {
                error(keyNode, "unknown key '\(key)' in \(what) (expected one of: \(allowed.joined(separator: ", ")))")
                continue
            }
            out.append((key, keyNode, value))
        }
        return out
    }

    /// Whether the node is an explicit null (`~`, `null`, nothing).
    public func isNull(_ node: Node) -> Bool {
        guard case .scalar(let s) = node else { return false }
        return s.style == .plain && ["", "~", "null", "Null", "NULL"].contains(s.string)
    }

    /// A single value's text; a mapping, a list or an empty value (null) is a problem.
    public mutating func text(_ node: Node, _ what: String) -> String? {
        guard case .scalar(let s) = node else {
            error(node, "\(what) must be a single value, not a \(node.mapping != nil ? "mapping" : "list")")
            return nil
        }
        if isNull(node) {
            error(node, "\(what) is empty (expected a value)")
            return nil
        }
        return s.string
    }

    /// `text` when it is one of `choices`.
    public mutating func choice(_ node: Node, _ what: String, _ choices: [String]) -> String? {
        guard let t = text(node, what) else { return nil }
        guard choices.contains(t) else {
            error(node, "\(what) must be one of \(choices.joined(separator: ", ")), not '\(t)'")
            return nil
        }
        return t
    }

    public mutating func bool(_ node: Node, _ what: String) -> Bool? {
        guard let t = text(node, what) else { return nil }
        switch t {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default:
            error(node, "\(what) must be true or false, not '\(t)'")
            return nil
        }
    }

    /// A whole number within `range`.
    public mutating func integer(_ node: Node, _ what: String, in range: ClosedRange<Int64> = 0...Int64.max) -> Int64? {
        guard let t = text(node, what) else { return nil }
        guard let v = Int64(t), range.contains(v) else {
            error(node, "\(what) must be a whole number \(Self.describe(range)), not '\(t)'")
            return nil
        }
        return v
    }

    /// A number within `range`.
    public mutating func number(_ node: Node, _ what: String, in range: ClosedRange<Double>) -> Double? {
        guard let t = text(node, what) else { return nil }
        guard let v = Double(t), v.isFinite, range.contains(v) else {
            error(node, "\(what) must be a number \(Self.describe(range)), not '\(t)'")
            return nil
        }
        return v
    }

    /// A number from 0 to 1.
    public mutating func fraction(_ node: Node, _ what: String) -> Double? {
        number(node, what, in: 0...1)
    }

    /// A list's items with their nodes (a single value is a list of one); items that are not
    /// single values are problems and left out.
    public mutating func list(_ node: Node, _ what: String) -> [(String, Node)] {
        guard case .sequence(let seq) = node else {
            if let t = text(node, what) { return [(t, node)] }
            return []
        }
        var out: [(String, Node)] = []
        for item in seq { if let t = text(item, "each item of \(what)") { out.append((t, item)) } }
        return out
    }

    static func describe(_ range: ClosedRange<Int64>) -> String {
        range.upperBound == .max ? "≥ \(range.lowerBound)" : "from \(range.lowerBound) to \(range.upperBound)"
    }

    static func describe(_ range: ClosedRange<Double>) -> String {
        func text(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? "\(Int64(v))" : "\(v)" }
        return range.upperBound == .greatestFiniteMagnitude || range.upperBound == .infinity
            ? "≥ \(text(range.lowerBound))" : "from \(text(range.lowerBound)) to \(text(range.upperBound))"
    }
}
