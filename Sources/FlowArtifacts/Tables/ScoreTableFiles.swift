/// `anomalies.csv` and `anomalies.arrow`, the ranked table of every detector's rows that
/// floe-score writes and floe-report (and any cron job) reads. Columns, in this order:
/// `rank, kind, entity, start, end, score, evidence, severity, p_value, incident` (times
/// ISO 8601 UTC in the CSV, timestamp[ms, UTC] in Arrow). The first seven are the original
/// contract; `severity, p_value, incident` were added at the end, and a reader takes files
/// without them. CSV through `CSVText` / `CSVRecords`, Arrow through `ScoreTable`.
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
}

/// `incidents.csv` and `incidents.arrow`: detections grouped into incidents, ranked.
/// Columns `rank, id, kind, severity, start, end, hosts, ports, detections, summary`;
/// hosts, ports and detections (ranks in `anomalies.csv`) are space-separated lists.
/// An older scores folder has no incidents table.
public enum IncidentsFile {
    public static let csvName = "incidents.csv"
    public static let arrowName = "incidents.arrow"
    /// The `floe:table` metadata value of the Arrow file.
    public static let tableName = "incidents"
    public static let columns = ["rank", "id", "kind", "severity", "start", "end", "hosts", "ports", "detections", "summary"]
    public static let header = columns.joined(separator: ",")
    /// The columns a reader needs (any order).
    public static let required = ["id", "kind", "severity", "start", "end"]
    /// The columns named in a reader's message about a missing one.
    public static let expected = columns.joined(separator: ", ")
}
