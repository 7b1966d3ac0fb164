import FlowArtifacts
import Foundation

/// What the report needs from an ingest `manifest.json` (documented keys of
/// `IngestManifest`), read without depending on FlowIngest: the shared `ManifestHeader`
/// and the counts. Unknown keys are ignored; `export_loss`, when a newer ingest writes it,
/// is kept as given.
public struct IngestSummary: Decodable, Sendable, Equatable {
    public struct File: Decodable, Sendable, Equatable {
        public var path: String
        public var format: String?
        public var compression: String?
        public var status: String
        public var error: String?
        public var bytes: Int64
        public var fingerprint: String?
        public var rowsRead: Int64
        public var rowsWritten: Int64
        public var rowsRejected: Int64
        public var rejectsByReason: [String: Int64]

        enum CodingKeys: String, CodingKey {
            case path, format, compression, status, error, bytes, fingerprint
            case rowsRead = "rows_read", rowsWritten = "rows_written", rowsRejected = "rows_rejected"
            case rejectsByReason = "rejects_by_reason"
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            path = try c.decode(String.self, forKey: .path)
            format = try c.decodeIfPresent(String.self, forKey: .format)
            compression = try c.decodeIfPresent(String.self, forKey: .compression)
            status = try c.decodeIfPresent(String.self, forKey: .status) ?? "ok"
            error = try c.decodeIfPresent(String.self, forKey: .error)
            bytes = try c.decodeIfPresent(Int64.self, forKey: .bytes) ?? 0
            fingerprint = try c.decodeIfPresent(String.self, forKey: .fingerprint)
            rowsRead = try c.decodeIfPresent(Int64.self, forKey: .rowsRead) ?? 0
            rowsWritten = try c.decodeIfPresent(Int64.self, forKey: .rowsWritten) ?? 0
            rowsRejected = try c.decodeIfPresent(Int64.self, forKey: .rowsRejected) ?? 0
            rejectsByReason = try c.decodeIfPresent([String: Int64].self, forKey: .rejectsByReason) ?? [:]
        }
    }

    public struct Totals: Decodable, Sendable, Equatable {
        public var files: Int
        public var filesFailed: Int
        public var bytes: Int64
        public var rowsRead: Int64
        public var rowsWritten: Int64
        public var rowsRejected: Int64
        public var rejectsByReason: [String: Int64]

        enum CodingKeys: String, CodingKey {
            case files, filesFailed = "files_failed", bytes
            case rowsRead = "rows_read", rowsWritten = "rows_written", rowsRejected = "rows_rejected"
            case rejectsByReason = "rejects_by_reason"
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            files = try c.decodeIfPresent(Int.self, forKey: .files) ?? 0
            filesFailed = try c.decodeIfPresent(Int.self, forKey: .filesFailed) ?? 0
            bytes = try c.decodeIfPresent(Int64.self, forKey: .bytes) ?? 0
            rowsRead = try c.decodeIfPresent(Int64.self, forKey: .rowsRead) ?? 0
            rowsWritten = try c.decodeIfPresent(Int64.self, forKey: .rowsWritten) ?? 0
            rowsRejected = try c.decodeIfPresent(Int64.self, forKey: .rowsRejected) ?? 0
            rejectsByReason = try c.decodeIfPresent([String: Int64].self, forKey: .rejectsByReason) ?? [:]
        }
    }

    /// Tool, version, schema version and quarantine file, as every stage manifest begins.
    public var header: ManifestHeader
    /// The floe-ingest version that wrote the manifest.
    public var version: String { header.version }
    public var parameters: [String: String]
    public var inputs: [File]
    public var totals: Totals
    /// Lost export datagrams (NetFlow/IPFIX sequence gaps), when the ingest records them.
    public var exportLoss: JSONValue?

    enum CodingKeys: String, CodingKey {
        case parameters, inputs, totals, exportLoss = "export_loss"
    }

    public init(from decoder: Decoder) throws {
        header = try ManifestHeader(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        parameters = (try? c.decodeIfPresent([String: String].self, forKey: .parameters)) ?? [:]
        inputs = try c.decodeIfPresent([File].self, forKey: .inputs) ?? []
        totals = try c.decode(Totals.self, forKey: .totals)
        exportLoss = try c.decodeIfPresent(JSONValue.self, forKey: .exportLoss)
    }

    /// Reads `path` (an ingest manifest.json).
    public static func load(path: String) throws -> IngestSummary {
        try decodeFile(IngestSummary.self, path: path, what: "an ingest manifest (floe-ingest's manifest.json)")
    }
}

/// What the report needs from a dataset's `manifest.json` (written by floe-clean): the
/// shared `ManifestHeader` and the counts.
public struct CleanSummary: Decodable, Sendable, Equatable {
    public struct Counts: Decodable, Sendable, Equatable {
        public var rowsIn: Int64
        public var rowsOut: Int64
        public var rowsRejected: Int64
        public var duplicates: Int64
        public var rejectsByRule: [String: Int64]

        enum CodingKeys: String, CodingKey {
            case rowsIn = "rows_in", rowsOut = "rows_out", rowsRejected = "rows_rejected", duplicates
            case rejectsByRule = "rejects_by_rule"
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            rowsIn = try c.decodeIfPresent(Int64.self, forKey: .rowsIn) ?? 0
            rowsOut = try c.decodeIfPresent(Int64.self, forKey: .rowsOut) ?? 0
            rowsRejected = try c.decodeIfPresent(Int64.self, forKey: .rowsRejected) ?? 0
            duplicates = try c.decodeIfPresent(Int64.self, forKey: .duplicates) ?? 0
            rejectsByRule = try c.decodeIfPresent([String: Int64].self, forKey: .rejectsByRule) ?? [:]
        }
    }

    public struct Input: Decodable, Sendable, Equatable {
        public var path: String
        public var status: String
        public var error: String?
    }

    public struct Partition: Decodable, Sendable, Equatable {
        public var date: String
        public var path: String
        public var rows: Int64
    }

    /// Tool, version, schema version and quarantine file, as every stage manifest begins.
    public var header: ManifestHeader
    /// The floe-clean version that wrote the manifest.
    public var version: String { header.version }
    public var referenceTime: String?
    public var config: JSONValue?
    public var inputs: [Input]
    public var totals: Counts
    public var files: Int
    public var filesFailed: Int
    public var partitions: [Partition]

    enum CodingKeys: String, CodingKey {
        case referenceTime = "reference_time", config, inputs, totals, partitions
    }
    enum TotalsKeys: String, CodingKey { case files, filesFailed = "files_failed" }

    public init(from decoder: Decoder) throws {
        header = try ManifestHeader(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        referenceTime = try c.decodeIfPresent(String.self, forKey: .referenceTime)
        config = try c.decodeIfPresent(JSONValue.self, forKey: .config)
        inputs = try c.decodeIfPresent([Input].self, forKey: .inputs) ?? []
        totals = try c.decode(Counts.self, forKey: .totals)
        let t = try c.nestedContainer(keyedBy: TotalsKeys.self, forKey: .totals)
        files = try t.decodeIfPresent(Int.self, forKey: .files) ?? 0
        filesFailed = try t.decodeIfPresent(Int.self, forKey: .filesFailed) ?? 0
        partitions = try c.decodeIfPresent([Partition].self, forKey: .partitions) ?? []
    }

    /// Reads `path` (a dataset manifest.json).
    public static func load(path: String) throws -> CleanSummary {
        try decodeFile(CleanSummary.self, path: path, what: "a dataset manifest (floe-clean's manifest.json)")
    }
}

/// Decodes the JSON file at `path`, turning every failure into `ReportError.unreadable`.
func decodeFile<T: Decodable>(_ type: T.Type, path: String, what: String) throws -> T {
    let data: Data
    do {
        data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
        throw ReportError.unreadable(path: path, reason: "cannot read the file (\(error.localizedDescription))")
    }
    do {
        return try JSONDecoder().decode(T.self, from: data)
    } catch let DecodingError.keyNotFound(key, ctx) {
        throw ReportError.unreadable(path: path, reason: "not \(what): key '\(key.stringValue)' missing at \(ctx.codingPath.map(\.stringValue).joined(separator: "."))")
    } catch let DecodingError.typeMismatch(_, ctx), let DecodingError.valueNotFound(_, ctx) {
        throw ReportError.unreadable(path: path, reason: "not \(what): wrong type at '\(ctx.codingPath.map(\.stringValue).joined(separator: "."))'")
    } catch let DecodingError.dataCorrupted(ctx) where !ctx.codingPath.isEmpty {
        // A value the type refuses (a newer version, another format): its own words.
        throw ReportError.unreadable(path: path, reason: "not \(what): \(ctx.debugDescription)")
    } catch {
        throw ReportError.unreadable(path: path, reason: "not valid JSON for \(what): \(error)")
    }
}
