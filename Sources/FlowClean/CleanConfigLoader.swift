import FlowConfig
import FlowCore
import Foundation
import Yams

/// Reads the clean section (YAML) and the pipeline settings (JSON) into a `CleanConfig`.
/// Every problem is collected with its line — unknown keys, wrong types, bad durations,
/// bad CIDRs — and thrown together as `CleanError.invalidConfig`.
///
/// The YAML root is the clean section itself, or a mapping with the single key `clean:`
/// holding it (so the section can be cut from a pipeline file as is).
public enum CleanConfigLoader {
    /// Keys of the clean section.
    public static let keys = ["rules", "active_timeout", "not_before", "not_after", "max_future_skew", "reference_time",
                              "min_packet_bytes_ipv4", "min_packet_bytes_ipv6", "max_packet_bytes_ipv4", "max_packet_bytes_ipv6",
                              "jumbo_frames", "allow_dhcp_unspecified_source", "dedupe", "internal_networks",
                              "memory_budget_mb", "threads", "rows_per_batch", "max_reject_share", "max_quarantine_rows"]
    static let dedupeKeys = ["enabled", "key", "tolerance"]

    /// Reads the YAML file at `path` over `base`.
    public static func load(path: String, base: CleanConfig = CleanConfig()) throws -> CleanConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CleanError.invalidConfig([ConfigDiagnostic(file: path, line: 0, "cannot read the config file; check the path")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CleanError.invalidConfig([ConfigDiagnostic(file: path, line: 1, "the file is not UTF-8 text")])
        }
        return try parse(text, file: path, base: base)
    }

    /// Parses YAML text over `base`; `file` names it in messages.
    public static func parse(_ text: String, file: String, base: CleanConfig = CleanConfig()) throws -> CleanConfig {
        var reader = ConfigReader(file: file, config: base)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw CleanError.invalidConfig([reader.diagnostic(for: error)])
        }
        if let root { reader.readRoot(root) }
        if reader.diagnostics.isEmpty {
            for problem in reader.config.problems() { reader.diagnostics.append(ConfigDiagnostic(file: file, line: 0, problem)) }
        }
        if !reader.diagnostics.isEmpty { throw CleanError.invalidConfig(reader.diagnostics) }
        return reader.config
    }

    /// Applies the pipeline settings (`PipelineSettings`): clean uses `internal_networks`.
    public static func applySettings(path: String, to config: inout CleanConfig) throws {
        do {
            let settings = try PipelineSettings.load(path: path)
            if let networks = settings.internalNetworks { config.internalNetworks = networks }
        } catch let error as ConfigError {
            throw CleanError.invalidConfig(error.diagnostics)
        }
    }
}

/// The walk over the YAML tree; records problems and keeps going.
struct ConfigReader {
    let file: String
    var config: CleanConfig
    var diagnostics: [ConfigDiagnostic] = []

    mutating func error(_ node: Node, _ message: String) {
        diagnostics.append(ConfigDiagnostic(file: file, line: node.mark?.line ?? 0, message))
    }

    func diagnostic(for error: YamlError) -> ConfigDiagnostic {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            return ConfigDiagnostic(file: file, line: mark.line, "invalid YAML: " + (context.map { "\(problem) \($0.text)" } ?? problem))
        default:
            return ConfigDiagnostic(file: file, line: 0, "invalid YAML: \(error)")
        }
    }

    mutating func entries(_ node: Node, what: String, allowed: [String]) -> [(String, Node)] {
        guard case .mapping(let mapping) = node else {
            error(node, "\(what) must be a mapping (key: value lines)")
            return []
        }
        var seen: Set<String> = []
        var out: [(String, Node)] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                error(keyNode, "keys of \(what) must be plain names")
                continue
            }
            let key = scalar.string
            if !seen.insert(key).inserted {
                error(keyNode, "duplicate key '\(key)' in \(what)")
                continue
            }
            if !allowed.contains(key) {
                error(keyNode, "unknown key '\(key)' in \(what) (expected one of: \(allowed.joined(separator: ", ")))")
                continue
            }
            out.append((key, value))
        }
        return out
    }

    func isNull(_ node: Node) -> Bool {
        guard case .scalar(let s) = node else { return false }
        return s.style == .plain && ["", "~", "null", "Null", "NULL"].contains(s.string)
    }

    mutating func text(_ node: Node, _ what: String) -> String? {
        guard case .scalar(let s) = node, !isNull(node) else {
            error(node, "\(what) must be a single value")
            return nil
        }
        return s.string
    }

    mutating func bool(_ node: Node, _ what: String) -> Bool? {
        guard let t = text(node, what) else { return nil }
        switch t {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default:
            error(node, "\(what) must be true or false, not '\(t)'")
            return nil
        }
    }

    mutating func integer(_ node: Node, _ what: String) -> Int64? {
        guard let t = text(node, what) else { return nil }
        guard let v = Int64(t), v >= 0 else {
            error(node, "\(what) must be a whole number ≥ 0, not '\(t)'")
            return nil
        }
        return v
    }

    mutating func fraction(_ node: Node, _ what: String) -> Double? {
        guard let t = text(node, what) else { return nil }
        guard let v = Double(t), (0...1).contains(v) else {
            error(node, "\(what) must be a number from 0 to 1, not '\(t)'")
            return nil
        }
        return v
    }

    mutating func duration(_ node: Node, _ what: String) -> Int64? {
        guard let t = text(node, what) else { return nil }
        guard let v = DurationText.parseMillis(t) else {
            error(node, "\(what) must be a duration with a unit (ms, s, m, h, d), e.g. 30m, not '\(t)'")
            return nil
        }
        return v
    }

    /// A date/instant, or nil for an explicit null (which clears the setting).
    mutating func instant(_ node: Node, _ what: String, endOfDay: Bool) -> Int64?? {
        if isNull(node) { return .some(nil) }
        guard let t = text(node, what) else { return nil }
        guard let v = DurationText.parseInstant(t) else {
            error(node, "\(what) must be a date YYYY-MM-DD or an instant YYYY-MM-DDTHH:MM:SS[.mmm]Z, not '\(t)'")
            return nil
        }
        return .some(endOfDay && v.isDate ? v.millis + 86_400_000 - 1 : v.millis)
    }

    mutating func list(_ node: Node, _ what: String) -> [(String, Node)] {
        guard case .sequence(let seq) = node else {
            if let t = text(node, what) { return [(t, node)] }
            return []
        }
        var out: [(String, Node)] = []
        for item in seq { if let t = text(item, "each item of \(what)") { out.append((t, item)) } }
        return out
    }

    mutating func readRoot(_ root: Node) {
        var section = root
        if case .mapping(let m) = root, m.count == 1, case .scalar(let k)? = m.first?.key, k.string == "clean" {
            section = m.first!.value
        }
        if isNull(section) { return }
        for (key, value) in entries(section, what: "the clean section", allowed: CleanConfigLoader.keys) {
            switch key {
            case "rules":
                let names = CleanRule.configurable.map(\.rawValue)
                for (name, v) in entries(value, what: "rules", allowed: names) {
                    if let on = bool(v, "rules.\(name)"), let rule = CleanRule(rawValue: name) {
                        if on { config.disabledRules.remove(rule) } else { config.disabledRules.insert(rule) }
                    }
                }
            case "active_timeout": if let v = duration(value, key) { config.activeTimeoutMillis = v }
            case "max_future_skew": if let v = duration(value, key) { config.maxFutureSkewMillis = v }
            case "not_before": if let v = instant(value, key, endOfDay: false) { config.notBeforeMillis = v }
            case "not_after": if let v = instant(value, key, endOfDay: true) { config.notAfterMillis = v }
            case "reference_time": if let v = instant(value, key, endOfDay: false) { config.referenceTimeMillis = v }
            case "min_packet_bytes_ipv4": if let v = integer(value, key) { config.minPacketBytesIPv4 = UInt64(v) }
            case "min_packet_bytes_ipv6": if let v = integer(value, key) { config.minPacketBytesIPv6 = UInt64(v) }
            case "max_packet_bytes_ipv4": if let v = integer(value, key) { config.maxPacketBytesIPv4 = UInt64(v) }
            case "max_packet_bytes_ipv6": if let v = integer(value, key) { config.maxPacketBytesIPv6 = UInt64(v) }
            case "jumbo_frames": if let v = bool(value, key) { config.jumboFrames = v }
            case "allow_dhcp_unspecified_source": if let v = bool(value, key) { config.allowDHCPUnspecifiedSource = v }
            case "memory_budget_mb": if let v = integer(value, key) { config.memoryBudgetMB = Int(clamping: v) }
            case "threads": if let v = integer(value, key) { config.threads = Int(clamping: v) }
            case "rows_per_batch": if let v = integer(value, key) { config.rowsPerBatch = Int(clamping: v) }
            case "max_quarantine_rows": if let v = integer(value, key) { config.maxQuarantineRows = Int(clamping: v) }
            case "max_reject_share": if let v = fraction(value, key) { config.maxRejectShare = v }
            case "internal_networks":
                var nets: [NetworkPrefix] = []
                for (t, node) in list(value, key) {
                    switch NetworkPrefix.parse(t) {
                    case .success(let p): nets.append(p)
                    case .failure(let e): error(node, "internal_networks: '\(e.text)': \(e.reason)")
                    }
                }
                config.internalNetworks = nets
            case "dedupe":
                for (k, v) in entries(value, what: "dedupe", allowed: CleanConfigLoader.dedupeKeys) {
                    switch k {
                    case "enabled": if let b = bool(v, "dedupe.enabled") { config.dedupeEnabled = b }
                    case "tolerance": if let d = duration(v, "dedupe.tolerance") { config.dedupeToleranceMillis = d }
                    default:
                        var fields: [DedupeField] = []
                        for (t, node) in list(v, "dedupe.key") {
                            if let f = DedupeField(rawValue: t) {
                                fields.append(f)
                            } else {
                                error(node, "dedupe.key: unknown column '\(t)' (expected some of: \(DedupeField.allCases.map(\.rawValue).joined(separator: ", ")))")
                            }
                        }
                        config.dedupeKey = fields
                    }
                }
            default: break
            }
        }
    }
}
