import FlowArtifacts
import FlowColumnar
import FlowCore
import FlowIO
import Foundation

/// The ranked anomalies table: ranking, merging of consecutive windows, and writing the
/// two files whose contract (names, columns, CSV form) is FlowArtifacts' `AnomaliesFile`:
/// `anomalies.csv` and `anomalies.arrow` (rank int64, kind utf8, entity utf8, start/end
/// timestamp[ms, UTC], score float64, evidence utf8, severity int64, p_value float64,
/// incident utf8). Generic over `[AnomalyRecord]` from any detector; `score` stays the
/// detector's raw measure (docs/incidents.md).
public enum AnomalyTable {
    public static let csvName = AnomaliesFile.csvName
    public static let arrowName = AnomaliesFile.arrowName
    public static let header = AnomaliesFile.header

    /// Sorted by severity (highest first), then p-value (smallest first), raw score, start,
    /// kind and entity; ranks 1, 2, ….
    public static func ranked(_ records: [AnomalyRecord]) -> [AnomalyRecord] {
        var out = records.sorted {
            if $0.severity != $1.severity { return $0.severity > $1.severity }
            if $0.log10P != $1.log10P { return $0.log10P < $1.log10P }
            if $0.score != $1.score { return $0.score > $1.score }
            if $0.start != $1.start { return $0.start < $1.start }
            if $0.kind != $1.kind { return $0.kind < $1.kind }
            return $0.entity < $1.entity
        }
        for i in out.indices { out[i].rank = i + 1 }
        return out
    }

    /// Joins records of the same kind and entity whose windows touch or overlap into one
    /// (window spanning both, the smaller p-value with its score, evidence and summary; the
    /// union of hosts and ports).
    public static func merged(_ records: [AnomalyRecord]) -> [AnomalyRecord] {
        let sorted = records.sorted {
            ($0.kind, $0.entity, $0.start) < ($1.kind, $1.entity, $1.start)
        }
        var out: [AnomalyRecord] = []
        for r in sorted {
            if var last = out.last, last.kind == r.kind, last.entity == r.entity, r.start <= last.end {
                last.end = max(last.end, r.end)
                if r.log10P < last.log10P || (r.log10P == last.log10P && r.score > last.score) {
                    last.score = r.score; last.evidence = r.evidence; last.log10P = r.log10P; last.summary = r.summary
                }
                for h in r.hosts where !last.hosts.contains(h) { last.hosts.append(h) }
                for p in r.ports where !last.ports.contains(p) { last.ports.append(p) }
                out[out.count - 1] = last
            } else {
                out.append(r)
            }
        }
        return out
    }

    /// CSV text with a header line; fields quoted when they hold a comma, quote or newline.
    public static func csv(_ records: [AnomalyRecord]) -> String {
        var out = header + "\n"
        for r in records {
            out += CSVText.record([String(r.rank), r.kind, r.entity, CivilTime.isoString(millis: r.start),
                                   CivilTime.isoString(millis: r.end), formatScore(r.score), r.evidence,
                                   String(r.severity), Severity.pValueText(log10P: r.log10P), r.incident])
        }
        return out
    }

    static func formatScore(_ s: Double) -> String {
        s.isFinite ? String((s * 10_000).rounded() / 10_000) : "0"
    }

    /// Writes both files into `folder` atomically.
    public static func write(_ records: [AnomalyRecord], folder: String) throws {
        try writeAtomically(path: folder + "/" + csvName, bytes: Array(csv(records).utf8))
        let table = ScoreTable(columns: [
            .init("rank", .int64(records.map { Int64($0.rank) })),
            .init("kind", .utf8(records.map(\.kind))),
            .init("entity", .utf8(records.map(\.entity))),
            .init("start", .timestamp(records.map(\.start))),
            .init("end", .timestamp(records.map(\.end))),
            .init("score", .float64(records.map(\.score))),
            .init("evidence", .utf8(records.map(\.evidence))),
            .init("severity", .int64(records.map { Int64($0.severity) })),
            .init("p_value", .float64(records.map { pow(10, max(-300, $0.log10P)) })),
            .init("incident", .utf8(records.map(\.incident))),
        ])
        try table.write(path: folder + "/" + arrowName, metadata: [("floe:table", AnomaliesFile.tableName)])
    }
}
