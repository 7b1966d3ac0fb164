import Foundation

/// The saved host graph baseline (`graph.json`).
public struct GraphModelFile: Codable, Sendable {
    public var format = ModelFile.format
    public var version = ModelFile.version
    public var kind = HostGraphModelKind.kindName
    public var windowMinutes: Int
    public var pageRankWeight: PageRank.Weight
    /// Bytes of one edge in one window above which it is heavy (training quantile).
    public var heavyEdgeBytes: Double
    public var heavyEdgeQuantile: Double
    /// Per host address: median fan-out and fan-in over its training windows.
    public var hostMedianFans: [String: [Double]]
    /// Training quantiles (0.5, 0.99, 0.999) of fan-out, fan-in and scan score.
    public var fanOutQuantiles: [Double]
    public var fanInQuantiles: [Double]
    public var scanScoreQuantiles: [Double]
    public var trainingWindows: Int
    public var trainingEdges: Int

    enum CodingKeys: String, CodingKey {
        case format, version, kind
        case windowMinutes = "window_minutes"
        case pageRankWeight = "pagerank_weight"
        case heavyEdgeBytes = "heavy_edge_bytes"
        case heavyEdgeQuantile = "heavy_edge_quantile"
        case hostMedianFans = "host_median_fans"
        case fanOutQuantiles = "fan_out_quantiles"
        case fanInQuantiles = "fan_in_quantiles"
        case scanScoreQuantiles = "scan_score_quantiles"
        case trainingWindows = "training_windows"
        case trainingEdges = "training_edges"
    }
}

/// The host graph per window: degree, weighted degree, fan-in/out, PageRank, weakly
/// connected components (written per scored day as `graph-DATE.arrow`), and the graph
/// anomalies: `port_scan` (scan score ≥ `graph.scan_threshold`), `fan_out_burst` /
/// `fan_in_burst` (distinct peers ≥ max(`burst_minimum_peers`, `burst_factor` × the host's
/// training median)), `new_heavy_edge` (an edge absent from the previous window carrying
/// more bytes than the training quantile `heavy_edge_quantile` of edges per window, in at
/// least `heavy_edge_min_flows` flows), `periodic_edge` (at least `periodic_min_flows`
/// flows whose start gaps and sizes have a coefficient of variation at most
/// `periodic_max_variation`: beaconing).
/// Scores are the measure over its threshold.
public struct HostGraphModelKind: ModelKind {
    public static let kindName = "graph"
    public var name: String { Self.kindName }
    public static let fileName = "graph.json"

    public init() {}

    public func train(_ context: TrainContext) throws -> ModelsIndex.Entry? {
        let c = context.config
        let t = try context.data.table()
        let profiles = try context.data.profiles()
        var edgeBytes: [Double] = []
        let windows = WindowedRows.split(t, windowMillis: c.windowMillis)
        for w in windows {
            let g = HostGraph.build(t, rows: w.rows)
            for e in g.edges { edgeBytes.append(Double(e.bytes)) }
        }
        edgeBytes.sort()
        var fans: [Int32: ([Double], [Double])] = [:]
        let f = profiles.features
        for r in 0..<profiles.count {
            fans[profiles.host[r], default: ([], [])].0.append(f[r, 7])
            fans[profiles.host[r], default: ([], [])].1.append(f[r, 6])
        }
        var medians: [String: [Double]] = [:]
        for (h, v) in fans { medians[t.hosts[Int(h)].description] = [median(v.0), median(v.1)] }
        let scans = ScanScore.compute(profiles).sorted()
        let fanOut = (0..<f.rows).map { f[$0, 7] }.sorted(), fanIn = (0..<f.rows).map { f[$0, 6] }.sorted()
        let qs = [0.5, 0.99, 0.999]
        let file = GraphModelFile(
            windowMinutes: c.windowMinutes, pageRankWeight: c.graph.pageRankWeight,
            heavyEdgeBytes: max(1, FittedScaler.quantile(edgeBytes, c.graph.heavyEdgeQuantile)),
            heavyEdgeQuantile: c.graph.heavyEdgeQuantile, hostMedianFans: medians,
            fanOutQuantiles: qs.map { FittedScaler.quantile(fanOut, $0) },
            fanInQuantiles: qs.map { FittedScaler.quantile(fanIn, $0) },
            scanScoreQuantiles: qs.map { FittedScaler.quantile(scans, $0) },
            trainingWindows: windows.count, trainingEdges: edgeBytes.count)
        try ModelFile.write(file, to: context.outputFolder + "/" + Self.fileName)
        return ModelsIndex.Entry(kind: name, file: Self.fileName)
    }

    func median(_ v: [Double]) -> Double { FittedScaler.quantile(v.sorted(), 0.5) }

    public func score(_ context: ScoreContext, entry: ModelsIndex.Entry) throws -> KindScores {
        let path = context.modelsFolder + "/" + entry.file
        let model = try ModelFile.read(GraphModelFile.self, path: path, kind: name)
        let c = context.config
        let t = try context.data.table()
        let profiles = try context.data.profiles()
        let windowMillis = Int64(model.windowMinutes) * 60_000
        context.feed?.addGraphDay(t, pageRankWeight: model.pageRankWeight)
        var anomalies: [AnomalyRecord] = []
        let f = profiles.features
        // Port scans and bursts, from the host profiles.
        let scans = ScanScore.compute(profiles)
        var scanOf: [UInt64: Double] = [:]
        for r in 0..<profiles.count {
            let host = t.hosts[Int(profiles.host[r])].description
            let start = profiles.windowStart[r], end = start + windowMillis
            scanOf[Self.key(profiles.host[r], start)] = scans[r]
            if scans[r] >= c.graph.scanThreshold {
                anomalies.append(AnomalyRecord(
                    kind: "port_scan", entity: host, start: start, end: end, score: scans[r] / c.graph.scanThreshold,
                    evidence: "\(formatValue(f[r, 2])) distinct ports on \(formatValue(f[r, 7])) hosts; \(formatValue(100 * f[r, 4]))% failed or half-open; \(formatValue(f[r, 5])) bytes per flow"))
            }
            let usual = model.hostMedianFans[host] ?? [0, 0]
            for (column, kind, usualFan) in [(7, "fan_out_burst", usual[0]), (6, "fan_in_burst", usual[1])] {
                let limit = max(Double(c.graph.burstMinimumPeers), c.graph.burstFactor * usualFan)
                if f[r, column] >= limit {
                    anomalies.append(AnomalyRecord(
                        kind: kind, entity: host, start: start, end: end, score: f[r, column] / limit,
                        evidence: "\(formatValue(f[r, column])) distinct \(column == 7 ? "destinations" : "sources"); usual \(formatValue(usualFan)) per window; \(formatValue(100 * f[r, 4]))% failed"))
                }
            }
        }
        // Per-window graphs: measures and new heavy edges.
        var wStart: [Int64] = [], wHost: [String] = [], degree: [Int64] = [], weighted: [Int64] = []
        var fanIn: [Int64] = [], fanOut: [Int64] = [], rank: [Double] = [], component: [Int64] = [], scan: [Double] = []
        var previousEdges: Set<UInt64>? = nil
        var previousStart: Int64 = .min
        for w in WindowedRows.split(t, windowMillis: windowMillis) {
            let g = HostGraph.build(t, rows: w.rows)
            let m = g.measures(pageRankWeight: model.pageRankWeight)
            for n in 0..<g.nodes.count {
                wStart.append(w.start)
                wHost.append(t.hosts[Int(g.nodes[n])].description)
                degree.append(Int64(m.degree[n]))
                weighted.append(Int64(clamping: m.weightedDegree[n]))
                fanIn.append(Int64(m.fanIn[n]))
                fanOut.append(Int64(m.fanOut[n]))
                rank.append(m.pageRank[n])
                component.append(Int64(m.component[n]))
                scan.append(scanOf[Self.key(g.nodes[n], w.start)] ?? 0)
            }
            var edges = Set<UInt64>()
            for e in g.edges { edges.insert(Self.key(g.nodes[Int(e.source)], Int64(g.nodes[Int(e.destination)]))) }
            if let previous = previousEdges, previousStart == w.start - windowMillis {
                for e in g.edges where Double(e.bytes) >= model.heavyEdgeBytes && e.flows >= c.graph.heavyEdgeMinimumFlows {
                    let a = g.nodes[Int(e.source)], b = g.nodes[Int(e.destination)]
                    if previous.contains(Self.key(a, Int64(b))) { continue }
                    context.feed?.addNewEdge(src: t.hosts[Int(a)], dst: t.hosts[Int(b)], flows: e.flows, bytes: e.bytes)
                    anomalies.append(AnomalyRecord(
                        kind: "new_heavy_edge", entity: t.hosts[Int(a)].description + " -> " + t.hosts[Int(b)].description,
                        start: w.start, end: w.start + windowMillis, score: Double(e.bytes) / model.heavyEdgeBytes,
                        evidence: "\(formatValue(Double(e.bytes))) bytes in \(e.flows) flows, absent in the previous window; heavy from \(formatValue(model.heavyEdgeBytes.rounded())) bytes"))
                }
            }
            for p in PeriodicEdges.find(t, graph: g, rows: w.rows, minimumFlows: c.graph.periodicMinimumFlows,
                                        maximumVariation: c.graph.periodicMaximumVariation) {
                let a = g.nodes[Int(p.edge.source)], b = g.nodes[Int(p.edge.destination)]
                let score = Double(p.edge.flows) / Double(c.graph.periodicMinimumFlows)
                    * c.graph.periodicMaximumVariation / max(p.variation, c.graph.periodicMaximumVariation / 4)
                anomalies.append(AnomalyRecord(
                    kind: "periodic_edge", entity: t.hosts[Int(a)].description + " -> " + t.hosts[Int(b)].description,
                    start: w.start, end: w.start + windowMillis, score: score,
                    evidence: "\(p.edge.flows) flows every \(formatValue(p.meanGapSeconds)) s (variation \(formatValue(100 * p.gapVariation))%), \(formatValue(p.meanBytes)) bytes each (variation \(formatValue(100 * p.bytesVariation))%)"))
            }
            previousEdges = edges
            previousStart = w.start
        }
        let file = "graph-\(context.date).arrow"
        try ScoreTable(columns: [
            .init("window_start", .timestamp(wStart)), .init("host", .utf8(wHost)),
            .init("degree", .int64(degree)), .init("weighted_degree", .int64(weighted)),
            .init("fan_in", .int64(fanIn)), .init("fan_out", .int64(fanOut)),
            .init("pagerank", .float64(rank)), .init("component", .int64(component)),
            .init("scan_score", .float64(scan)),
        ]).write(path: context.outputFolder + "/" + file, metadata: [("floe:table", "graph_scores")])
        // Keep the strongest rows per kind.
        var kept: [AnomalyRecord] = []
        for kind in Set(anomalies.map(\.kind)).sorted() {
            kept += anomalies.filter { $0.kind == kind }.sorted { $0.score > $1.score }.prefix(c.scoring.maxAnomaliesPerKind)
        }
        return KindScores(anomalies: kept, outputs: [(file, wStart.count)])
    }

    static func key(_ host: Int32, _ other: Int64) -> UInt64 {
        UInt64(UInt32(bitPattern: host)) << 32 ^ UInt64(bitPattern: other)
    }
}
