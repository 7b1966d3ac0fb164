import FlowArtifacts

/// 0. Incidents: the detections grouped into what happened, one card each, most severe
/// first; links to the member rows of the anomalies table and to the marker on the bytes
/// chart. Only present when the scores folder has `incidents.csv`.
enum IncidentSection {
    /// Cards shown (the Markdown table lists as many).
    static let maxCards = 20
    /// Other hosts and ports listed by name before "and N more".
    static let listedHosts = 3
    static let listedPorts = 8
    static let listedDetections = 12

    /// HTML anchor of the incident at `position` (0-based, in rank order): positions, not
    /// the file's ranks or ids, so anchors are unique and never log text.
    static func anchor(_ position: Int) -> String { "incident-\(position + 1)" }

    /// Incident id → anchor, for the incidents that have a card.
    static func anchors(_ input: ReportInput) -> [String: String] {
        var out: [String: String] = [:]
        for (i, x) in (input.incidents ?? []).prefix(maxCards).enumerated() where out[x.id] == nil { out[x.id] = anchor(i) }
        return out
    }

    /// "92 · critical".
    static func badge(_ x: Incident) -> String { String(x.severity) + " · " + x.band.word }

    static func hostsText(_ x: Incident) -> String {
        guard let first = x.hosts.first else { return "–" }
        return x.hosts.count == 1 ? first : first + " (+\(x.hosts.count - 1) more)"
    }

    static func timeText(_ x: Incident) -> String {
        UTCText.window(x.start, x.end) + " UTC (" + UTCText.duration(x.end - x.start) + ")"
    }

    static func build(_ input: ReportInput) -> ReportSection? {
        guard let list = input.incidents else { return nil }
        guard !list.isEmpty else {
            return ReportSection(id: "incidents", title: "Incidents", blocks: [.paragraph([.text("No incidents in this period: the detections did not add up to anything that needs attention.")])])
        }
        let shownAnomalies = AnomalySection.rowAnchors(input)
        let marked = Set(AnomalySection.windows(input).map(\.number))
        var counts: [SeverityBand: Int] = [:]
        for x in list { counts[x.band, default: 0] += 1 }
        let tally = SeverityBand.allCases.compactMap { b in counts[b].map { "\($0) \(b.word)" } }.joined(separator: ", ")
        var blocks: [Block] = [.paragraph([.text(SummarySection.plural(list.count, "incident") + " (" + tally + "), most severe first.")])]

        var cards: [Card] = []
        for (i, x) in list.prefix(maxCards).enumerated() {
            var facts: [(String, [Inline])] = []
            if let first = x.hosts.first {
                var host: [Inline] = [.code(first)]
                let others = x.hosts.dropFirst()
                if !others.isEmpty {
                    host.append(.text(" and " + SummarySection.plural(others.count, "other host") + ": "))
                    for (j, h) in others.prefix(listedHosts).enumerated() {
                        if j > 0 { host.append(.text(", ")) }
                        host.append(.code(h))
                    }
                    if others.count > listedHosts { host.append(.text(" …")) }
                }
                facts.append(("Host", host))
            }
            if !x.ports.isEmpty {
                var ports: [Inline] = [.text(x.ports.prefix(listedPorts).map(String.init).joined(separator: ", "))]
                if x.ports.count > listedPorts { ports.append(.text(" and \(Units.thousands(x.ports.count - listedPorts)) more")) }
                facts.append((x.ports.count == 1 ? "Port" : "Ports", ports))
            }
            facts.append(("When", [.text(timeText(x))]))
            if !x.detections.isEmpty {
                var links: [Inline] = []
                for (j, rank) in x.detections.prefix(listedDetections).enumerated() {
                    if j > 0 { links.append(.text(", ")) }
                    if let a = shownAnomalies[rank] { links.append(.link("#\(rank)", anchor: a, file: "#anomalies")) } else { links.append(.text("#\(rank)")) }
                }
                if x.detections.count > listedDetections { links.append(.text(" and \(x.detections.count - listedDetections) more")) }
                facts.append((x.detections.count == 1 ? "Detection" : "Detections", links))
            }
            if marked.contains(x.rank) {
                facts.append(("Chart", [.link("marker \(x.rank) on the bytes chart", anchor: "chart-traffic-bytes", file: "chart-traffic-bytes.svg")]))
            }
            cards.append(Card(id: anchor(i), label: "#\(x.rank)", title: x.kind.title, badge: badge(x), tone: x.band.rawValue,
                              summary: x.summary.isEmpty ? [] : [.text(x.summary)], facts: facts))
        }
        let rows = list.prefix(maxCards).map { x -> [ReportTable.Cell] in
            [.count(x.rank), ReportTable.Cell(x.kind.title), ReportTable.Cell(badge(x), sortKey: Double(x.severity)),
             ReportTable.Cell(hostsText(x), code: true), ReportTable.Cell(timeText(x)), ReportTable.Cell(x.summary)]
        }
        let table = ReportTable(columns: [.init("Rank", numeric: true), .init("Kind"), .init("Severity", numeric: true),
                                          .init("Hosts"), .init("Time (UTC)"), .init("Summary")], rows: rows, sortable: false)
        blocks.append(.cards(cards, markdown: table))
        if list.count > maxCards { blocks.append(.paragraph([.text("\(Units.thousands(list.count - maxCards)) more in incidents.csv.")])) }
        return ReportSection(id: "incidents", title: "Incidents", blocks: blocks)
    }
}
