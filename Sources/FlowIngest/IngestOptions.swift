import FlowCore
import FlowFormats

/// Settings of an ingest run. Everything that shapes the output is recorded in the
/// manifest's `parameters`.
public struct IngestOptions: Sendable {
    /// Force a dialect instead of detecting it from each file's header (text inputs only:
    /// binary inputs are always recognised by their magic bytes).
    public var dialect: Dialect?
    /// Parser settings: time zone of local times, date order, epoch unit, column mapping.
    public var parser = ParserOptions()
    /// Longest accepted line in bytes; longer lines are rejected without being buffered.
    public var maxLineLength = 64 * 1024
    /// Rows per Arrow record batch (bounds memory per batch).
    public var batchRows = 65_536
    /// Size of the chunks read (decompressed) from each input.
    public var chunkBytes = 4 * 1024 * 1024
    /// Parsing threads per input (1 = parse on the calling thread).
    public var parseThreads = 2
    /// Binary inputs (captures) only: UDP ports whose datagrams are decoded as NetFlow/IPFIX
    /// exports (source or destination port); empty = any datagram whose payload is a valid
    /// export header. Text dialects and nfcapd files ignore it.
    public var exportPorts: Set<UInt16> = []
    /// Read and decode every input and account for every row, but write nothing: no Arrow
    /// file, quarantine or manifest (the returned manifest says what a run would write, with
    /// `rows_written` the rows it would keep). For checking archives before a long run.
    public var dryRun = false
    /// Reject lines one input keeps in the quarantine, in input order; later rejects are
    /// counted by reason only (`rejects_not_quarantined` in the manifest).
    public var maxQuarantineRows = 100_000
    /// An input whose rejected share of rows is larger fails (nothing of it is kept, exit
    /// 1): a file that is mostly rejects is in another format or damaged.
    public var maxRejectShare = 0.5
    /// Software version recorded in the manifest.
    public var toolVersion = "0"

    public init() {}

    /// The manifest's record of these options.
    var manifestParameters: [String: String] {
        [
            "dialect": dialect?.rawValue ?? "auto",
            "timezone": parser.timeZone.description,
            "date_order": parser.dateOrder.map { "\($0)" } ?? "reject-ambiguous",
            "epoch_unit": parser.epochUnit.map { "\($0)" } ?? "auto",
            "mapping": parser.mapping == nil ? "none" : "given",
            "max_line_length": String(maxLineLength),
            "max_quarantine_rows": String(maxQuarantineRows),
            "max_reject_share": String(maxRejectShare),
            "batch_rows": String(batchRows),
            "export_ports": exportPorts.isEmpty ? "any" : exportPorts.sorted().map(String.init).joined(separator: ","),
        ]
    }
}
