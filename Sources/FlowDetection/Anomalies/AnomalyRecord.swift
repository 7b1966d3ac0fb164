import FlowCore

/// One row of the ranked anomalies table that `floe-score` writes (`anomalies.csv` and
/// `anomalies.arrow`, columns `rank, kind, entity, start, end, score, evidence, severity,
/// p_value, incident`). Every detector (clusters, DBSCAN outliers, host graph, scans, time
/// series) reports into this one table, so a report and a cron job read one list; rows are
/// ranked by `severity` (docs/incidents.md), and grouped into incidents (`IncidentGrouping`).
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
    /// The detector's raw measure (its own scale; see each detector). Not comparable
    /// across kinds: `severity` is.
    public var score: Double
    /// Human-readable evidence in original units ("4,812 distinct ports; usual 3").
    public var evidence: String
    /// log10 of the p-value: the chance of a score at least this extreme on normal traffic
    /// (the detector's training distribution, or its own test statistic). ≤ 0.
    public var log10P: Double
    /// 0–100 from `log10P` (`Severity.from(log10P:)`); ranking sorts by it.
    public var severity: Int { Severity.from(log10P: log10P) }
    /// The incident id this row belongs to, or `allowlisted:<reason>` (set when grouped).
    public var incident: String = ""
    /// The hosts the detection is about, principal first (attacker, victim, client), then
    /// related hosts (a flood's sources, a scan's targets). Used to group rows into
    /// incidents; empty for series rows. Not written to the tables.
    public var hosts: [String] = []
    /// Service ports involved (not written to the tables; the incident lists them).
    public var ports: [Int] = []
    /// One plain-English sentence for the incident summary (empty: built from the evidence).
    public var summary: String = ""

    public init(rank: Int = 0, kind: String, entity: String, start: Int64, end: Int64, score: Double, evidence: String,
                log10P: Double = 0, hosts: [String] = [], ports: [Int] = [], summary: String = "") {
        self.rank = rank
        self.kind = kind
        self.entity = entity
        self.start = start
        self.end = end
        self.score = score
        self.evidence = evidence
        self.log10P = log10P
        self.hosts = hosts
        self.ports = ports
        self.summary = summary
    }

    /// `hosts`, or the addresses named by `entity` (`a`, or `a -> b`) when none were given.
    public var groupHosts: [String] {
        if !hosts.isEmpty { return hosts }
        let parts = entity.components(separatedBy: " -> ")
        return parts.allSatisfy { IPAddress($0) != nil } ? parts : []
    }
}
