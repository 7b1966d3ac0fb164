import FlowCore
import FlowIO
import Foundation

/// `incidents.csv` and `incidents.arrow`: detections grouped into incidents, ranked; one
/// row is an `Incident` both ways. Columns `rank, id, kind, severity, start, end, hosts,
/// ports, detections, summary`; hosts, ports and detections (ranks in `anomalies.csv`) are
/// space-separated lists. An older scores folder has no incidents table.
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

    // MARK: Writing

    /// CSV text with the header line.
    public static func csv(_ incidents: [Incident]) -> String {
        var out = header + "\n"
        for i in incidents {
            out += CSVText.record([String(i.rank), i.id, i.kind.rawValue, String(i.severity), CivilTime.isoString(millis: i.start),
                                   CivilTime.isoString(millis: i.end), i.hosts.joined(separator: " "),
                                   i.ports.map(String.init).joined(separator: " "),
                                   i.detections.map(String.init).joined(separator: " "), i.summary])
        }
        return out
    }

    /// Writes `incidents.csv` and `incidents.arrow` into `folder`, each atomically.
    public static func write(_ incidents: [Incident], folder: String) throws {
        try writeAtomically(path: folder + "/" + csvName, bytes: Array(csv(incidents).utf8))
        try ScoreTable(columns: [
            .init("rank", .int64(incidents.map { Int64($0.rank) })),
            .init("id", .utf8(incidents.map(\.id))),
            .init("kind", .utf8(incidents.map(\.kind.rawValue))),
            .init("severity", .int64(incidents.map { Int64($0.severity) })),
            .init("start", .timestamp(incidents.map(\.start))),
            .init("end", .timestamp(incidents.map(\.end))),
            .init("hosts", .utf8(incidents.map { $0.hosts.joined(separator: " ") })),
            .init("ports", .utf8(incidents.map { $0.ports.map(String.init).joined(separator: " ") })),
            .init("detections", .utf8(incidents.map { $0.detections.map(String.init).joined(separator: " ") })),
            .init("summary", .utf8(incidents.map(\.summary))),
        ]).write(path: folder + "/" + arrowName, metadata: [("floe:table", tableName)])
    }

    // MARK: Reading

    /// The incidents of the CSV file at `path` in rank order; nil when there is no such
    /// file (a scores folder older than incidents).
    public static func readIfPresent(path: String) throws -> [Incident]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try parse(readExchangedFile(path: path, what: "the incidents table"), path: path)
    }

    /// Parses CSV bytes (`path` names the file in errors): columns in any order, times ISO
    /// 8601 UTC or epoch milliseconds, a severity rounded and clamped to 0–100. A `kind`
    /// this floe does not know (a file from a newer floe-score) is refused with an error
    /// naming the line and the value rather than shown as some other kind.
    public static func parse(_ bytes: [UInt8], path: String) throws -> [Incident] {
        try CSVRecords.records(bytes, path: path, required: required, expected: expected).map { r in
            let kindText = (r.field("kind") ?? "").trimmedOfSpace()
            guard let kind = IncidentKind(rawValue: kindText) else {
                throw ArtifactError.unreadable(path: path, reason: "line \(r.line): incident kind '\(kindText)' is not one this floe knows ("
                    + IncidentKind.allCases.map(\.rawValue).joined(separator: ", ") + "); a newer floe-score wrote it: read it with the same floe version")
            }
            guard let severity = r.severity("severity") else {
                throw ArtifactError.unreadable(path: path, reason: "line \(r.line): 'severity' is not a number")
            }
            return Incident(rank: r.rank, id: (r.field("id") ?? "").trimmedOfSpace(), kind: kind, severity: severity,
                            start: try r.instant("start"), end: try r.instant("end"), hosts: r.words("hosts"),
                            ports: try r.integers("ports"), detections: try r.integers("detections"), summary: r.field("summary") ?? "")
        }
        .sorted { ($0.rank, -$0.severity, $0.start) < ($1.rank, -$1.severity, $1.start) }
    }
}
