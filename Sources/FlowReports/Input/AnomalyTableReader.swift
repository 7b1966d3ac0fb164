import FlowModels
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

/// Reads the ranked anomalies table `anomalies.csv` (RFC 4180, see `CSVRecords`) with the
/// columns `rank, kind, entity, start, end, score, evidence` and, in newer files,
/// `severity, p_value, incident`, in any order; times in ISO 8601 UTC or epoch milliseconds.
public enum AnomalyTableReader {
    public static let fileName = "anomalies.csv"
    static let required = ["kind", "entity", "start", "end", "score"]

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
        let rows = try CSVRecords.parse(bytes, path: path)
        guard let header = rows.first else { return [] }
        let column = CSVRecords.columns(header)
        for name in required where column[name] == nil {
            throw ReportError.unreadable(path: path, reason: "the header has no '\(name)' column (expected rank, kind, entity, start, end, score, evidence)")
        }
        var out: [(record: AnomalyRecord, detail: AnomalyDetail)] = []
        for (n, row) in rows.dropFirst().enumerated() {
            if row.count == 1 && row[0].fields.isEmpty { continue }
            let line = row.first?.line ?? 0
            func field(_ name: String) -> String? {
                guard let i = column[name], i < row.count else { return nil }
                return row[i].fields
            }
            func instant(_ name: String) throws -> Int64 {
                guard let text = field(name), let v = UTCText.parseInstant(text) else {
                    throw ReportError.unreadable(path: path, reason: "line \(line): '\(name)' is not an ISO 8601 UTC time or epoch milliseconds")
                }
                return v
            }
            guard let scoreText = field("score"), let score = Double(scoreText.trimmedOfSpace()) else {
                throw ReportError.unreadable(path: path, reason: "line \(line): 'score' is not a number")
            }
            func number(_ name: String) -> Double? {
                field(name).flatMap { Double($0.trimmedOfSpace()) }.flatMap { $0.isFinite ? $0 : nil }
            }
            let rank = field("rank").flatMap { Int($0.trimmedOfSpace()) } ?? (n + 1)
            let incident = field("incident")?.trimmedOfSpace()
            out.append((AnomalyRecord(rank: rank, kind: field("kind") ?? "", entity: field("entity") ?? "",
                                      start: try instant("start"), end: try instant("end"), score: score,
                                      evidence: field("evidence") ?? ""),
                        AnomalyDetail(severity: number("severity"), pValue: number("p_value"),
                                      incident: incident?.isEmpty == false ? incident : nil)))
        }
        return out.sorted { ($0.record.rank, $0.record.start, $0.record.entity) < ($1.record.rank, $1.record.start, $1.record.entity) }
    }
}
