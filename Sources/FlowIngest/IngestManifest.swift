import FlowArtifacts
import FlowCore
import FlowIO
import Foundation

/// Row counters of one input file, or of a whole run. The identity
/// `rowsRead == rowsWritten + rowsRejected` holds exactly for both.
public struct RowCounts: Codable, Equatable, Sendable {
    public var rowsRead: Int64 = 0
    public var rowsWritten: Int64 = 0
    public var rowsRejected: Int64 = 0
    /// Data lines that are records but not flows (Argus `man` management records): neither
    /// read as rows nor rejected, so outside the identity above. Written to the manifest as
    /// `rows_skipped` only when non-zero; absent in older manifests (read as 0).
    public var rowsSkipped: Int64 = 0
    /// Rejected rows by `RejectReason` raw value (plus `input_failed` for rows rolled back
    /// because their file turned out to be corrupt).
    public var rejectsByReason: [String: Int64] = [:]
    /// Rejected rows counted (in `rejectsByReason`) but not written to the quarantine,
    /// because the input had already filled its share (`IngestOptions.maxQuarantineRows`).
    /// In the manifest only when not 0.
    public var rejectsNotQuarantined: Int64 = 0

    public init() {}

    public mutating func addRejects(_ reason: String, _ n: Int64) {
        guard n > 0 else { return }
        rowsRejected += n
        rejectsByReason[reason, default: 0] += n
    }

    public mutating func add(_ other: RowCounts) {
        rowsRead += other.rowsRead
        rowsWritten += other.rowsWritten
        rowsRejected += other.rowsRejected
        rejectsNotQuarantined += other.rejectsNotQuarantined
        rowsSkipped += other.rowsSkipped
        for (k, v) in other.rejectsByReason { rejectsByReason[k, default: 0] += v }
    }

    /// True when read = written + rejected and the per-reason counts add up.
    public var isBalanced: Bool {
        rowsRead == rowsWritten + rowsRejected && rejectsByReason.values.reduce(0, +) == rowsRejected
    }

    enum CodingKeys: String, CodingKey {
        case rowsRead = "rows_read", rowsWritten = "rows_written", rowsRejected = "rows_rejected"
        case rowsSkipped = "rows_skipped"
        case rejectsByReason = "rejects_by_reason", rejectsNotQuarantined = "rejects_not_quarantined"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        rowsRead = try c.decode(Int64.self, forKey: .rowsRead)
        rowsWritten = try c.decode(Int64.self, forKey: .rowsWritten)
        rowsRejected = try c.decode(Int64.self, forKey: .rowsRejected)
        rowsSkipped = try c.decodeIfPresent(Int64.self, forKey: .rowsSkipped) ?? 0
        rejectsByReason = try c.decode([String: Int64].self, forKey: .rejectsByReason)
        rejectsNotQuarantined = try c.decodeIfPresent(Int64.self, forKey: .rejectsNotQuarantined) ?? 0
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rowsRead, forKey: .rowsRead)
        try c.encode(rowsWritten, forKey: .rowsWritten)
        try c.encode(rowsRejected, forKey: .rowsRejected)
        if rowsSkipped != 0 { try c.encode(rowsSkipped, forKey: .rowsSkipped) }
        try c.encode(rejectsByReason, forKey: .rejectsByReason)
        if rejectsNotQuarantined > 0 { try c.encode(rejectsNotQuarantined, forKey: .rejectsNotQuarantined) }
    }
}

/// What happened to one input file.
public enum InputStatus: String, Codable, Sendable {
    /// Every row was written.
    case ok
    /// The file was read to its end, some rows were rejected to the quarantine.
    case partial
    /// The file could not be read (unknown format, corrupt or truncated compression):
    /// nothing from it was written; `error` says where and why.
    case failed
}

/// The manifest entry of one input file.
public struct InputReport: Codable, Equatable, Sendable {
    public var path: String
    /// Detected (or forced) dialect, nil when the format could not be recognised; for binary
    /// inputs (detected by magic bytes) `pcap`, `pcapng`, `nfcapd` or `ipfix`.
    public var format: String?
    /// `gzip` or `none`, decided by magic bytes.
    public var compression: String
    public var status: InputStatus
    public var error: String?
    /// Size of the file on disk.
    public var bytes: Int64
    /// Content hash of the file as stored (`xxh64:…`).
    public var fingerprint: String?
    public var counts: RowCounts
    /// Arrow files written for this input, relative to the output folder. A file shared by
    /// several tiny inputs (a bundle, see `outputRowOffset`) is listed by each of them.
    public var outputs: [String]
    /// Only for an input whose rows went into a bundle shared with other tiny inputs: its
    /// `rows_written` rows are rows `output_row_offset ..< output_row_offset + rows_written`
    /// of that file (inputs in input order). Absent when the input has its own file.
    public var outputRowOffset: Int64?
    /// Binary inputs only (keys absent for text): the export protocols seen in the file,
    /// sorted (`netflow-v5`, `netflow-v9`, `ipfix`).
    public var exportVersions: [String]?
    /// Binary inputs only: sequence accounting per exporter stream (see `ExportLoss`); every
    /// stream is listed, with or without loss.
    public var exportLoss: [ExportLoss]?
    /// nfcapd inputs only: header and appendix facts.
    public var nfcapd: NfcapdReport?
    /// Binary inputs only: decoder counters.
    public var decode: BinaryDecodeCounts?

    public init(path: String, compression: String, bytes: Int64) {
        self.path = path
        self.format = nil
        self.compression = compression
        self.status = .ok
        self.error = nil
        self.bytes = bytes
        self.fingerprint = nil
        self.counts = RowCounts()
        self.outputs = []
    }

    enum CodingKeys: String, CodingKey {
        case path, format, compression, status, error, bytes, fingerprint, outputs
        case outputRowOffset = "output_row_offset"
        case exportVersions = "export_versions", exportLoss = "export_loss", nfcapd, decode
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encode(format, forKey: .format)
        try c.encode(compression, forKey: .compression)
        try c.encode(status, forKey: .status)
        try c.encode(error, forKey: .error)
        try c.encode(bytes, forKey: .bytes)
        try c.encode(fingerprint, forKey: .fingerprint)
        try c.encode(outputs, forKey: .outputs)
        try c.encodeIfPresent(outputRowOffset, forKey: .outputRowOffset)
        try c.encodeIfPresent(exportVersions, forKey: .exportVersions)
        try c.encodeIfPresent(exportLoss, forKey: .exportLoss)
        try c.encodeIfPresent(nfcapd, forKey: .nfcapd)
        try c.encodeIfPresent(decode, forKey: .decode)
        try counts.encode(to: encoder)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        path = try c.decode(String.self, forKey: .path)
        format = try c.decodeIfPresent(String.self, forKey: .format)
        compression = try c.decode(String.self, forKey: .compression)
        status = try c.decode(InputStatus.self, forKey: .status)
        error = try c.decodeIfPresent(String.self, forKey: .error)
        bytes = try c.decode(Int64.self, forKey: .bytes)
        fingerprint = try c.decodeIfPresent(String.self, forKey: .fingerprint)
        outputs = try c.decode([String].self, forKey: .outputs)
        outputRowOffset = try c.decodeIfPresent(Int64.self, forKey: .outputRowOffset)
        exportVersions = try c.decodeIfPresent([String].self, forKey: .exportVersions)
        exportLoss = try c.decodeIfPresent([ExportLoss].self, forKey: .exportLoss)
        nfcapd = try c.decodeIfPresent(NfcapdReport.self, forKey: .nfcapd)
        decode = try c.decodeIfPresent(BinaryDecodeCounts.self, forKey: .decode)
        counts = try RowCounts(from: decoder)
    }
}

/// Totals over all inputs of a run.
public struct IngestTotals: Codable, Equatable, Sendable {
    public var files: Int = 0
    public var filesFailed: Int = 0
    public var bytes: Int64 = 0
    public var counts = RowCounts()
    /// Export streams of all binary inputs, summed per (exporter, domain, version, unit);
    /// absent when no input was binary.
    public var exportLoss: [ExportLoss]?

    public init() {}

    enum CodingKeys: String, CodingKey {
        case files, filesFailed = "files_failed", bytes, exportLoss = "export_loss"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(files, forKey: .files)
        try c.encode(filesFailed, forKey: .filesFailed)
        try c.encode(bytes, forKey: .bytes)
        try c.encodeIfPresent(exportLoss, forKey: .exportLoss)
        try counts.encode(to: encoder)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        files = try c.decode(Int.self, forKey: .files)
        filesFailed = try c.decode(Int.self, forKey: .filesFailed)
        bytes = try c.decode(Int64.self, forKey: .bytes)
        exportLoss = try c.decodeIfPresent([ExportLoss].self, forKey: .exportLoss)
        counts = try RowCounts(from: decoder)
    }
}

/// `manifest.json` of an ingest run: what was read, what was written, what was rejected.
/// It begins with the `ManifestHeader` keys every stage manifest has.
public struct IngestManifest: Codable, Equatable, Sendable {
    /// `floe-ingest`, its version, the flow schema's version and the quarantine file.
    public var header: ManifestHeader
    /// The parameters that shape the output (dialect override, timezone, limits).
    public var parameters: [String: String]
    public var inputs: [InputReport] = []
    public var totals = IngestTotals()
    public var durationSeconds: Double = 0

    public static let fileName = ManifestHeader.fileName
    public static let quarantineFileName = ManifestHeader.quarantineFileName

    public init(version: String, parameters: [String: String]) {
        self.header = ManifestHeader(tool: "floe-ingest", version: version, schemaVersion: FlowSchema.version)
        self.parameters = parameters
    }

    enum CodingKeys: String, CodingKey {
        case parameters, inputs, totals
        case durationSeconds = "duration_seconds"
    }

    public func encode(to encoder: Encoder) throws {
        try header.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(parameters, forKey: .parameters)
        try c.encode(inputs, forKey: .inputs)
        try c.encode(totals, forKey: .totals)
        try c.encode(durationSeconds, forKey: .durationSeconds)
    }

    public init(from decoder: Decoder) throws {
        header = try ManifestHeader(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        parameters = try c.decode([String: String].self, forKey: .parameters)
        inputs = try c.decode([InputReport].self, forKey: .inputs)
        totals = try c.decode(IngestTotals.self, forKey: .totals)
        durationSeconds = try c.decode(Double.self, forKey: .durationSeconds)
    }

    /// Recomputes `totals` from `inputs`.
    public mutating func recomputeTotals() {
        var t = IngestTotals()
        for i in inputs {
            t.files += 1
            if i.status == .failed { t.filesFailed += 1 }
            t.bytes += i.bytes
            t.counts.add(i.counts)
        }
        if inputs.contains(where: { $0.exportLoss != nil }) { t.exportLoss = ExportLoss.totals(of: inputs) }
        totals = t
    }

    /// Pretty JSON with sorted keys (stable for diffs and tests).
    public func encoded() throws -> Data {
        Data(try StableJSON.encode(self))
    }

    public static func decode(_ data: Data) throws -> IngestManifest {
        try JSONDecoder().decode(IngestManifest.self, from: data)
    }
}
