import FlowCore
import FlowIO
import Foundation

/// `anomalies.csv` and `anomalies.arrow`, the ranked table of every detector's rows that
/// floe-score writes and floe-report (and any cron job) reads. Columns, in this order:
/// `rank, kind, entity, start, end, score, evidence, severity, p_value, incident` (times
/// ISO 8601 UTC in the CSV, timestamp[ms, UTC] in Arrow). The first seven are the original
/// contract; `severity, p_value, incident` were added at the end, and the reader takes files
/// without them. CSV through `CSVText` / `CSVRecords`, Arrow through `ScoreTable`; one row
/// is an `AnomalyRow` both ways.
public enum AnomaliesFile {
    public static let csvName = "anomalies.csv"
    public static let arrowName = "anomalies.arrow"
    /// The `floe:table` metadata value of the Arrow file.
    public static let tableName = "anomalies"
    public static let columns = ["rank", "kind", "entity", "start", "end", "score", "evidence", "severity", "p_value", "incident"]
    public static let header = columns.joined(separator: ",")
    /// The columns a reader needs (any order); `rank` defaults to the row's place.
    public static let required = ["kind", "entity", "start", "end", "score"]
    /// The columns named in a reader's message about a missing one.
    public static let expected = "rank, kind, entity, start, end, score, evidence"

    // MARK: Writing

    /// CSV text with the header line; fields quoted when they hold a comma, quote or line break.
    public static func csv(_ rows: [AnomalyRow]) -> String {
        var out = header + "\n"
        for r in rows {
            out += CSVText.record([String(r.rank), r.kind, r.entity, CivilTime.isoString(millis: r.start),
                                   CivilTime.isoString(millis: r.end), scoreText(r.score), r.evidence,
                                   r.severity.map(String.init) ?? "", r.pValue.map(pValueText) ?? "", r.incident ?? ""])
        }
        return out
    }

    /// Writes `anomalies.csv` and `anomalies.arrow` into `folder`, each atomically. A row
    /// without severity, p-value or incident is written as 0, 1 and "" in Arrow.
    public static func write(_ rows: [AnomalyRow], folder: String) throws {
        try writeAtomically(path: folder + "/" + csvName, bytes: Array(csv(rows).utf8))
        try ScoreTable(columns: [
            .init("rank", .int64(rows.map { Int64($0.rank) })),
            .init("kind", .utf8(rows.map(\.kind))),
            .init("entity", .utf8(rows.map(\.entity))),
            .init("start", .timestamp(rows.map(\.start))),
            .init("end", .timestamp(rows.map(\.end))),
            .init("score", .float64(rows.map(\.score))),
            .init("evidence", .utf8(rows.map(\.evidence))),
            .init("severity", .int64(rows.map { Int64($0.severity ?? 0) })),
            .init("p_value", .float64(rows.map { $0.pValue ?? 1 })),
            .init("incident", .utf8(rows.map { $0.incident ?? "" })),
        ]).write(path: folder + "/" + arrowName, metadata: [("floe:table", tableName)])
    }

    /// The score as written: 4 decimals, "0" when not finite.
    public static func scoreText(_ s: Double) -> String {
        s.isFinite ? String((s * 10_000).rounded() / 10_000) : "0"
    }

    /// The p-value as written: 4 decimals down to 0.001, then 3 significant digits.
    public static func pValueText(_ p: Double) -> String {
        p >= 0.001 ? String(format: "%.4f", p) : String(format: "%.3g", p)
    }

    // MARK: Reading

    /// The rows of the CSV file at `path`, in rank order.
    public static func read(path: String) throws -> [AnomalyRow] {
        try parse(readExchangedFile(path: path, what: "the anomalies table"), path: path)
    }

    /// Parses CSV bytes (`path` names the file in errors): the columns in any order, the
    /// newer `severity, p_value, incident` optional (nil when absent or empty), times ISO
    /// 8601 UTC or epoch milliseconds. A severity is rounded and clamped to 0–100.
    public static func parse(_ bytes: [UInt8], path: String) throws -> [AnomalyRow] {
        try CSVRecords.records(bytes, path: path, required: required, expected: expected).map { r in
            let incident = r.field("incident")?.trimmedOfSpace()
            return AnomalyRow(rank: r.rank, kind: r.field("kind") ?? "", entity: r.field("entity") ?? "",
                              start: try r.instant("start"), end: try r.instant("end"), score: try r.requiredNumber("score"),
                              evidence: r.field("evidence") ?? "", severity: r.severity("severity"),
                              pValue: r.number("p_value"), incident: incident?.isEmpty == false ? incident : nil)
        }
        .sorted { ($0.rank, $0.start, $0.entity) < ($1.rank, $1.start, $1.entity) }
    }
}

/// One row of `anomalies.csv` / `anomalies.arrow` as the file holds it (FlowDetection's
/// `AnomalyRecord.row` makes it from a detector's record).
public struct AnomalyRow: Sendable, Equatable {
    /// 1 = most severe.
    public var rank: Int
    /// What was detected: `port_scan`, `cluster_outlier`, `volume_spike`, …
    public var kind: String
    /// A host, a host pair `a -> b`, or a series name.
    public var entity: String
    /// The window, UTC milliseconds.
    public var start: Int64
    public var end: Int64
    /// The detector's raw measure (its own scale).
    public var score: Double
    /// Evidence in original units.
    public var evidence: String
    /// 0–100; nil in a file older than the column.
    public var severity: Int?
    public var pValue: Double?
    /// The incident id (in `incidents.csv`) or `allowlisted:<reason>`; nil when none.
    public var incident: String?

    public init(rank: Int, kind: String, entity: String, start: Int64, end: Int64, score: Double, evidence: String,
                severity: Int? = nil, pValue: Double? = nil, incident: String? = nil) {
        self.rank = rank
        self.kind = kind
        self.entity = entity
        self.start = start
        self.end = end
        self.score = score
        self.evidence = evidence
        self.severity = severity
        self.pValue = pValue
        self.incident = incident
    }
}

/// The bytes of an exchanged file, or `ArtifactError.unreadable` naming it.
func readExchangedFile(path: String, what: String) throws -> [UInt8] {
    do {
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    } catch {
        throw ArtifactError.unreadable(path: path, reason: "cannot read \(what) (\(error.localizedDescription))")
    }
}
