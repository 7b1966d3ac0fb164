/// What an incident is (the `kind` column of `incidents.csv`).
public enum IncidentKind: String, Codable, Sendable, CaseIterable, Comparable {
    case portScan = "port_scan"
    case addressSweep = "address_sweep"
    case ddos
    case exfiltration
    case beaconing
    case bruteForce = "brute_force"
    case newService = "new_service"
    case volumeSpike = "volume_spike"
    case volumeDrop = "volume_drop"
    case exporterOutage = "exporter_outage"
    case unusualHost = "unusual_host"

    /// The incident kind a detection names, nil for detections that only say "unusual"
    /// (cluster and density outliers, fan-out bursts, new heavy edges) or series rows.
    public static func named(byDetection kind: String) -> IncidentKind? {
        switch kind {
        case "port_scan": return .portScan
        case "address_sweep": return .addressSweep
        case "ddos": return .ddos
        case "exfiltration": return .exfiltration
        case "beaconing": return .beaconing
        case "brute_force": return .bruteForce
        case "new_service": return .newService
        default: return nil
        }
    }

    public static func < (a: IncidentKind, b: IncidentKind) -> Bool { a.rawValue < b.rawValue }

    /// The kind in plain words, as reports show it ("Port scan"). The only place these
    /// words are kept.
    public var title: String {
        switch self {
        case .portScan: return "Port scan"
        case .addressSweep: return "Address sweep"
        case .ddos: return "SYN flood / DDoS"
        case .exfiltration: return "Possible exfiltration"
        case .beaconing: return "Beaconing"
        case .bruteForce: return "Brute force"
        case .newService: return "New service"
        case .volumeSpike: return "Traffic spike"
        case .volumeDrop: return "Traffic drop"
        case .exporterOutage: return "Exporter outage"
        case .unusualHost: return "Unusual host"
        }
    }
}

/// One row of `incidents.csv` / `incidents.arrow` / the report feed's `incidents`.
public struct Incident: Sendable, Equatable, Codable {
    public var rank: Int
    /// Stable across reruns: `inc-` + 12 hex digits of XXH64(kind, principal hosts, start).
    public var id: String
    public var kind: IncidentKind
    public var severity: Int
    public var start: Int64
    public var end: Int64
    /// Principal first, at most `maximumHosts`.
    public var hosts: [String]
    public var ports: [Int]
    /// Ranks of the member rows in anomalies.csv, ascending.
    public var detections: [Int]
    public var summary: String

    public init(rank: Int, id: String, kind: IncidentKind, severity: Int, start: Int64, end: Int64,
                hosts: [String], ports: [Int], detections: [Int], summary: String) {
        self.rank = rank
        self.id = id
        self.kind = kind
        self.severity = severity
        self.start = start
        self.end = end
        self.hosts = hosts
        self.ports = ports
        self.detections = detections
        self.summary = summary
    }

    enum CodingKeys: String, CodingKey { case rank, id, kind, severity, start, end, hosts, ports, detections, summary }
}
