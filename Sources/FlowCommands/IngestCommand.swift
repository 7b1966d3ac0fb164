import ArgumentParser
import FlowCore
import FlowFormats
import FlowIngest
import FlowIO
import Foundation

/// `floe-ingest` / `floe ingest`: flow logs in any supported dialect (plain or gzip), flow
/// export captures (pcap, pcapng), nfdump's nfcapd files and IPFIX files →
/// Arrow files, `manifest.json` and `quarantine.jsonl` in one output folder.
public struct IngestCommand: ParsableCommand {
    public static var configuration: CommandConfiguration { CommandConfiguration(
        commandName: stageCommandName("ingest"),
        abstract: "Read flow logs (CSV dialects, NetFlow/IPFIX captures, nfcapd files; plain or gzip) into Apache Arrow files.",
        discussion: """
        Each INPUT is a file, a folder (read recursively, hidden files skipped) or a glob \
        ('archive/**/*.csv.gz'). Compression is decided by the file's first bytes, not its \
        name; concatenated (multi-member) gzip files are read whole. The dialect of each \
        file is detected from its header unless --dialect is given.

        Binary inputs are recognised by their magic bytes (after gzip, so a .pcap.gz \
        works), whatever --dialect says: pcap and pcapng captures of NetFlow v5, v9 and \
        IPFIX export datagrams (any UDP port whose payload is a valid export header; \
        narrow with --export-port), nfcapd files of nfdump 1.7 (uncompressed, LZO, LZ4, \
        BZ2; ZSTD files get an error with the nfdump command that rewrites them) and \
        IPFIX files (RFC 5655). Their records go to the same columns; a rejected unit \
        (packet, set, block) is one quarantine line with its byte offset, record count and \
        first bytes in hex; the manifest adds format, export_versions, decode counters, \
        nfcapd header facts and export_loss: per exporter and observation domain the \
        sequence gaps, lost datagrams or records and resets, so lost exports are visible.

        Output, in --output DIR: one Arrow IPC file per input (NAME-HASH.arrow), \
        manifest.json (per input: format, status ok/partial/failed, error, rows read, \
        written and rejected by reason, bytes, fingerprint; and totals) and \
        quarantine.jsonl (one JSON line per rejected row: file, line, byte offset, reason, \
        detail and the original bytes). rows_read = rows_written + rows_rejected, exactly.

        A file that cannot be read (unknown format, corrupt or truncated gzip, CRC \
        mismatch) is marked failed and nothing from it is kept; the other files are still \
        ingested. Exit codes: 0 success (rejected rows are counted, not failures), 1 a \
        file failed or the output could not be written, 64 usage error.

        Dialects: \(Dialect.allCases.map(\.rawValue).joined(separator: ", ")).

        Examples:
          floe-ingest --output raw/ flows/2026-11-28/*.csv.gz
          floe-ingest --dialect nfdump-csv --timezone Europe/Zurich --output raw/ export.csv
          floe-ingest --mapping mymap.yaml --output raw/ custom.csv
          floe-ingest --suggest-mapping custom.csv > mymap.yaml
          floe-ingest --export-port 2055 --output raw/ collector.pcap nfcapd.202611281200
        """) }

    @Argument(help: ArgumentHelp("Input files, folders or globs.", valueName: "input"))
    public var inputs: [String] = []

    @Option(name: [.short, .long], help: ArgumentHelp("Output folder (created if missing); not needed with --dry-run.", valueName: "dir"))
    public var output: String?

    @Flag(name: .customLong("dry-run"), help: "Read and decode every input and print the run's manifest (JSON, on standard output; its outputs lists are empty), writing no file: for checking an archive before a long run.")
    public var dryRun = false

    @Option(help: ArgumentHelp("Force a dialect instead of detecting it from the header.", valueName: "name"))
    public var dialect: String?

    @Option(help: ArgumentHelp("Time zone of local (zone-less) timestamps: UTC, +02:00 or an IANA name such as Europe/Zurich. nfdump's CSV is in the local time of the machine that ran nfdump.", valueName: "zone"))
    public var timezone: String = "UTC"

    @Option(name: .customLong("date-order"), help: ArgumentHelp("Order of slashed dates such as 03/02/2018: mdy or dmy. Without it, ambiguous dates are rejected, never guessed.", valueName: "order"))
    public var dateOrder: String?

    @Option(name: .customLong("epoch-unit"), help: ArgumentHelp("Unit of bare epoch numbers in generic CSV time columns: s, ms or us. Without it the column name (start_ms) or the digit count (10, 13, 16 digits) decides.", valueName: "unit"))
    public var epochUnit: String?

    @Option(help: ArgumentHelp("YAML or JSON file mapping schema fields to the columns of an unrecognised CSV header.", valueName: "file"))
    public var mapping: String?

    @Option(name: .customLong("suggest-mapping"), help: ArgumentHelp("Print a commented mapping file (YAML, for --mapping) for this CSV's header line: recognised columns filled in, missing required ones marked; then exit.", valueName: "file"))
    public var suggestMapping: String?

    @Option(name: .customLong("max-line-length"), help: ArgumentHelp("Longest accepted line in bytes; longer lines are rejected without being buffered.", valueName: "bytes"))
    public var maxLineLength: Int = 64 * 1024

    @Option(name: .customLong("max-quarantine-rows"), help: ArgumentHelp("Reject lines each input keeps in quarantine.jsonl, in input order; later rejects are only counted by reason (the manifest's rejects_not_quarantined).", valueName: "rows"))
    public var maxQuarantineRows: Int = 100_000

    @Option(name: .customLong("max-reject-share"), help: ArgumentHelp("An input whose share of rejected rows is larger fails (nothing of it is kept, exit 1): a file that is mostly rejects is in another format or damaged.", valueName: "0..1"))
    public var maxRejectShare: Double = 0.5

    @Option(name: .customLong("batch-rows"), help: ArgumentHelp("Rows per Arrow record batch (binary inputs: up to twice that many).", valueName: "rows"))
    public var batchRows: Int = 65_536

    @Option(name: .customLong("export-port"), help: ArgumentHelp("Captures only: decode UDP datagrams to or from this port as NetFlow/IPFIX exports (repeatable). Without it any datagram whose payload is a valid export header is decoded.", valueName: "port"))
    public var exportPorts: [Int] = []

    @Option(help: "Parsing threads per input.")
    public var threads: Int = 2

    @Flag(help: "Print nothing but errors.")
    public var quiet = false

    public init() {}

    public func validate() throws {
        if suggestMapping != nil { return }
        if inputs.isEmpty { throw ValidationError("Give at least one input file, folder or glob.") }
        if output == nil && !dryRun { throw ValidationError("Give the output folder with --output (or check the inputs with --dry-run).") }
        if let dialect, Dialect(rawValue: dialect) == nil {
            throw ValidationError("Unknown dialect '\(dialect)'; use one of \(Dialect.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        if maxLineLength < 16 { throw ValidationError("--max-line-length must be at least 16 bytes.") }
        if maxQuarantineRows < 0 { throw ValidationError("--max-quarantine-rows must be 0 or more.") }
        if !(0...1).contains(maxRejectShare) { throw ValidationError("--max-reject-share must be between 0 and 1 (1 keeps every file).") }
        if batchRows < 1 || batchRows > 1 << 24 { throw ValidationError("--batch-rows must be between 1 and 16777216.") }
        if let bad = exportPorts.first(where: { $0 < 0 || $0 > 65_535 }) {
            throw ValidationError("--export-port \(bad) is not a UDP port (0-65535).")
        }
        if threads < 1 || threads > 64 { throw ValidationError("--threads must be between 1 and 64.") }
    }

    /// The engine options these arguments describe (throws ValidationError on bad values).
    func makeOptions() throws -> IngestOptions {
        var options = IngestOptions()
        options.dialect = dialect.flatMap(Dialect.init(rawValue:))
        do {
            options.parser.timeZone = try TimeZoneSpec(parsing: timezone)
        } catch {
            throw ValidationError("--timezone \(timezone): \(error)")
        }
        if let dateOrder {
            switch dateOrder {
            case "dmy": options.parser.dateOrder = .dayFirst
            case "mdy": options.parser.dateOrder = .monthFirst
            default: throw ValidationError("--date-order must be mdy or dmy, not '\(dateOrder)'.")
            }
        }
        if let epochUnit {
            guard let unit = EpochUnit(rawValue: epochUnit) else {
                throw ValidationError("--epoch-unit must be s, ms or us, not '\(epochUnit)'.")
            }
            options.parser.epochUnit = unit
        }
        if let mapping {
            do {
                let text = try String(contentsOfFile: mapping, encoding: .utf8)
                options.parser.mapping = try ColumnMapping(yaml: text)
            } catch {
                throw ValidationError("--mapping \(mapping): \(error)")
            }
        }
        options.maxLineLength = maxLineLength
        options.maxQuarantineRows = maxQuarantineRows
        options.maxRejectShare = maxRejectShare
        options.batchRows = batchRows
        options.parseThreads = threads
        options.exportPorts = Set(exportPorts.map { UInt16($0) })
        options.toolVersion = floeVersion
        options.dryRun = dryRun
        return options
    }

    public func run() throws {
        try bindStageToRunner("floe-ingest")
        if let file = suggestMapping {
            print(try Self.mappingSuggestion(for: file), terminator: "")
            return
        }
        // A dry run writes nothing; a folder given with it only keeps the inputs inside it
        // from being read, as in a real run.
        let folder = output ?? ""
        var engine = IngestEngine(options: try makeOptions(), outputDirectory: folder)
        engine.progress = StageProgress.fromEnvironment()
        let manifest: IngestManifest
        do {
            manifest = try engine.run(inputs: inputs)
        } catch {
            printError(dryRun ? "floe-ingest: dry run failed: \(error)" : "floe-ingest: cannot write the output in \(folder): \(error)")
            throw ExitCode.failure
        }
        for input in manifest.inputs where input.status == .failed {
            printError("floe-ingest: \(input.error ?? "\(input.path): failed")")
        }
        if dryRun {
            if !quiet {
                FileHandle.standardOutput.write(try manifest.encoded())
                printError(IngestSummaryText(manifest: manifest, outputDirectory: nil).text)
            }
        } else if !quiet {
            print(IngestSummaryText(manifest: manifest, outputDirectory: folder).text)
        }
        if manifest.totals.filesFailed > 0 || !manifest.totals.counts.isBalanced {
            throw ExitCode.failure
        }
    }
}

extension IngestCommand {
    /// `--suggest-mapping`: the suggestion for the first line of `path` (plain or gzip).
    static func mappingSuggestion(for path: String) throws -> String {
        let source: ByteSource
        do {
            let file = try FileByteSource(path: path)
            source = try file.peek(count: 2) == [0x1F, 0x8B] ? try GzipByteSource(raw: file, path: path) : file
        } catch {
            throw ValidationError("--suggest-mapping \(path): \(error)")
        }
        var head = [UInt8](repeating: 0, count: 64 * 1024)
        let n = try head.withUnsafeMutableBytes { try source.read(into: $0) }
        guard let line = MappingSuggestion.firstLine(Array(head[..<n])) else {
            throw ValidationError("--suggest-mapping \(path): no complete UTF-8 header line in its first 64 KiB")
        }
        return MappingSuggestion.yaml(headerLine: line, file: path)
    }
}

/// Writes one line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
