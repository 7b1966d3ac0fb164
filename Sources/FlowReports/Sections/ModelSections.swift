/// 5. Clusters and 6. host graph, from the report feed of the score stage.
enum ModelSections {
    static func clusters(_ input: ReportInput) -> ReportSection {
        guard let c = input.clusters else {
            return ReportSection(id: "clusters", title: "Clusters", blocks: [
                .absent("No clusters: no clustering model ran (the scores folder has no report feed with a clusters section)."),
            ])
        }
        var blocks: [Block] = []
        let total = c.clusters.reduce(0) { $0 + $1.size }
        var intro = "\(c.clusters.count) clusters of \(c.subject ?? "points") by \(c.algorithm), \(Units.thousands(total)) members"
        if let o = c.outliers { intro += ", \(Units.thousands(o)) outliers" }
        blocks.append(.paragraph([.text(intro + ".")]))
        let rows = c.clusters.sorted { ($1.size, $0.id) < ($0.size, $1.id) }.map { k -> [ReportTable.Cell] in
            let centre = c.features.compactMap { f in k.centre[f].map { f + " " + featureValue(f, $0) } }.joined(separator: " · ")
            return [.count(k.id), ReportTable.Cell(k.name), .count(k.size),
                    ReportTable.Cell(Units.percent(Double(k.size), of: Double(total)), sortKey: Double(k.size)), ReportTable.Cell(centre)]
        }
        blocks.append(.table(ReportTable(columns: [.init("Cluster", numeric: true), .init("Name"), .init("Size", numeric: true), .init("Share", numeric: true),
                                                    .init("Centre (original units)")], rows: rows)))
        if let p = c.projection, !p.points.isEmpty {
            let names = c.clusters.sorted { $0.id < $1.id }.map { (id: $0.id, name: "\($0.id): \($0.name)") }
            let chart = ScatterChart(title: "Clusters in two dimensions (\(p.xLabel) × \(p.yLabel))", xLabel: p.xLabel, yLabel: p.yLabel,
                                     points: p.points.map { ScatterChart.Point(x: $0.x, y: $0.y, group: $0.cluster, outlier: $0.outlier, label: $0.label) },
                                     groups: names)
            var figure = ChartFigure(id: "clusters", title: chart.title,
                                     caption: "Each point is one member projected on the first two principal components, coloured by cluster; rings mark outliers.") { chart.svg(standalone: $0) }
            figure.narrowSVG = chart.compact.svg(standalone: false)
            blocks.append(.chart(figure))
        } else {
            blocks.append(.absent("No 2-D projection in the report feed."))
        }
        return ReportSection(id: "clusters", title: "Clusters", blocks: blocks)
    }

    /// A centre coordinate in its unit, guessed from the feature name.
    static func featureValue(_ name: String, _ v: Double) -> String {
        let n = name.lowercased()
        // Ratios and shares first (by whole name part: `duration` is not a ratio):
        // `bytes_out_in_log_ratio` is a number, not a size.
        let parts = Set(n.split(separator: "_").map(String.init))
        if !parts.isDisjoint(with: ["ratio", "share", "fraction"]) { return Units.fixed(v, 2) }
        if n.contains("bytes_per") || n.hasSuffix("bpp") { return Units.fixed(v, v < 100 ? 1 : 0) + " B" }
        if n.contains("bytes") { return Units.bytes(v) }
        if n.hasSuffix("_ms") || n.contains("duration") { return UTCText.duration(Int64(v.isFinite ? v : 0)) }
        return Units.compact(v)
    }

    static func hostGraph(_ input: ReportInput) -> ReportSection {
        guard let g = input.hostGraph else {
            return ReportSection(id: "host-graph", title: "Host graph", blocks: [
                .absent("No host graph: no graph model ran (the scores folder has no report feed with a host_graph section)."),
            ])
        }
        var blocks: [Block] = []
        if let n = g.nodeCount, let e = g.edgeCount {
            blocks.append(.paragraph([.text("\(Units.thousands(n)) hosts and \(Units.thousands(e)) host pairs talked in the scored period.")]))
        }
        blocks.append(.heading("Top hosts by PageRank"))
        blocks.append(.table(ReportTable(columns: [.init("#", numeric: true), .init("Host"), .init("PageRank", numeric: true), .init("Degree", numeric: true),
                                                    .init("In", numeric: true), .init("Out", numeric: true), .init("Bytes", numeric: true)],
                                         rows: g.top.enumerated().map { i, h in
                                             [.count(i + 1), ReportTable.Cell(h.host, code: true), ReportTable.Cell(Units.fixed(h.pagerank, 4), sortKey: h.pagerank),
                                              .count(h.degree), h.inDegree.map { .count($0) } ?? ReportTable.Cell("–"),
                                              h.outDegree.map { .count($0) } ?? ReportTable.Cell("–"),
                                              h.bytes.map { ReportTable.Cell(Units.bytes($0), sortKey: $0) } ?? ReportTable.Cell("–")]
                                         })))
        blocks.append(.heading("New edges since the previous window"))
        if g.newEdges.isEmpty {
            blocks.append(.paragraph([.text("No host pair talked for the first time.")]))
        } else {
            let shown = g.newEdges.prefix(25)
            blocks.append(.table(ReportTable(columns: [.init("Source"), .init("Destination"), .init("Flows", numeric: true), .init("Bytes", numeric: true)],
                                             rows: shown.map { e in
                                                 [ReportTable.Cell(e.src, code: true), ReportTable.Cell(e.dst, code: true),
                                                  e.flows.map { .count($0) } ?? ReportTable.Cell("–"),
                                                  e.bytes.map { ReportTable.Cell(Units.bytes($0), sortKey: $0) } ?? ReportTable.Cell("–")]
                                             }, note: g.newEdges.count > shown.count ? "\(g.newEdges.count - shown.count) more new edges." : nil)))
        }
        if let n = g.neighbourhood {
            let chart = NodeLinkChart(title: "Neighbourhood of " + Escape.singleLine(n.centre), centre: n.centre,
                                      nodes: n.nodes.map { NodeLinkChart.Node(id: $0.id, highlighted: $0.anomalous) },
                                      edges: n.edges.map { NodeLinkChart.Edge(source: $0.src, target: $0.dst, weight: $0.bytes ?? Double($0.flows ?? 1), isNew: $0.isNew) })
            var figure = ChartFigure(id: "neighbourhood", title: chart.title,
                                     caption: "The most anomalous host in the middle; line width by bytes, red lines are new edges, red hosts are anomalous too.") { chart.svg(standalone: $0) }
            figure.narrowSVG = chart.compact.svg(standalone: false)
            blocks.append(.chart(figure))
        }
        return ReportSection(id: "host-graph", title: "Host graph", blocks: blocks)
    }
}
