import FlowArtifacts
import FlowCore
import FlowIO
import Foundation

/// Groups ranked detections into incidents (docs/incidents.md):
///
/// 1. Allowlisted rows are kept in anomalies.csv, marked `allowlisted:<reason>` in its
///    `incident` column, and never raised.
/// 2. Rows that name what they see (scans, sweeps, floods, exfiltration, beaconing) are
///    joined when they have the same kind and principal host (first of `hosts`) and their
///    windows overlap or lie within `adjacency` of each other (a beacon over seven days, a
///    flood across a window boundary), or concern the same host pair with overlapping
///    windows (one activity seen by two detectors).
/// 3. Every other host row joins the named group whose hosts contain its principal host
///    (or whose principal its hosts contain) with overlapping or adjacent windows — the
///    flood's sources' outliers join the flood, the exfiltrating client's heavy edge joins
///    the exfiltration — the group whose principal it is (a flood victim's own fan-out
///    joins its flood, not a sweep that also touched it), else the most severe such group; else it joins other unnamed rows
///    that share a host the same way (one `unusual_host` incident per host and episode).
/// 4. Series rows (volume spikes and drops) join the most severe scan, sweep, flood or
///    exfiltration group whose window overlaps theirs (the network-wide symptom of that
///    incident; a beacon is too small to move a series), else overlapping series
///    rows of the same direction form one `volume_spike`/`volume_drop` incident. Coverage
///    gaps are `exporter_outage` incidents of their own.
///
/// Severity: the most severe member plus a corroboration bonus of 5 per further distinct
/// detector kind among the members, at most 10, capped at 100. Ties are broken by
/// `precedes` (named before generic, corroboration, then p-value and raw margin). At most `maximumPerKindDay`
/// incidents per kind and UTC day (of their start) are kept, most severe first; the rows
/// of the others are dropped with them, so every row left belongs to exactly one incident.
public enum IncidentGrouping {
    public static let maximumHosts = 20
    public static let adjacency: Int64 = 3_600_000
    /// Detections whose traffic can show in the network-wide series.
    static let explainsVolume: Set<String> = ["port_scan", "address_sweep", "ddos", "exfiltration", "brute_force"]

    public static func group(_ rows: [AnomalyRecord], allowlist: Allowlist = Allowlist(),
                             maximumPerKindDay: Int = .max) -> (anomalies: [AnomalyRecord], incidents: [Incident]) {
        var rows = AnomalyTable.ranked(rows)
        var allowed = [String?](repeating: nil, count: rows.count)
        for i in rows.indices { allowed[i] = allowlist.reason(for: rows[i]) }
        let live = rows.indices.filter { allowed[$0] == nil }
        // Union-find over row indices.
        var parent = Array(rows.indices)
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
            return x
        }
        func union(_ a: Int, _ b: Int) {
            let ra = find(a), rb = find(b)
            if ra != rb { parent[max(ra, rb)] = min(ra, rb) }  // the more severe row stays root
        }
        func near(_ a: AnomalyRecord, _ b: AnomalyRecord) -> Bool {
            a.start <= b.end + adjacency && b.start <= a.end + adjacency
        }
        func overlap(_ a: AnomalyRecord, _ b: AnomalyRecord) -> Bool { a.start < b.end && b.start < a.end }
        let named = live.filter { IncidentKind.named(byDetection: rows[$0].kind) != nil }
        let series = live.filter { rows[$0].groupHosts.isEmpty }
        let other = live.filter { IncidentKind.named(byDetection: rows[$0].kind) == nil && !rows[$0].groupHosts.isEmpty }
        // 2. Named rows of one kind and principal.
        for (x, a) in named.enumerated() {
            for b in named[(x + 1)...] {
                let ha = rows[a].groupHosts, hb = rows[b].groupHosts
                let sameKind = rows[a].kind == rows[b].kind && ha.first == hb.first && near(rows[a], rows[b])
                let samePair = ha.count >= 2 && hb.count >= 2 && Set(ha.prefix(2)) == Set(hb.prefix(2)) && overlap(rows[a], rows[b])
                if sameKind || samePair { union(a, b) }
            }
        }
        // Hosts of each named group.
        var groupHosts: [Int: Set<String>] = [:]
        var groupPrincipal: [Int: String] = [:]
        for a in named {
            let r = find(a)
            groupHosts[r, default: []].formUnion(rows[a].groupHosts)
            if groupPrincipal[r] == nil { groupPrincipal[r] = rows[r].groupHosts.first }
        }
        var groupRows: [Int: [Int]] = [:]
        for a in named { groupRows[find(a), default: []].append(a) }
        // 3. Unnamed host rows.
        var attached = Set<Int>()
        for a in other {
            let principal = rows[a].groupHosts.first!
            let mine = Set(rows[a].groupHosts)
            var best: Int? = nil, bestOwn = false
            for (root, hosts) in groupHosts.sorted(by: { $0.key < $1.key }) {
                guard hosts.contains(principal) || mine.contains(groupPrincipal[root] ?? "") else { continue }
                guard groupRows[root]!.contains(where: { near(rows[$0], rows[a]) }) else { continue }
                // A host's own incident (it is the principal) before one it is merely a
                // target or source of; then the most severe.
                let own = groupPrincipal[root] == principal
                if best == nil || (own && !bestOwn) { best = root; bestOwn = own }
            }
            if let best { union(best, a); attached.insert(a) }
        }
        let loose = other.filter { !attached.contains($0) }
        var byHost: [String: [Int]] = [:]
        for a in loose { for h in Set(rows[a].groupHosts) { byHost[h, default: []].append(a) } }
        for a in loose {
            let principal = rows[a].groupHosts.first!
            for b in byHost[principal] ?? [] where b != a && near(rows[a], rows[b]) { union(a, b) }
        }
        // 4. Series rows.
        var freeSeries: [Int] = []
        for a in series where rows[a].kind != "coverage_gap" {
            var best: Int? = nil
            for root in groupRows.keys.sorted() where groupRows[root]!.contains(where: {
                explainsVolume.contains(rows[$0].kind) && overlap(rows[$0], rows[a])
            }) {
                if best == nil || find(root) < best! { best = find(root) }
            }
            if let best { union(best, a) } else { freeSeries.append(a) }
        }
        for (x, a) in freeSeries.enumerated() {
            for b in freeSeries[(x + 1)...] where rows[a].kind == rows[b].kind && overlap(rows[a], rows[b]) { union(a, b) }
        }
        // Build incidents.
        var members: [Int: [Int]] = [:]
        for a in live { members[find(a), default: []].append(a) }
        var incidents: [(Incident, [Int])] = []
        for (root, m) in members {
            incidents.append((makeIncident(rows, members: m.sorted(), root: root), m))
        }
        incidents.sort { a, b in precedes(a.0, a.1, b.0, b.1, rows) }
        // Caps per kind and day.
        var perKindDay: [String: Int] = [:]
        var keptIncidents: [(Incident, [Int])] = []
        for item in incidents {
            let key = item.0.kind.rawValue + "@" + String(CivilTime.day(ofMillis: item.0.start))
            let n = perKindDay[key, default: 0]
            guard n < maximumPerKindDay else { continue }
            perKindDay[key] = n + 1
            keptIncidents.append(item)
        }
        var keep = Set(keptIncidents.flatMap(\.1))
        for i in rows.indices where allowed[i] != nil { keep.insert(i) }
        for (incident, m) in keptIncidents { for i in m { rows[i].incident = incident.id } }
        for i in rows.indices { if let reason = allowed[i] { rows[i].incident = "allowlisted:" + reason } }
        // Re-rank the kept rows; map old index → new rank.
        let keptIndices = rows.indices.filter { keep.contains($0) }
        var newRank: [Int: Int] = [:]
        for (n, i) in keptIndices.enumerated() { newRank[i] = n + 1 }
        var outRows = keptIndices.map { rows[$0] }
        for i in outRows.indices { outRows[i].rank = i + 1 }
        var out: [Incident] = []
        for (n, item) in keptIncidents.enumerated() {
            var incident = item.0
            incident.rank = n + 1
            incident.detections = item.1.compactMap { newRank[$0] }.sorted()
            out.append(incident)
        }
        return (outRows, out)
    }

    /// Incident kinds that only say "unusual" (no attack or event named).
    static let generic: Set<IncidentKind> = [.unusualHost, .volumeSpike, .volumeDrop]

    /// The incident order (docs/incidents.md): severity; at equal severity — which is where
    /// p-values floored at what their calibration can resolve meet — a named attack or
    /// event before a generic `unusual_host` or volume change, then more distinct detectors
    /// in agreement, then more member detections, then the lead detection's smaller p-value,
    /// then its raw margin (score, within one detector), start and id.
    static func precedes(_ a: Incident, _ am: [Int], _ b: Incident, _ bm: [Int], _ rows: [AnomalyRecord]) -> Bool {
        if a.severity != b.severity { return a.severity > b.severity }
        let na = !generic.contains(a.kind), nb = !generic.contains(b.kind)
        if na != nb { return na }
        let ka = Set(am.map { rows[$0].kind }).count, kb = Set(bm.map { rows[$0].kind }).count
        if ka != kb { return ka > kb }
        if am.count != bm.count { return am.count > bm.count }
        let la = rows[am.min()!], lb = rows[bm.min()!]
        if la.log10P != lb.log10P { return la.log10P < lb.log10P }
        if la.kind != lb.kind { return la.kind < lb.kind }
        if la.score != lb.score { return la.score > lb.score }
        if a.start != b.start { return a.start < b.start }
        return a.id < b.id
    }

    static func makeIncident(_ rows: [AnomalyRecord], members m: [Int], root: Int) -> Incident {
        let lead = rows[m.first { IncidentKind.named(byDetection: rows[$0].kind) != nil } ?? m.first!]
        let kind: IncidentKind
        if let named = IncidentKind.named(byDetection: lead.kind) {
            kind = named
        } else if lead.kind == "coverage_gap" {
            kind = .exporterOutage
        } else if lead.kind == "volume_spike" {
            kind = .volumeSpike
        } else if lead.kind == "volume_drop" {
            kind = .volumeDrop
        } else {
            kind = .unusualHost
        }
        let kinds = Set(m.map { rows[$0].kind })
        let bonus = min(10, 5 * (kinds.count - 1))
        let severity = min(100, (m.map { rows[$0].severity }.max() ?? 0) + bonus)
        let start = m.map { rows[$0].start }.min()!, end = m.map { rows[$0].end }.max()!
        var hosts: [String] = []
        var seen = Set<String>()
        let ordered = [lead] + m.map { rows[$0] }
        for r in ordered { if let h = r.groupHosts.first, seen.insert(h).inserted { hosts.append(h) } }
        for r in ordered { for h in r.groupHosts.dropFirst() where seen.insert(h).inserted { hosts.append(h) } }
        let principal = hosts.first ?? lead.entity
        let ports = Array(Set(m.flatMap { rows[$0].ports })).sorted()
        var summary = lead.summary.isEmpty ? defaultSummary(lead) : lead.summary
        var extras: [String] = []
        if hosts.count > maximumHosts { extras.append("\(Plain.count(hosts.count - maximumHosts)) more hosts not listed") }
        if m.count > 1 {
            let others = kinds.subtracting([lead.kind]).sorted().map { $0.replacingOccurrences(of: "_", with: " ") }
            extras.append(others.isEmpty ? "seen in \(Plain.count(m.count, "detection"))"
                                         : "\(Plain.count(m.count - 1, "related detection")) (\(others.joined(separator: ", ")))")
        }
        if !extras.isEmpty { summary += "; " + extras.joined(separator: "; ") }
        var hasher = Array(kind.rawValue.utf8) + [0]
        hasher += Array(principal.utf8) + [0]
        hasher += Array(String(start).utf8)
        let id = "inc-" + String(String(XXH64.hash(hasher), radix: 16).leftPadded(to: 16).prefix(12))
        return Incident(rank: 0, id: id, kind: kind, severity: severity, start: start, end: end,
                        hosts: Array(hosts.prefix(maximumHosts)), ports: ports, detections: [], summary: summary)
    }

    /// A plain sentence for detections that brought none.
    static func defaultSummary(_ r: AnomalyRecord) -> String {
        let what: String
        switch r.kind {
        case "cluster_outlier": what = "behaved unlike any usual group of hosts"
        case "density_outlier": what = "behaved unlike anything seen in training"
        default: what = "was unusual (\(r.kind.replacingOccurrences(of: "_", with: " ")))"
        }
        return "\(r.entity) \(what) for \(Plain.duration(millis: r.end - r.start)) from \(Plain.clock(r.start)) UTC"
    }
}

private extension String {
    func leftPadded(to n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}
