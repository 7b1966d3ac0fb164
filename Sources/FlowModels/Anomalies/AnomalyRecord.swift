import FlowCore

/// One row of the ranked anomalies table that `floe-score` writes (`anomalies.csv` and
/// `anomalies.arrow`, columns `rank, kind, entity, start, end, score, evidence`). Every
/// detector (clusters, DBSCAN outliers, host graph, time series) reports into this one
/// table, so a report and a cron job read one list.
public struct AnomalyRecord: Sendable, Equatable, Codable {
    /// 1 = most anomalous; assigned when the table is ranked.
    public var rank: Int
    /// What was detected: `cluster_outlier`, `density_outlier`, `new_heavy_edge`,
    /// `fan_out_burst`, `port_scan`, `volume_spike`, `volume_drop`, `coverage_gap`, …
    public var kind: String
    /// What it is about: a host address, a host pair `a -> b`, or a series name.
    public var entity: String
    /// Window of the anomaly, UTC milliseconds.
    public var start: Int64
    public var end: Int64
    /// Severity on a scale comparable across kinds (higher = worse); ranking sorts by it.
    public var score: Double
    /// Human-readable evidence in original units ("4,812 distinct ports; usual 3").
    public var evidence: String

    public init(rank: Int = 0, kind: String, entity: String, start: Int64, end: Int64, score: Double, evidence: String) {
        self.rank = rank
        self.kind = kind
        self.entity = entity
        self.start = start
        self.end = end
        self.score = score
        self.evidence = evidence
    }
}
