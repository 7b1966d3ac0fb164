import ArgumentParser
import Foundation
import FlowCore
import FlowFormats
import FlowGenerate

/// `floe generate`: writes a deterministic, realistic flow log in any input dialect, with
/// labelled anomalies and optional dirt, plus its labels file (`OUTPUT.labels.json`).
public struct GenerateCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate a realistic, seeded flow log with labelled anomalies.",
        discussion: """
        The same arguments always give byte-identical output and labels. Traffic follows \
        an office-hours day and a quieter weekend; hosts, services and sizes follow \
        heavy-tailed popularity. Unless --no-anomalies is given, a port scan, a SYN flood, \
        a night-time exfiltration, C2 beaconing and a one-hour exporter outage (no rows) \
        are injected; OUTPUT.labels.json records each one's hosts, window and row count, \
        the generator parameters, the dirt counts and the rows written.

        --rows counts clean rows (benign plus anomalies); dirty rows from --dirt or \
        --dirt-rate are extra rows derived from benign ones, so a perfect cleaner gives \
        back exactly --rows rows. Dirt kinds: \(DirtKind.allCases.map(\.rawValue).joined(separator: ", ")).

        Dialects: \(Dialect.allCases.map(\.rawValue).joined(separator: ", ")).

        Example:
          floe generate --rows 1000000 --days 7 --seed 42 --dialect nfdump-csv \\
            --gzip --dirt 0.01 --output data/demo/flows.csv.gz
        """)

    @Option(help: "Clean rows to write (benign plus anomalies; at least 1000 with anomalies).")
    public var rows: Int = 100_000

    @Option(help: "Days of traffic, from --start 00:00 UTC.")
    public var days: Int = 7

    @Option(help: "Seed of every random choice; same seed, same output.")
    public var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Dialect to write (listed above).", valueName: "name"))
    public var dialect: String

    @Flag(help: "Compress the output with gzip (one member per chunk).")
    public var gzip = false

    @Option(help: ArgumentHelp("First day, YYYY-MM-DD (UTC).", valueName: "date"))
    public var start: String = "2026-11-01"

    @Flag(name: .customLong("no-anomalies"), help: "Write benign traffic only: no anomalies, no coverage gap.")
    public var noAnomalies = false

    @Option(help: ArgumentHelp("Share of benign rows (0–1) that get one dirty companion row, spread evenly over all dirt kinds.", valueName: "rate"))
    public var dirt: Double = 0

    @Option(name: .customLong("dirt-rate"),
            help: ArgumentHelp("Rate of one dirt kind, overriding --dirt for it (repeatable), e.g. duplicate=0.01.", valueName: "kind=rate"))
    public var dirtRates: [String] = []

    @Option(help: ArgumentHelp("Also inject these opt-in anomaly kinds (comma-separated: brute_force, new_service); the default mix has none.", valueName: "kinds"))
    public var inject: String?

    @Option(name: .customLong("repeat-anomalies"),
            help: ArgumentHelp("Inject every anomaly kind this many more times, on random days with other hosts (examples for a classifier); 0 keeps the default mix.", valueName: "n"))
    public var repeatAnomalies: Int = 0

    @Option(help: "Worker threads (speed only; the output does not depend on it).")
    public var threads: Int = 2

    @Option(name: [.short, .long], help: ArgumentHelp("Output file; the labels go to FILE.labels.json beside it.", valueName: "file"))
    public var output: String

    public init() {}

    /// The generator configuration these options describe (throws `GenerateError`).
    public func makeConfig() throws -> (GeneratorConfig, Dialect) {
        guard let parsedDialect = Dialect(rawValue: dialect) else {
            throw GenerateError.invalidParameter(
                name: "--dialect", value: dialect,
                reason: "unknown dialect; use one of " + Dialect.allCases.map(\.rawValue).joined(separator: ", "))
        }
        guard let startDay = CivilTime.parseDate(start) else {
            throw GenerateError.invalidParameter(name: "--start", value: start, reason: "expected a date YYYY-MM-DD")
        }
        guard dirt >= 0 && dirt <= 1 else {
            throw GenerateError.invalidParameter(name: "--dirt", value: "\(dirt)", reason: "must be between 0 and 1")
        }
        var rates = DirtRates(total: dirt)
        for spec in dirtRates { try rates.apply(spec) }
        var config = GeneratorConfig(rows: rows, days: days, seed: seed, startDay: startDay,
                                     anomalies: !noAnomalies, dirt: rates, gzip: gzip, threads: threads)
        if let inject { config.extraAnomalies = try TrafficLabel.optIn(parsing: inject) }
        config.anomalyRepeats = repeatAnomalies
        try config.validate()
        return (config, parsedDialect)
    }

    public func validate() throws {
        if output.isEmpty { throw ValidationError("--output: give a file path.") }
        do {
            _ = try makeConfig()
        } catch let error as GenerateError {
            throw ValidationError(error.description)
        }
    }

    public func run() throws {
        try run(encoderFor: GenerateCommand.encoder(for:))
    }

    /// Runs with an explicit encoder source (tests inject one here).
    public func run(encoderFor: (Dialect) throws -> any DialectEncoder) throws {
        let (config, dialect) = try makeConfig()
        let encoder = try encoderFor(dialect)
        let generator = try FlowGenerator(config: config)
        let folder = URL(fileURLWithPath: output).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let labels = try generator.write(to: output, encoder: encoder)
        FileHandle.standardError.write(Data(
            "floe generate: wrote \(labels.rowsWritten) rows (\(labels.rowsClean) clean, \(labels.rowsDirty) dirty) to \(output); labels in \(GenerationLabels.path(forOutput: output))\n".utf8))
    }

    /// The encoder that writes `dialect` (FlowFormats' factory; times in UTC).
    static func encoder(for dialect: Dialect) -> any DialectEncoder {
        makeEncoder(dialect, timeZone: .utc)
    }
}
