import FlowArtifacts
import FlowDetection
import Foundation

/// What `anomalies.csv` says about a row beyond `AnomalyRecord`: the columns
/// `severity, p_value, incident` that newer floe-score writes at the end (nil when an
/// older file has no such column or the cell is empty).
public struct AnomalyDetail: Sendable, Equatable {
    /// 0–100, the scale of the incidents' severity.
    public var severity: Double?
    public var pValue: Double?
    /// The id of the incident (in `incidents.csv`) this row belongs to.
    public var incident: String?

    public init(severity: Double? = nil, pValue: Double? = nil, incident: String? = nil) {
        self.severity = severity
        self.pValue = pValue
        self.incident = incident
    }
}

/// Reads the ranked anomalies table `anomalies.csv` (`AnomaliesFile`, read by `CSVRecords`) with the
/// columns `rank, kind, entity, start, end, score, evidence` and, in newer files,
/// `severity, p_value, incident`, in any order; times in ISO 8601 UTC or epoch milliseconds.
public enum AnomalyTableReader {
    public static let fileName = AnomaliesFile.csvName

    public static func load(path: String) throws -> [AnomalyRecord] {
        try loadTable(path: path).map(\.record)
    }

    /// The rows with their details, in rank order.
    public static func loadTable(path: String) throws -> [(record: AnomalyRecord, detail: AnomalyDetail)] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ReportError.unreadable(path: path, reason: "cannot read the anomalies table (\(error.localizedDescription))")
        }
        return try parseTable([UInt8](data), path: path)
    }

    /// Parses CSV bytes; `path` names the file in errors.
    public static func parse(_ bytes: [UInt8], path: String) throws -> [AnomalyRecord] {
        try parseTable(bytes, path: path).map(\.record)
    }

    public static func parseTable(_ bytes: [UInt8], path: String) throws -> [(record: AnomalyRecord, detail: AnomalyDetail)] {
        try CSVRecords.reading(path: path) {
            try CSVRecords.records(bytes, path: path, required: AnomaliesFile.required, expected: AnomaliesFile.expected)
        }.map { r in
            let incident = r.field("incident")?.trimmedOfSpace()
            return (AnomalyRecord(rank: r.rank, kind: r.field("kind") ?? "", entity: r.field("entity") ?? "",
                                  start: try r.instant("start"), end: try r.instant("end"), score: try r.reportNumber("score"),
                                  evidence: r.field("evidence") ?? ""),
                    AnomalyDetail(severity: r.number("severity"), pValue: r.number("p_value"),
                                  incident: incident?.isEmpty == false ? incident : nil))
        }
        .sorted { ($0.0.rank, $0.0.start, $0.0.entity) < ($1.0.rank, $1.0.start, $1.0.entity) }
    }
}

extension CSVRecords {
    /// Runs a read of an exchanged table, its failures as `ReportError`.
    static func reading<T>(path: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as ArtifactError { throw ReportError(error) }
    }
}

extension CSVRecords.NamedRecord {
    /// A required number, its failure as `ReportError`.
    func reportNumber(_ name: String) throws -> Double {
        try CSVRecords.reading(path: path) { try requiredNumber(name) }
    }

    /// An instant: ISO 8601 UTC text or epoch milliseconds (`InstantText.parse`).
    func instant(_ name: String) throws -> Int64 {
        guard let text = field(name), let v = InstantText.parse(text) else {
            throw ReportError.unreadable(path: path, reason: "line \(line): '\(name)' is not an ISO 8601 UTC time or epoch milliseconds")
        }
        return v
    }
}
