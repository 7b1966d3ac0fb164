import FlowConfig
import Foundation
import Yams

/// Reads a pipeline file (YAML, `version: 1`) into a `PipelineSpec`, collecting every
/// problem with its line and column instead of stopping at the first one. The walk over
/// the YAML is FlowConfig's `ConfigReader`, as for every config file of floe.
public enum PipelineParser {
    static let topKeys = ["version", "settings", "vars", "stages"]
    static let stageKeys = ["run", "inputs", "outputs", "params", "args", "needs", "for_each", "resources", "sbatch_args"]
    /// Placeholders every template may use besides vars and settings.
    static let dateNames: Set<String> = ["date", "from", "to"]
    /// Placeholders only `params` and `args` may use (they expand to the task's paths).
    static let pathListNames: Set<String> = ["inputs", "outputs"]

    /// Reads and validates the file at `path`.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> PipelineSpec {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PipelineError.usage("\(path): cannot read the pipeline file. Check the path.")
        }
        let text: String
        do {
            text = try ConfigReader.utf8Text(data, file: path)
        } catch let error as ConfigError {
            throw PipelineError.invalidFile(error.diagnostics)
        }
        return try parse(text, path: path, environment: environment)
    }

    /// Parses and validates pipeline text; `path` is used in messages. Throws
    /// `PipelineError.invalidFile` with every problem, sorted by place.
    public static func parse(_ text: String, path: String, environment: [String: String] = [:]) throws -> PipelineSpec {
        let root: Node?
        do {
            root = try ConfigReader.compose(text, file: path)
        } catch let error as ConfigError {
            throw PipelineError.invalidFile(error.diagnostics)
        }
        guard let root else {
            throw PipelineError.invalidFile([ConfigDiagnostic(file: path, at: .start,
                                                              "the file is empty (expected a mapping with version: 1 and stages)")])
        }
        var reader = SpecReader(file: path, environment: environment)
        let spec = reader.read(root)
        let diagnostics = reader.yaml.diagnostics + PipelineGraph.validate(spec).diagnostics
        if !diagnostics.isEmpty {
            throw PipelineError.invalidFile(Set(diagnostics).sorted())
        }
        return spec
    }
}

/// The pipeline file's shape over FlowConfig's `ConfigReader` walk (which records every
/// problem and keeps going): versions, settings, vars, stages and their placeholders.
struct SpecReader {
    let file: String
    let environment: [String: String]
    var yaml: ConfigReader

    init(file: String, environment: [String: String]) {
        self.file = file
        self.environment = environment
        yaml = ConfigReader(file: file)
    }

    mutating func error(_ at: ConfigLocation, _ message: String) {
        yaml.error(at: at, message)
    }

    func location(_ node: Node) -> ConfigLocation { yaml.location(node) }

    /// A single value or a list of single values, each with its place.
    mutating func scalarList(_ node: Node, what: String) -> [Located<String>] {
        yaml.list(node, what).map { Located($0.0, at: location($0.1)) }
    }

    mutating func substituted(_ text: String, at: ConfigLocation, what: String) -> String {
        switch EnvironmentSubstitution.substitute(text, environment: environment) {
        case .success(let value): return value
        case .failure(let unset):
            error(at, "environment variable \(unset.name) in \(what) is not set (set it, or write ${\(unset.name):-default})")
            return ""
        }
    }

    // MARK: - Document

    mutating func read(_ root: Node) -> PipelineSpec {
        var version = 0
        var settings: [SettingSpec] = []
        var vars: [String: Template] = [:]
        var varLocations: [String: ConfigLocation] = [:]
        var stages: [StageSpec] = []
        var stagesNode: Node?
        var sawVersion = false
        for (key, _, value) in yaml.keyedEntries(root, what: "the pipeline file", allowed: PipelineParser.topKeys) {
            switch key {
            case "version":
                sawVersion = true
                if let text = yaml.text(value, "version") {
                    if text == "1" { version = 1 } else { error(location(value), "unsupported version '\(text)' (expected 1)") }
                }
            case "settings":
                for (name, nameNode, item) in yaml.keyedEntries(value, what: "settings", allowed: nil) {
                    let at = location(nameNode)
                    if !Template.isIdentifier(Substring(name)) { error(at, "setting name '\(name)' must be letters, digits and _") }
                    if case .sequence = item {
                        let items = scalarList(item, what: "setting '\(name)'").map {
                            substituted($0.value, at: $0.location, what: "setting '\(name)'")
                        }
                        settings.append(SettingSpec(key: name, value: .list(items), location: at))
                    } else if let text = yaml.text(item, "setting '\(name)'") {
                        settings.append(SettingSpec(key: name, value: .text(substituted(text, at: location(item), what: "setting '\(name)'")), location: at))
                    }
                }
            case "vars":
                for (name, nameNode, item) in yaml.keyedEntries(value, what: "vars", allowed: nil) {
                    if !Template.isIdentifier(Substring(name)) { error(location(nameNode), "var name '\(name)' must be letters, digits and _") }
                    if let text = yaml.text(item, "var '\(name)'") {
                        vars[name] = Template(substituted(text, at: location(item), what: "var '\(name)'"))
                        varLocations[name] = location(item)
                    }
                }
            case "stages":
                stagesNode = value
                for (name, nameNode, item) in yaml.keyedEntries(value, what: "stages", allowed: nil) {
                    stages.append(readStage(name: name, at: location(nameNode), item))
                }
            default:
                break
            }
        }
        if !sawVersion { error(location(root), "missing key 'version' (expected version: 1)") }
        if stagesNode == nil { error(location(root), "missing key 'stages' (expected a mapping of stage names to stages)") }
        else if stages.isEmpty, case .mapping = stagesNode! { error(location(stagesNode!), "stages is empty (expected at least one stage)") }

        let reserved = PipelineParser.dateNames.union(PipelineParser.pathListNames)
        for setting in settings where reserved.contains(setting.key) || vars[setting.key] != nil {
            error(setting.location, "setting '\(setting.key)' clashes with \(vars[setting.key] != nil ? "a var" : "a built-in placeholder") of that name")
        }
        for (name, at) in varLocations where reserved.contains(name) {
            error(at, "var '\(name)' clashes with the built-in placeholder {\(name)}")
        }
        let spec = PipelineSpec(path: file, version: version, settings: settings, vars: vars, stages: stages)
        checkPlaceholders(spec, varLocations: varLocations)
        return spec
    }

    mutating func readStage(name: String, at: ConfigLocation, _ node: Node) -> StageSpec {
        var stage = StageSpec(name: name, location: at)
        if name.isEmpty || !name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == ".") }) {
            error(at, "stage name '\(name)' must be letters, digits, '-', '_' or '.'")
        }
        let what = "stage '\(name)'"
        var sawRun = false
        for (key, _, value) in yaml.keyedEntries(node, what: what, allowed: PipelineParser.stageKeys) {
            switch key {
            case "run":
                sawRun = true
                // A list is argv as written; only a single string is split (on spaces, no quoting).
                let words: [String]
                if case .sequence = value {
                    words = scalarList(value, what: "run of \(what)").map(\.value)
                } else {
                    words = scalarList(value, what: "run of \(what)").flatMap { $0.value.split(separator: " ").map(String.init) }
                }
                if words.isEmpty { error(location(value), "run of \(what) is empty (expected an executable such as floe-ingest or 'floe generate')") }
                stage.run = words
            case "inputs":
                stage.inputs = scalarList(value, what: "inputs of \(what)").map { Located(Template($0.value), at: $0.location) }
            case "outputs":
                stage.outputs = scalarList(value, what: "outputs of \(what)").map { Located(Template($0.value), at: $0.location) }
                for output in stage.outputs where output.value.source.contains(where: { "*?[".contains($0) }) {
                    error(output.location, "output '\(output.value.source)' of \(what) is a glob (expected a file or folder path)")
                }
            case "args":
                stage.args = scalarList(value, what: "args of \(what)").map { Located(Template($0.value), at: $0.location) }
            case "needs":
                stage.needs = scalarList(value, what: "needs of \(what)")
            case "for_each":
                if let text = yaml.text(value, "for_each of \(what)") {
                    if let kind = PartitionKind(rawValue: text) { stage.forEach = kind }
                    else { error(location(value), "unknown for_each '\(text)' in \(what) (expected: date)") }
                }
            case "resources":
                for (key, _, item) in yaml.keyedEntries(value, what: "resources of \(what)", allowed: StageResources.keys) {
                    guard let text = yaml.text(item, "resources.\(key) of \(what)") else { continue }
                    if let problem = StageResources.problem(key: key, value: text) {
                        error(location(item), "resources.\(key) of \(what) \(problem)")
                        continue
                    }
                    switch key {
                    case "cpus": stage.resources.cpus = Int(text)
                    case "mem": stage.resources.mem = text
                    case "time": stage.resources.time = text
                    case "partition": stage.resources.partition = text
                    default: stage.resources.account = text
                    }
                }
            case "sbatch_args":
                for arg in scalarList(value, what: "sbatch_args of \(what)") {
                    if let problem = StageResources.problem(sbatchArg: arg.value) {
                        error(arg.location, "sbatch_args of \(what): \(problem)")
                    } else {
                        stage.resources.sbatchArgs.append(arg.value)
                    }
                }
            case "params":
                for (param, paramNode, item) in yaml.keyedEntries(value, what: "params of \(what)", allowed: nil) {
                    let paramAt = location(paramNode)
                    if param.isEmpty || param.hasPrefix("-") || param.contains(" ") {
                        error(paramAt, "param name '\(param)' in \(what) must be a plain name (it becomes --\(param))")
                    }
                    if case .scalar(let scalar) = item, scalar.style == .plain, ["true", "false", "True", "False", "TRUE", "FALSE"].contains(scalar.string) {
                        stage.params.append(ParamSpec(key: param, value: .flag(scalar.string.lowercased() == "true"), location: paramAt))
                    } else {
                        let values = scalarList(item, what: "param '\(param)' of \(what)").map { Template($0.value) }
                        stage.params.append(ParamSpec(key: param, value: .values(values), location: paramAt))
                    }
                }
            default:
                break
            }
        }
        if !sawRun { error(at, "\(what) has no 'run' (expected an executable such as floe-ingest or 'floe generate')") }
        return stage
    }

    /// Every placeholder must name a built-in, a setting or a var; `{inputs}`/`{outputs}`
    /// only in params and args; date placeholders need nothing else here (the run checks
    /// that dates were given).
    mutating func checkPlaceholders(_ spec: PipelineSpec, varLocations: [String: ConfigLocation]) {
        let settingNames = Set(spec.settings.map(\.key))
        let known = PipelineParser.dateNames.union(settingNames).union(spec.vars.keys)
        func expected(_ extra: Set<String>) -> String {
            known.union(extra).sorted().map { "{\($0)}" }.joined(separator: ", ")
        }
        for (name, template) in spec.vars {
            for placeholder in template.placeholders where !known.contains(placeholder) {
                error(varLocations[name]!, "unknown placeholder {\(placeholder)} in var '\(name)' (expected one of: \(expected([])))")
            }
        }
        // Vars that refer to themselves through other vars.
        for name in spec.vars.keys.sorted() {
            if case .failure(.tooDeep) = Result(catching: { () throws(TemplateError) in
                _ = try TemplateScope(values: Dictionary(uniqueKeysWithValues: known.subtracting(spec.vars.keys).map { ($0, TemplateValue.text("")) }),
                                      vars: spec.vars).render(Template("{\(name)}"))
            }) {
                error(varLocations[name]!, "var '\(name)' refers to itself through other vars")
            }
        }
        for stage in spec.stages {
            let what = "stage '\(stage.name)'"
            for (kind, list) in [("inputs", stage.inputs), ("outputs", stage.outputs)] {
                for item in list {
                    for placeholder in item.value.placeholders where !known.contains(placeholder) {
                        error(item.location, "unknown placeholder {\(placeholder)} in \(kind) of \(what) (expected one of: \(expected([])))")
                    }
                }
            }
            let argLike = stage.args.map { ($0.value, $0.location) } + stage.params.flatMap { param -> [(Template, ConfigLocation)] in
                if case .values(let values) = param.value { return values.map { ($0, param.location) } }
                return []
            }
            for (template, at) in argLike {
                for placeholder in template.placeholders where !known.contains(placeholder) && !PipelineParser.pathListNames.contains(placeholder) {
                    error(at, "unknown placeholder {\(placeholder)} in \(what) (expected one of: \(expected(PipelineParser.pathListNames)))")
                }
            }
            if stage.forEach == nil {
                for item in stage.inputs + stage.outputs where item.value.placeholders.contains("date") {
                    error(item.location, "'\(item.value.source)' in \(what) uses {date} but the stage has no 'for_each: date' (add it, or use {from}/{to})")
                }
            }
        }
    }
}
