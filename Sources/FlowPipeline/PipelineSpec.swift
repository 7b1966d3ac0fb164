import FlowConfig

/// A value with the place in the pipeline file where it was written.
public struct Located<Value: Sendable>: Sendable {
    public let value: Value
    public let location: ConfigLocation

    public init(_ value: Value, at location: ConfigLocation) {
        self.value = value
        self.location = location
    }
}

/// A `params` entry: `--key value` (a list repeats the flag), or a bare `--key` for `true`.
public struct ParamSpec: Sendable {
    public enum Value: Sendable {
        /// `true` gives the bare flag, `false` leaves it out.
        case flag(Bool)
        /// One or several values; each gives `--key value`.
        case values([Template])
    }

    public let key: String
    public let value: Value
    public let location: ConfigLocation
}

/// How a stage is split into partitions.
public enum PartitionKind: String, Sendable {
    /// One task per UTC day of `--date` or `--from … --to`.
    case date
}

/// One stage of a pipeline file, as written (templates not rendered yet).
public struct StageSpec: Sendable {
    public let name: String
    public let location: ConfigLocation
    /// The executable and its leading fixed words, e.g. `["floe", "generate"]`: a list in
    /// the file as written (argv), a single string split on spaces. Not templated.
    public var run: [String] = []
    public var inputs: [Located<Template>] = []
    public var outputs: [Located<Template>] = []
    public var params: [ParamSpec] = []
    public var args: [Located<Template>] = []
    public var needs: [Located<String>] = []
    public var forEach: PartitionKind?
    /// What the stage asks of a cluster scheduler (`resources:` and `sbatch_args:`).
    public var resources = StageResources()

    public init(name: String, location: ConfigLocation) {
        self.name = name
        self.location = location
    }

    /// Whether any template of this stage names `date`, `from` or `to`.
    public var usesDates: Bool {
        let templates = inputs.map(\.value) + outputs.map(\.value) + args.map(\.value)
            + params.flatMap { param -> [Template] in
                if case .values(let values) = param.value { return values }
                return []
            }
        return templates.contains { t in t.placeholders.contains { ["date", "from", "to"].contains($0) } }
    }
}

/// A pipeline-wide setting: text or a list of texts, after `${ENV}` substitution.
public struct SettingSpec: Sendable {
    public let key: String
    public let value: TemplateValue
    public let location: ConfigLocation
}

/// A parsed, validated pipeline file.
public struct PipelineSpec: Sendable {
    /// The path the file was read from, as given (used in messages).
    public let path: String
    public let version: Int
    public let settings: [SettingSpec]
    /// `vars` after `${ENV}` substitution; may hold placeholders.
    public let vars: [String: Template]
    /// Stages in file order.
    public let stages: [StageSpec]

    public func stage(named name: String) -> StageSpec? {
        stages.first { $0.name == name }
    }

    /// The scope for rendering templates of one task, without `inputs`/`outputs`.
    public func scope(date: String?, from: String?, to: String?) -> TemplateScope {
        var values: [String: TemplateValue] = [:]
        for setting in settings { values[setting.key] = setting.value }
        if let date { values["date"] = .text(date) }
        if let from { values["from"] = .text(from) }
        if let to { values["to"] = .text(to) }
        return TemplateScope(values: values, vars: vars)
    }

    /// Settings as a JSON object text with sorted keys (what stages receive).
    public var settingsJSON: String {
        var fields: [String] = []
        for setting in settings.sorted(by: { $0.key < $1.key }) {
            let value: String
            switch setting.value {
            case .text(let text): value = JSONText.quote(text)
            case .list(let items): value = "[" + items.map(JSONText.quote).joined(separator: ", ") + "]"
            }
            fields.append("  " + JSONText.quote(setting.key) + ": " + value)
        }
        return fields.isEmpty ? "{}\n" : "{\n" + fields.joined(separator: ",\n") + "\n}\n"
    }
}

/// Minimal JSON string quoting (RFC 8259).
enum JSONText {
    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
