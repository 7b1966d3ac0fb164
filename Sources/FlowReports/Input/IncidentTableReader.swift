import FlowArtifacts
import Foundation

/// How bad an incident is, from its 0–100 severity. The thresholds live here only.
public enum SeverityBand: String, Sendable, CaseIterable {
    case critical, major, minor, low

    /// Lowest severity of each band, worst first.
    public static let thresholds: [(band: SeverityBand, atLeast: Double)] = [(.critical, 75), (.major, 50), (.minor, 25), (.low, -Double.infinity)]

    public init(severity: Double) {
        self = Self.thresholds.first { severity >= $0.atLeast }?.band ?? .low
    }

    /// The word shown beside the number ("critical").
    public var word: String { rawValue }
}

/// One row of `incidents.csv`: detections that belong together (one scan, one flood).
public struct Incident: Sendable, Equatable {
    public var rank: Int
    public var id: String
    /// `port_scan`, `address_sweep`, `ddos`, … (see `IncidentKind`).
    public var kind: String
    /// 0–100; see `SeverityBand`.
    public var severity: Double
    public var start: Int64
    public var end: Int64
    /// Principal host first.
    public var hosts: [String]
    public var ports: [String]
    /// Ranks of the member rows in `anomalies.csv`.
    public var detections: [Int]
    /// One plain-English sentence.
    public var summary: String

    public init(rank: Int, id: String, kind: String, severity: Double, start: Int64, end: Int64,
                hosts: [String] = [], ports: [String] = [], detections: [Int] = [], summary: String = "") {
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

    public var band: SeverityBand { SeverityBand(severity: severity) }
}

/// Incident kinds in plain words.
public enum IncidentKind {
    public static let titles: [String: String] = [
        "port_scan": "Port scan", "address_sweep": "Address sweep", "ddos": "SYN flood / DDoS",
        "exfiltration": "Possible exfiltration", "beaconing": "Beaconing", "brute_force": "Brute force",
        "new_service": "New service", "volume_spike": "Traffic spike", "volume_drop": "Traffic drop",
        "exporter_outage": "Exporter outage", "unusual_host": "Unusual host",
    ]

    /// "Port scan"; an unknown kind as its words ("odd_thing" → "Odd thing").
    public static func title(_ kind: String) -> String {
        if let t = titles[kind] { return t }
        let words = kind.replacingOccurrences(of: "_", with: " ").trimmedOfSpace()
        guard let first = words.first else { return "Incident" }
        return first.uppercased() + words.dropFirst()
    }
}

/// Reads `incidents.csv` (header `rank,id,kind,severity,start,end,hosts,ports,detections,summary`,
/// `IncidentsFile`, read by `CSVRecords`, columns in any order): hosts, ports and detections are
/// space-separated; times ISO 8601 UTC or epoch milliseconds.
public enum IncidentTableReader {
    public static let fileName = IncidentsFile.csvName

    /// The incidents in rank order; nil when the file does not exist (an older scores folder).
    public static func loadIfPresent(path: String) throws -> [Incident]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ReportError.unreadable(path: path, reason: "cannot read the incidents table (\(error.localizedDescription))")
        }
        return try parse([UInt8](data), path: path)
    }

    public static func parse(_ bytes: [UInt8], path: String) throws -> [Incident] {
        try CSVRecords.reading(path: path) {
            try CSVRecords.records(bytes, path: path, required: IncidentsFile.required, expected: IncidentsFile.expected)
        }.map { r in
            func words(_ name: String) -> [String] {
                (r.field(name) ?? "").split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            }
            return Incident(rank: r.rank, id: (r.field("id") ?? "").trimmedOfSpace(), kind: (r.field("kind") ?? "").trimmedOfSpace(),
                            severity: min(max(try r.reportNumber("severity"), 0), 100), start: try r.instant("start"), end: try r.instant("end"),
                            hosts: words("hosts"), ports: words("ports"), detections: words("detections").compactMap { Int($0) },
                            summary: r.field("summary") ?? "")
        }
        .sorted { ($0.rank, -$0.severity, $0.start) < ($1.rank, -$1.severity, $1.start) }
    }
}
