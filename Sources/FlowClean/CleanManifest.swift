import FlowArtifacts
import FlowDataset
import FlowIO
import Foundation

/// Row accounting of one input, or of the whole run:
/// `rows_in = rows_out + rows_rejected + duplicates`.
public struct CleanCounts: Codable, Equatable, Sendable {
    public var rowsIn: Int64 = 0
    public var rowsOut: Int64 = 0
    public var rowsRejected: Int64 = 0
    /// Rejected rows by rule name; every rule is listed, 0 included.
    public var rejectsByRule: [String: Int64] = Dictionary(uniqueKeysWithValues: CleanRule.allCases.map { ($0.rawValue, 0) })
    /// Rows dropped as duplicates of a kept row.
    public var duplicates: Int64 = 0
    /// Rejected rows counted but not written to the quarantine (the input had filled its
    /// `max_quarantine_rows`). In the manifest only when not 0.
    public var rejectsNotQuarantined: Int64 = 0

    public init() {}

    /// Whether in = out + rejected + duplicates and the per-rule counts add up.
    public var isBalanced: Bool {
        rowsIn == rowsOut + rowsRejected + duplicates && rejectsByRule.values.reduce(0, +) == rowsRejected
    }

    public func rejects(_ rule: CleanRule) -> Int64 { rejectsByRule[rule.rawValue] ?? 0 }

    mutating func add(_ o: CleanCounts) {
        rowsIn += o.rowsIn
        rowsOut += o.rowsOut
        rowsRejected += o.rowsRejected
        duplicates += o.duplicates
        rejectsNotQuarantined += o.rejectsNotQuarantined
        for (k, v) in o.rejectsByRule { rejectsByRule[k, default: 0] += v }
    }

    enum CodingKeys: String, CodingKey {
        case rowsIn = "rows_in", rowsOut = "rows_out", rowsRejected = "rows_rejected"
        case rejectsByRule = "rejects_by_rule", duplicates, rejectsNotQuarantined = "rejects_not_quarantined"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        rowsIn = try c.decode(Int64.self, forKey: .rowsIn)
        rowsOut = try c.decode(Int64.self, forKey: .rowsOut)
        rowsRejected = try c.decode(Int64.self, forKey: .rowsRejected)
        rejectsByRule = try c.decode([String: Int64].self, forKey: .rejectsByRule)
        duplicates = try c.decode(Int64.self, forKey: .duplicates)
        rejectsNotQuarantined = try c.decodeIfPresent(Int64.self, forKey: .rejectsNotQuarantined) ?? 0
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rowsIn, forKey: .rowsIn)
        try c.encode(rowsOut, forKey: .rowsOut)
        try c.encode(rowsRejected, forKey: .rowsRejected)
        try c.encode(rejectsByRule, forKey: .rejectsByRule)
        try c.encode(duplicates, forKey: .duplicates)
        if rejectsNotQuarantined > 0 { try c.encode(rejectsNotQuarantined, forKey: .rejectsNotQuarantined) }
    }
}

/// The manifest entry of one input file.
public struct CleanInputReport: Codable, Equatable, Sendable {
    public var path: String
    /// `ok`, or `failed` when the file could not be read (nothing from it was used).
    public var status: String
    public var error: String?
    public var counts = CleanCounts()

    enum CodingKeys: String, CodingKey { case path, status, error }

    init(path: String) {
        self.path = path
        status = "ok"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encode(status, forKey: .status)
        try c.encode(error, forKey: .error)
        try counts.encode(to: encoder)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        path = try c.decode(String.self, forKey: .path)
        status = try c.decode(String.self, forKey: .status)
        error = try c.decodeIfPresent(String.self, forKey: .error)
        counts = try CleanCounts(from: decoder)
    }
}

/// One partition written by the run.
public struct PartitionReport: Codable, Equatable, Sendable {
    /// `YYYY-MM-DD` (UTC).
    public var date: String
    /// Path relative to the dataset folder, e.g. `date=2026-11-01/part-00000.arrow`.
    public var path: String
    public var rows: Int64
}

/// Totals of the run.
public struct CleanTotals: Codable, Equatable, Sendable {
    public var files = 0
    public var filesFailed = 0
    public var counts = CleanCounts()

    enum CodingKeys: String, CodingKey { case files, filesFailed = "files_failed" }

    init() {}

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(files, forKey: .files)
        try c.encode(filesFailed, forKey: .filesFailed)
        try counts.encode(to: encoder)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        files = try c.decode(Int.self, forKey: .files)
        filesFailed = try c.decode(Int.self, forKey: .filesFailed)
        counts = try CleanCounts(from: decoder)
    }
}

/// `DATASET_DIR/manifest.json`: what the last clean read, kept, rejected and dropped, the
/// partitions it wrote and the configuration it used. It holds no wall-clock time except
/// the `reference_time` (pin it in the config for fully reproducible manifests). It begins
/// with the `ManifestHeader` keys every stage manifest has.
public struct CleanManifest: Codable, Equatable, Sendable {
    /// `floe-clean`, its version, the dataset layout's version and the quarantine file.
    public var header: ManifestHeader
    public var config: CleanConfig
    /// The instant `future_skew` compared against (ISO 8601).
    public var referenceTime: String
    public var inputs: [CleanInputReport] = []
    public var totals = CleanTotals()
    public var partitions: [PartitionReport] = []
    /// Times rows were spilled to disk to stay within the memory budget.
    public var spills = 0

    public static let fileName = ManifestHeader.fileName
    public static let quarantineFileName = ManifestHeader.quarantineFileName

    init(version: String, config: CleanConfig, referenceTime: String) {
        header = ManifestHeader(tool: "floe-clean", version: version, schemaVersion: DatasetSchema.version)
        self.config = config
        self.referenceTime = referenceTime
    }

    enum CodingKeys: String, CodingKey {
        case config, referenceTime = "reference_time"
        case inputs, totals, partitions, spills
    }

    public func encode(to encoder: Encoder) throws {
        try header.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(config, forKey: .config)
        try c.encode(referenceTime, forKey: .referenceTime)
        try c.encode(inputs, forKey: .inputs)
        try c.encode(totals, forKey: .totals)
        try c.encode(partitions, forKey: .partitions)
        try c.encode(spills, forKey: .spills)
    }

    public init(from decoder: Decoder) throws {
        header = try ManifestHeader(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        config = try c.decode(CleanConfig.self, forKey: .config)
        referenceTime = try c.decode(String.self, forKey: .referenceTime)
        inputs = try c.decode([CleanInputReport].self, forKey: .inputs)
        totals = try c.decode(CleanTotals.self, forKey: .totals)
        partitions = try c.decode([PartitionReport].self, forKey: .partitions)
        spills = try c.decode(Int.self, forKey: .spills)
    }

    /// Inputs that could not be read.
    public var failedInputs: [CleanInputReport] { inputs.filter { $0.status != "ok" } }

    mutating func recomputeTotals() {
        var t = CleanTotals()
        for i in inputs {
            t.files += 1
            if i.status != "ok" { t.filesFailed += 1 }
            t.counts.add(i.counts)
        }
        totals = t
    }

    /// Pretty JSON with sorted keys.
    public func encoded() throws -> Data {
        Data(try StableJSON.encode(self))
    }

    public static func decode(_ data: Data) throws -> CleanManifest {
        try JSONDecoder().decode(CleanManifest.self, from: data)
    }
}
