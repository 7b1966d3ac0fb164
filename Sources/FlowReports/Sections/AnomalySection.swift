import FlowArtifacts

/// 4. Anomalies: the ranked table with links to the traffic chart, and the top few
/// explained in a sentence each.
enum AnomalySection {
    /// Anomalies drawn on the traffic charts (highest ranked first).
    static let maxWindows = 12
    /// Rows of the table.
    static let maxRows = 50
    /// Anomalies explained in a sentence.
    static let explained = 5

    /// Windows drawn on the traffic charts: one per incident (numbered by the incident's
    /// rank) when there is an incidents table, so the markers of one scan do not pile up;
    /// else those of the top anomalies overlapping the period, numbered by rank.
    static func windows(_ input: ReportInput) -> [MarkedWindow] {
        let t = input.traffic
        if let incidents = input.incidents {
            return incidents.filter { $0.end >= t.periodStart && $0.start < t.periodEnd }.prefix(maxWindows).map { x -> MarkedWindow in
                let host: String = x.hosts.first.map { " " + $0 } ?? ""
                let tooltip: String = "#\(x.rank) \(x.kind.title) (\(IncidentSection.badge(x)))" + host
                    + ", \(UTCText.window(x.start, x.end)) UTC: \(x.summary)"
                return MarkedWindow(number: x.rank, start: x.start, end: x.end, tooltip: tooltip, entity: x.hosts.first ?? "")
            }
        }
        guard let list = input.anomalies else { return [] }
        return list.filter { $0.end >= t.periodStart && $0.start < t.periodEnd }.prefix(maxWindows).map {
            MarkedWindow(number: $0.rank, start: $0.start, end: $0.end,
                         tooltip: "#\($0.rank) \($0.kind) \($0.entity), \(UTCText.window($0.start, $0.end)) UTC: \($0.evidence)", entity: $0.entity)
        }
    }

    static func build(_ input: ReportInput) -> ReportSection {
        guard let list = input.anomalies else {
            return ReportSection(id: "anomalies", title: "Anomalies", blocks: [
                .absent("No anomalies table: no scoring ran for this report (give --scores SCORES_DIR holding anomalies.csv from floe-score)."),
            ])
        }
        guard !list.isEmpty else {
            return ReportSection(id: "anomalies", title: "Anomalies", blocks: [.paragraph([.text("The models flagged nothing in this period.")])])
        }
        var blocks: [Block] = []
        if let incidents = input.incidents, !incidents.isEmpty {
            // One sentence per incident, not per raw row.
            let cards = IncidentSection.anchors(input)
            let top = incidents.prefix(explained).map { x -> [Inline] in
                let head = "#\(x.rank)"
                let sentence = " " + x.kind.title + " (" + IncidentSection.badge(x) + ")" + (x.hosts.first.map { x.summary.contains($0) ? "" : ", " + $0 } ?? "")
                    + ", " + UTCText.window(x.start, x.end) + " UTC" + (x.summary.isEmpty ? "." : ": " + Escape.singleLine(x.summary).trimmedOfSpace())
                return [cards[x.id].map { .link(head, anchor: $0, file: "#incidents") } ?? .strong(head), .text(sentence)]
            }
            blocks.append(.paragraph([.text("\(Units.thousands(list.count)) anomalies in " + SummarySection.plural(incidents.count, "incident")
                                            + ", most severe first. The top \(min(explained, incidents.count)) incidents in a sentence:")]))
            blocks.append(.list(top, ordered: false))
        } else {
            let top = list.prefix(explained).map { a -> [Inline] in
                [.strong("#\(a.rank)"), .text(" " + sentence(a))]
            }
            blocks.append(.paragraph([.text("\(Units.thousands(list.count)) anomalies, most severe first. The top \(min(explained, list.count)) in a sentence:")]))
            blocks.append(.list(top, ordered: false))
        }
        blocks.append(.table(table(input, list)))
        return ReportSection(id: "anomalies", title: "Anomalies", blocks: blocks)
    }

    /// Anomaly rank → HTML id of its row, for the rows the table shows.
    static func rowAnchors(_ input: ReportInput) -> [Int: String] {
        var out: [Int: String] = [:]
        for a in (input.anomalies ?? []).prefix(maxRows) where out[a.rank] == nil { out[a.rank] = "anomaly-\(a.rank)" }
        return out
    }

    /// The ranked table. On a phone only rank, kind, entity and severity are shown. With
    /// the newer columns, Severity is the 0–100 severity with its band and the detector's
    /// score moves to its own column; an Incident column links to the incident's card.
    static func table(_ input: ReportInput, _ list: [AnomalyRow]) -> ReportTable {
        let drawn = input.incidents == nil ? Set(windows(input).map(\.number)) : []
        let hasSeverity = list.contains { $0.severity != nil }
        let hasIncident = list.contains { $0.incident != nil }
        let cards = IncidentSection.anchors(input)
        let incidentRank = Dictionary((input.incidents ?? []).map { ($0.id, $0.rank) }, uniquingKeysWith: { a, _ in a })
        var ids: [String?] = []
        var seen = Set<Int>()
        let rows = list.prefix(maxRows).map { a -> [ReportTable.Cell] in
            ids.append(seen.insert(a.rank).inserted ? "anomaly-\(a.rank)" : nil)
            var row: [ReportTable.Cell] = [.count(a.rank), ReportTable.Cell(UTCText.window(a.start, a.end), sortKey: Double(a.start)),
                                           ReportTable.Cell(a.kind, code: true), ReportTable.Cell(a.entity, code: true)]
            if hasSeverity {
                if let s = a.severity {
                    row.append(ReportTable.Cell(String(s) + " " + SeverityBand(severity: s).word, sortKey: Double(s)))
                } else {
                    row.append(ReportTable.Cell("–", sortKey: -1))
                }
                row.append(ReportTable.Cell(Units.fixed(a.score, 2), sortKey: a.score))
            } else {
                row.append(ReportTable.Cell(Units.fixed(a.score, 2), sortKey: a.score))
            }
            row.append(ReportTable.Cell(a.evidence))
            if hasIncident {
                if let id = a.incident {
                    let label = incidentRank[id].map { "#\($0)" } ?? id
                    row.append(ReportTable.Cell(label, link: cards[id].map { (anchor: $0, file: "#incidents") }))
                } else {
                    row.append(ReportTable.Cell("–"))
                }
            } else if drawn.contains(a.rank) {
                row.append(ReportTable.Cell("window \(a.rank) on the bytes chart", link: (anchor: "chart-traffic-bytes", file: "chart-traffic-bytes.svg")))
            } else {
                row.append(ReportTable.Cell("–"))
            }
            return row
        }
        var columns: [ReportTable.Column] = [.init("Rank", numeric: true), .init("Window (UTC)", hiddenOnPhone: true), .init("Kind"), .init("Hosts / series", breaksOnPhone: true),
                                             .init("Severity", numeric: true)]
        if hasSeverity { columns.append(.init("Score", numeric: true, hiddenOnPhone: true)) }
        columns.append(.init("Evidence", hiddenOnPhone: true))
        columns.append(.init(hasIncident ? "Incident" : "Chart", hiddenOnPhone: true))
        var t = ReportTable(columns: columns, rows: rows, note: list.count > maxRows ? "\(Units.thousands(list.count - maxRows)) more in anomalies.csv." : nil)
        t.rowIDs = ids
        return t
    }

    /// What happened, for a person: "10.0.4.7 scanned ports between 02:14 and 02:19 UTC on
    /// 2026-11-01 (5 min): 4,812 distinct ports; usual 3."
    static func sentence(_ a: AnomalyRow) -> String {
        let phrase: String
        switch a.kind {
        case "port_scan": phrase = "scanned ports"
        case "fan_out_burst": phrase = "suddenly contacted many hosts"
        case "new_heavy_edge": phrase = "exchanged unusually much traffic over a connection not seen before"
        case "cluster_outlier": phrase = "behaved unlike any usual group of traffic"
        case "density_outlier": phrase = "behaved unlike its neighbours (a density outlier)"
        case "volume_spike": phrase = "carried much more traffic than forecast"
        case "volume_drop": phrase = "carried much less traffic than forecast"
        case "coverage_gap": phrase = "has no data (a coverage gap)"
        default: phrase = "was flagged as " + a.kind.replacingOccurrences(of: "_", with: " ")
        }
        let start = UTCText.date(a.start), end = UTCText.date(a.end)
        let when = start == end
            ? "between \(UTCText.clock(a.start)) and \(UTCText.clock(a.end)) UTC on \(start)"
            : "from \(UTCText.minute(a.start)) to \(UTCText.minute(a.end)) UTC"
        let evidence = Escape.singleLine(a.evidence).trimmedOfSpace()
        return "\(a.entity) \(phrase) \(when) (\(UTCText.duration(a.end - a.start)))" + (evidence.isEmpty ? "." : ": " + evidence + (evidence.hasSuffix(".") ? "" : "."))
    }
}
