import FlowCore
import Foundation

/// The pipeline file's `settings:` as `floe run` hands them to every stage: a flat JSON
/// object of texts and lists of texts in the file named by `$FLOE_SETTINGS`
/// (`StageEnvironment.settings`), or by a stage's `--settings FILE`. Stages read the
/// settings they use and ignore the others.
public struct PipelineSettings: Sendable, Equatable {
    /// `internal_networks` (a list, or one text of CIDRs separated by commas or spaces):
    /// direction in clean, internal hosts in train and score. nil when not set.
    public var internalNetworks: [NetworkPrefix]?

    public init(internalNetworks: [NetworkPrefix]? = nil) { self.internalNetworks = internalNetworks }

    /// The settings file to read: `option` when given, else `$FLOE_SETTINGS` when set and
    /// not empty, else none.
    public static func path(option: String?, environment: [String: String]) -> String? {
        option ?? environment[StageEnvironment.settings].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Reads the settings at `path`; throws `ConfigError` listing every problem.
    public static func load(path: String) throws -> PipelineSettings {
        func fail(_ message: String) -> ConfigError { ConfigError([ConfigDiagnostic(file: path, line: 0, message)]) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw fail("cannot read the settings file; check the path (or FLOE_SETTINGS)")
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw fail("not valid JSON: \(error.localizedDescription)")
        }
        guard let settings = object as? [String: Any] else { throw fail("expected a JSON object of settings") }
        var out = PipelineSettings()
        if let value = settings["internal_networks"] {
            let texts: [String]
            if let list = value as? [String] {
                texts = list
            } else if let text = value as? String {
                texts = text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\n" }).map(String.init)
            } else {
                throw fail("internal_networks must be a list of CIDR texts")
            }
            out.internalNetworks = try parseNetworks(texts, file: path, what: "internal_networks")
        }
        return out
    }

    /// Parses CIDR texts; throws `ConfigError` listing every bad one.
    public static func parseNetworks(_ texts: [String], file: String, what: String) throws -> [NetworkPrefix] {
        var out: [NetworkPrefix] = []
        var problems: [ConfigDiagnostic] = []
        for text in texts {
            switch NetworkPrefix.parse(text) {
            case .success(let p): out.append(p)
            case .failure(let e): problems.append(ConfigDiagnostic(file: file, line: 0, "\(what): '\(e.text)': \(e.reason)"))
            }
        }
        if !problems.isEmpty { throw ConfigError(problems) }
        return out
    }
}
