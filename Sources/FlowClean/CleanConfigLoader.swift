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
        let text: String
        do {
            text = try ConfigReader.utf8Text(data, file: path)
        } catch let error as ConfigError {
            throw CleanError.invalidConfig(error.diagnostics)
        }
        return try parse(text, file: path, base: base)
    }

    /// Parses YAML text over `base`; `file` names it in messages.
    public static func parse(_ text: String, file: String, base: CleanConfig = CleanConfig()) throws -> CleanConfig {
        var reader = CleanConfigReader(file: file, config: base)
        let root: Node?
        do {
            root = try ConfigReader.compose(text, file: file)
        } catch let error as ConfigError {
            throw CleanError.invalidConfig(error.diagnostics)
        }
        if let root { reader.readRoot(root) }
        if reader.diagnostics.isEmpty {
            for problem in reader.config.problems() { reader.yaml.error(problem) }
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

/// The walk over the clean section (the shared `ConfigReader` plus clean's durations and
/// instants); records problems and keeps going.
struct CleanConfigReader {
    var config: CleanConfig
    var yaml: ConfigReader

    init(file: String, config: CleanConfig) {
        self.config = config
        yaml = ConfigReader(file: file)
    }

    var diagnostics: [ConfigDiagnostic] { yaml.diagnostics }

    mutating func duration(_ node: Node, _ what: String) -> Int64? {
        guard let t = yaml.text(node, what) else { return nil }
        guard let v = DurationText.parseMillis(t) else {
            yaml.error(node, "\(what) must be a duration with a unit (ms, s, m, h, d), e.g. 30m, not '\(t)'")
            return nil
        }
        return v
    }

    /// A date/instant, or nil for an explicit null (which clears the setting).
    mutating func instant(_ node: Node, _ what: String, endOfDay: Bool) -> Int64?? {
        if yaml.isNull(node) { return .some(nil) }
        guard let t = yaml.text(node, what) else { return nil }
        guard let v = DurationText.parseInstant(t) else {
            yaml.error(node, "\(what) must be a date YYYY-MM-DD or an instant YYYY-MM-DDTHH:MM:SS[.mmm]Z, not '\(t)'")
            return nil
        }
        return .some(endOfDay && v.isDate ? v.millis + 86_400_000 - 1 : v.millis)
    }

    mutating func readRoot(_ root: Node) {
        var section = root
        if case .mapping(let m) = root, m.count == 1, case .scalar(let k)? = m.first?.key, k.string == "clean" {
            section = m.first!.value
        }
        if yaml.isNull(section) { return }
        for (key, value) in yaml.entries(section, what: "the clean section", allowed: CleanConfigLoader.keys) {
            switch key {
            case "rules":
                let names = CleanRule.configurable.map(\.rawValue)
                for (name, v) in yaml.entries(value, what: "rules", allowed: names) {
                    if let on = yaml.bool(v, "rules.\(name)"), let rule = CleanRule(rawValue: name) {
                        if on { config.disabledRules.remove(rule) } else { config.disabledRules.insert(rule) }
                    }
                }
            case "active_timeout": if let v = duration(value, key) { config.activeTimeoutMillis = v }
            case "max_future_skew": if let v = duration(value, key) { config.maxFutureSkewMillis = v }
            case "not_before": if let v = instant(value, key, endOfDay: false) { config.notBeforeMillis = v }
            case "not_after": if let v = instant(value, key, endOfDay: true) { config.notAfterMillis = v }
            case "reference_time": if let v = instant(value, key, endOfDay: false) { config.referenceTimeMillis = v }
            case "min_packet_bytes_ipv4": if let v = yaml.integer(value, key) { config.minPacketBytesIPv4 = UInt64(v) }
            case "min_packet_bytes_ipv6": if let v = yaml.integer(value, key) { config.minPacketBytesIPv6 = UInt64(v) }
            case "max_packet_bytes_ipv4": if let v = yaml.integer(value, key) { config.maxPacketBytesIPv4 = UInt64(v) }
            case "max_packet_bytes_ipv6": if let v = yaml.integer(value, key) { config.maxPacketBytesIPv6 = UInt64(v) }
            case "jumbo_frames": if let v = yaml.bool(value, key) { config.jumboFrames = v }
            case "allow_dhcp_unspecified_source": if let v = yaml.bool(value, key) { config.allowDHCPUnspecifiedSource = v }
            case "memory_budget_mb": if let v = yaml.integer(value, key) { config.memoryBudgetMB = Int(clamping: v) }
            case "threads": if let v = yaml.integer(value, key) { config.threads = Int(clamping: v) }
            case "rows_per_batch": if let v = yaml.integer(value, key) { config.rowsPerBatch = Int(clamping: v) }
            case "max_quarantine_rows": if let v = yaml.integer(value, key) { config.maxQuarantineRows = Int(clamping: v) }
            case "max_reject_share": if let v = yaml.fraction(value, key) { config.maxRejectShare = v }
            case "internal_networks":
                var nets: [NetworkPrefix] = []
                for (t, node) in yaml.list(value, key) {
                    switch NetworkPrefix.parse(t) {
                    case .success(let p): nets.append(p)
                    case .failure(let e): yaml.error(node, "internal_networks: '\(e.text)': \(e.reason)")
                    }
                }
                config.internalNetworks = nets
            case "dedupe":
                for (k, v) in yaml.entries(value, what: "dedupe", allowed: CleanConfigLoader.dedupeKeys) {
                    switch k {
                    case "enabled": if let b = yaml.bool(v, "dedupe.enabled") { config.dedupeEnabled = b }
                    case "tolerance": if let d = duration(v, "dedupe.tolerance") { config.dedupeToleranceMillis = d }
                    default:
                        var fields: [DedupeField] = []
                        for (t, node) in yaml.list(v, "dedupe.key") {
                            if let f = DedupeField(rawValue: t) {
                                fields.append(f)
                            } else {
                                yaml.error(node, "dedupe.key: unknown column '\(t)' (expected some of: \(DedupeField.allCases.map(\.rawValue).joined(separator: ", ")))")
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
