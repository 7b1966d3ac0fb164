import FlowArtifacts
import FlowColumnar
import FlowCore
import FlowIO
import Foundation

/// The ranked anomalies table: ranking and merging of consecutive windows, generic over
/// `[AnomalyRecord]` from any detector; `score` stays the detector's raw measure
/// (docs/incidents.md). The files (`anomalies.csv`, `anomalies.arrow`) are written by
/// FlowArtifacts' `AnomaliesFile` from each record's `row`.
public enum AnomalyTable {

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
}

extension AnomalyRecord {
    /// The row `anomalies.csv` / `anomalies.arrow` hold for this record: severity from the
    /// p-value, the p-value itself (10^log10P, at least 1e-300), the incident ("" = none).
    public var row: AnomalyRow {
        AnomalyRow(rank: rank, kind: kind, entity: entity, start: start, end: end, score: score, evidence: evidence,
                   severity: severity, pValue: Severity.pValue(log10P: log10P), incident: incident)
    }
}
