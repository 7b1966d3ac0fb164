import FlowModels

/// 4. Anomalies: the ranked table with links to the traffic chart, and the top few
/// explained in a sentence each.
enum AnomalySection {
    /// Anomalies drawn on the traffic charts (highest ranked first).
    static let maxWindows = 12
    /// Rows of the table.
    static let maxRows = 50
    /// Anomalies explained in a sentence.
    static let explained = 5

    /// Windows of the top anomalies overlapping the period, numbered by rank.
    static func windows(_ input: ReportInput) -> [MarkedWindow] {
        guard let list = input.anomalies else { return [] }
        let t = input.traffic
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
        let drawn = Set(windows(input).map(\.number))
        let top = list.prefix(explained).map { a -> [Inline] in
            [.strong("#\(a.rank)"), .text(" " + sentence(a))]
        }
        blocks.append(.paragraph([.text("\(Units.thousands(list.count)) anomalies, most severe first. The top \(min(explained, list.count)) in a sentence:")]))
        blocks.append(.list(top, ordered: false))
        let rows = list.prefix(maxRows).map { a -> [ReportTable.Cell] in
            var where_ = ReportTable.Cell("–")
            if drawn.contains(a.rank) {
                where_ = ReportTable.Cell("window \(a.rank) on the bytes chart", link: (anchor: "chart-traffic-bytes", file: "chart-traffic-bytes.svg"))
            }
            return [.count(a.rank), ReportTable.Cell(UTCText.window(a.start, a.end), sortKey: Double(a.start)), ReportTable.Cell(a.kind, code: true),
                    ReportTable.Cell(a.entity, code: true), ReportTable.Cell(Units.fixed(a.score, 2), sortKey: a.score), ReportTable.Cell(a.evidence), where_]
        }
        blocks.append(.table(ReportTable(columns: [.init("Rank", numeric: true), .init("Window (UTC)"), .init("Kind"), .init("Hosts / series"),
                                                    .init("Severity", numeric: true), .init("Evidence"), .init("Chart")],
                                         rows: rows, note: list.count > maxRows ? "\(Units.thousands(list.count - maxRows)) more in anomalies.csv." : nil)))
        return ReportSection(id: "anomalies", title: "Anomalies", blocks: blocks)
    }

    /// What happened, for a person: "10.0.4.7 scanned ports between 02:14 and 02:19 UTC on
    /// 2026-11-01 (5 min): 4,812 distinct ports; usual 3."
    static func sentence(_ a: AnomalyRecord) -> String {
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
