import ArgumentParser
import FlowClean
import FlowConfig
import FlowIO
import FlowCore
import Foundation

/// `floe clean` / `floe-clean`: validate, normalize, dedupe, enrich and partition raw
/// ingested flows into the day-partitioned flow dataset.
public struct CleanCommand: ParsableCommand {
    public static var configuration: CommandConfiguration { CommandConfiguration(
        commandName: stageCommandName("clean"),
        abstract: "Turn floe-ingest output into the day-partitioned flow dataset.",
        discussion: """
        Reads RAW_DIR/*.arrow (the output of floe-ingest; an .arrow file may be named \
        directly), checks every row against the validation rules, drops duplicates, adds \
        the enriched columns and writes DATASET_DIR/date=YYYY-MM-DD/part-00000.arrow per UTC \
        day of the flow start, sorted by start then address. Rejected rows go to \
        DATASET_DIR/quarantine.jsonl with their rule; DATASET_DIR/manifest.json counts rows \
        in, out, rejected by rule and duplicates per input (in = out + rejected + \
        duplicates). Both are also kept per run in DATASET_DIR/_clean_runs/NAME/ (NAME: \
        the first input's folder name and a hash of the inputs), so cleaning day by day \
        into one dataset keeps every day's rejects.

        A day present in the input is replaced whole and atomically; days not in the \
        input are left untouched. Same input and configuration give byte-identical \
        partition files.

        Settings come, lowest precedence first, from the defaults, the pipeline settings \
        (--settings FILE, else $FLOE_SETTINGS when set; only internal_networks is used), \
        the clean config (--config FILE, YAML) and the options below.

        Rules (switch off with --disable-rule or rules: {NAME: false}): \
        \(CleanRule.configurable.map(\.rawValue).joined(separator: ", ")).

        Exit status: 0 success; 1 an input was unreadable (the others were cleaned), a \
        write failed or the accounting did not hold; 64 usage or configuration error.

        Examples:
          floe-clean data/raw --output data/flows
          floe-clean data/raw/day1 data/raw/day2 -o data/flows \\
            --config clean.yaml --internal-network 10.0.0.0/8 \\
            --not-before 2026-11-01 --not-after 2026-11-07
        """) }

    @Argument(help: ArgumentHelp("Folders written by floe-ingest (or single .arrow files).", valueName: "RAW_DIR"))
    public var inputs: [String] = []

    @Option(name: [.short, .long], help: ArgumentHelp("The dataset folder to write (created if missing).", valueName: "DATASET_DIR"))
    public var output: String

    @Option(help: ArgumentHelp("Clean configuration, YAML (see ARCHITECTURE.md, \"## Clean\").", valueName: "FILE"))
    public var config: String?

    @Option(help: ArgumentHelp("Pipeline settings JSON (default: $FLOE_SETTINGS); internal_networks is read from it.", valueName: "FILE"))
    public var settings: String?

    @Option(name: .customLong("internal-network"),
            help: ArgumentHelp("An internal network for direction, e.g. 10.0.0.0/8 or fd00::/8 (repeatable; replaces the configured list).", valueName: "CIDR"))
    public var internalNetworks: [String] = []

    @Option(name: .customLong("not-before"), help: ArgumentHelp("Reject flows starting before this date or instant, e.g. 2026-11-01.", valueName: "D"))
    public var notBefore: String?

    @Option(name: .customLong("not-after"), help: ArgumentHelp("Reject flows starting after this date (its end) or instant, e.g. 2026-11-07.", valueName: "D"))
    public var notAfter: String?

    @Option(name: .customLong("reference-time"),
            help: ArgumentHelp("The instant taken as now by future_skew (default: the wall clock), e.g. 2026-11-08T00:00:00Z.", valueName: "T"))
    public var referenceTime: String?

    @Option(name: .customLong("max-future-skew"), help: ArgumentHelp("How far past now a flow may end, e.g. 1h (default 1h).", valueName: "DURATION"))
    public var maxFutureSkew: String?

    @Option(name: .customLong("active-timeout"), help: ArgumentHelp("The exporters' active timeout: longer flows are rejected, e.g. 30m (default 30m).", valueName: "DURATION"))
    public var activeTimeout: String?

    @Option(name: .customLong("dedupe-tolerance"), help: ArgumentHelp("Largest start difference of two copies of one flow, e.g. 1s (default 1s).", valueName: "DURATION"))
    public var dedupeTolerance: String?

    @Flag(name: .customLong("no-dedupe"), help: "Keep duplicates.")
    public var noDedupe = false

    @Flag(name: .customLong("jumbo-frames"), help: "Allow IPv6 jumbograms (lifts the IPv6 bytes-per-packet ceiling).")
    public var jumboFrames = false

    @Option(name: .customLong("disable-rule"), help: ArgumentHelp("Switch a rule off (repeatable), e.g. future_skew.", valueName: "RULE"))
    public var disabledRules: [String] = []

    @Option(name: .customLong("memory-budget-mb"), help: ArgumentHelp("Memory for buffered rows; more is spilled to disk (default 512).", valueName: "MB"))
    public var memoryBudgetMB: Int?

    @Option(help: ArgumentHelp("Worker threads (default 2; the output does not depend on it).", valueName: "N"))
    public var threads: Int?

    @Option(name: .customLong("max-reject-share"), help: ArgumentHelp("Fail (exit 1) when a larger share of the rows in is rejected, or when rows came in and none was kept (default 0.5; 1 fails only on the latter).", valueName: "0..1"))
    public var maxRejectShare: Double?

    @Option(name: .customLong("max-quarantine-rows"), help: ArgumentHelp("Reject lines each input keeps in quarantine.jsonl; later rejects are only counted by rule (default 100000).", valueName: "rows"))
    public var maxQuarantineRows: Int?

    public init() {}

    /// The configuration the options describe (throws `CleanError.invalidConfig`).
    public func makeConfig(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> CleanConfig {
        var config = CleanConfig()
        if let path = PipelineSettings.path(option: settings, environment: environment) {
            try CleanConfigLoader.applySettings(path: path, to: &config)
        }
        if let path = self.config { config = try CleanConfigLoader.load(path: path, base: config) }
        var problems: [ConfigDiagnostic] = []
        func problem(_ option: String, _ message: String) { problems.append(ConfigDiagnostic(file: option, line: 0, message)) }
        if !internalNetworks.isEmpty {
            do {
                config.internalNetworks = try PipelineSettings.parseNetworks(internalNetworks, file: "--internal-network", what: "CIDR")
            } catch let error as ConfigError {
                problems += error.diagnostics
            }
        }
        func instant(_ text: String?, _ option: String, endOfDay: Bool) -> Int64?? {
            guard let text else { return nil }
            guard let v = DurationText.parseInstant(text) else {
                problem(option, "'\(text)' is not a date YYYY-MM-DD or an instant YYYY-MM-DDTHH:MM:SS[.mmm]Z")
                return nil
            }
            return .some(endOfDay && v.isDate ? v.millis + CivilTime.millisPerDay - 1 : v.millis)
        }
        func duration(_ text: String?, _ option: String) -> Int64? {
            guard let text else { return nil }
            guard let v = DurationText.parseMillis(text) else {
                problem(option, "'\(text)' is not a duration with a unit (ms, s, m, h, d), e.g. 30m")
                return nil
            }
            return v
        }
        if let v = instant(notBefore, "--not-before", endOfDay: false) { config.notBeforeMillis = v }
        if let v = instant(notAfter, "--not-after", endOfDay: true) { config.notAfterMillis = v }
        if let v = instant(referenceTime, "--reference-time", endOfDay: false) { config.referenceTimeMillis = v }
        if let v = duration(maxFutureSkew, "--max-future-skew") { config.maxFutureSkewMillis = v }
        if let v = duration(activeTimeout, "--active-timeout") { config.activeTimeoutMillis = v }
        if let v = duration(dedupeTolerance, "--dedupe-tolerance") { config.dedupeToleranceMillis = v }
        if noDedupe { config.dedupeEnabled = false }
        if jumboFrames { config.jumboFrames = true }
        for name in disabledRules {
            if let rule = CleanRule(rawValue: name), rule != .invalidValue {
                config.disabledRules.insert(rule)
            } else {
                problem("--disable-rule", "unknown rule '\(name)' (expected one of: \(CleanRule.configurable.map(\.rawValue).joined(separator: ", ")))")
            }
        }
        if let v = memoryBudgetMB { config.memoryBudgetMB = v }
        if let v = threads { config.threads = v }
        if let v = maxRejectShare { config.maxRejectShare = v }
        if let v = maxQuarantineRows { config.maxQuarantineRows = v }
        for p in config.problems() { problem("options", p) }
        if !problems.isEmpty { throw CleanError.invalidConfig(problems) }
        return config
    }

    public func validate() throws {
        if inputs.isEmpty { throw ValidationError("give at least one RAW_DIR (a folder written by floe-ingest).") }
        if output.isEmpty { throw ValidationError("--output: give the dataset folder.") }
        do {
            _ = try makeConfig()
        } catch let error as CleanError {
            throw ValidationError(error.description)
        }
    }

    public func run() throws {
        try bindStageToRunner("floe-clean")
        let config = try makeConfig()
        var engine = CleanEngine(config: config, toolVersion: floeVersion)
        engine.progress = StageProgress.fromEnvironment()
        let manifest: CleanManifest
        do {
            manifest = try engine.run(inputs: inputs, output: output)
        } catch let error as CleanError {
            FileHandle.standardError.write(Data("floe-clean: \(error)\n".utf8))
            if case .usage = error { throw ExitCode(64) }
            if case .invalidConfig = error { throw ExitCode(64) }
            throw ExitCode(1)
        } catch {
            FileHandle.standardError.write(Data("floe-clean: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let t = manifest.totals.counts
        FileHandle.standardError.write(Data(
            "floe-clean: \(t.rowsIn) rows in, \(t.rowsOut) out, \(t.rowsRejected) rejected, \(t.duplicates) duplicates; \(manifest.partitions.count) partitions in \(output)\n".utf8))
        for failed in manifest.failedInputs {
            FileHandle.standardError.write(Data("floe-clean: input failed: \(failed.path): \(failed.error ?? "unreadable")\n".utf8))
        }
        if let failure = manifest.rejectFailure(maxShare: config.maxRejectShare, quarantinePath: output + "/" + CleanManifest.quarantineFileName) {
            FileHandle.standardError.write(Data("floe-clean: failed: \(failure)\n".utf8))
            throw ExitCode(1)
        }
        if !manifest.failedInputs.isEmpty { throw ExitCode(1) }
    }
}
