import FlowArtifacts
import FlowCore
import FlowDetection
import FlowFeatures
import FlowGraph
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
    /// Per host address: median flows received per training window it received any.
    public var hostMedianInbound: [String: Double]?
    /// Distributions of ln((1 + fan) / (1 + the host's median fan)) over the training host
    /// windows, and of log10(edge bytes per window), for p-values (nil: too few to fit).
    public var fanInCalibration: TailCalibration?
    public var fanOutCalibration: TailCalibration?
    public var edgeCalibration: TailCalibration?
    /// Brute force: per "source port", the source's median login attempts per window (from
    /// at least `minimumHostWindows` of its windows), and the distribution of
    /// ln((1 + attempts) / (1 + usual)) over the training cells (`BruteForceDetector`).
    public var bruteForceUsual: [String: Double]?
    public var bruteForceCalibration: TailCalibration?

    enum CodingKeys: String, CodingKey {
        case format, version, kind
        case bruteForceUsual = "brute_force_usual"
        case bruteForceCalibration = "brute_force_calibration"
        case hostMedianInbound = "host_median_inbound"
        case fanInCalibration = "fan_in_calibration"
        case fanOutCalibration = "fan_out_calibration"
        case edgeCalibration = "edge_calibration"
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
/// anomalies: `port_scan` / `address_sweep` (the sequential test of `ScanDetector`, no
/// history needed), `ddos` (`FloodDetector`: many sources into one host, read from its
/// inbound flows), `fan_out_burst` (distinct destinations ≥ max(`burst_minimum_peers`,
/// `burst_factor` × the host's training median)), `new_heavy_edge` (an edge absent from
/// the previous window carrying more bytes than the training quantile
/// `heavy_edge_quantile` of edges per window, in at least `heavy_edge_min_flows` flows),
/// `beaconing` (`BeaconDetector`, over the whole day), `brute_force` (`BruteForceDetector`),
/// and — when no host history was trained — `exfiltration` judged on the day alone
/// (`ExfiltrationDetector`). p-values: docs/incidents.md.
/// Detectors that need a training distribution (fan-out, heavy edges) are skipped, with
/// one log line at training, when the training window is too small to fit one.
public struct HostGraphModelKind: ModelKind {
    public static let kindName = "graph"
    public var name: String { Self.kindName }
    public static let fileName = "graph.json"

    public init() {}

    public func train(_ context: TrainContext) throws -> ModelsIndex.Entry? {
        let c = context.config
        // One pass over runs of a day's worth of windows (`WindowSegments`; each day's table
        // in turn when training streams): per-window edges, inbound counts, brute-force
        // cells and the host profiles of the run, of which only the columns the graph
        // needs are kept, so the working sets are sized by one day and the profiles'
        // other columns are never held for the whole range.
        var edgeBytes: [Double] = []
        var windowCount = 0
        var inbound: [(host: Int32, count: Double)] = []
        var attempts: [(source: Int32, port: Int32, attempts: Int)] = []
        var profileHost: [Int32] = [], fanOutColumn: [Double] = [], fanInColumn: [Double] = [], scans: [Double] = []
        let blockMillis = WindowSegments.blockMillis(windowMillis: c.windowMillis)
        let (hosts, _) = try context.data.forEachRun(blockMillis: blockMillis) { t, run in
            let windows = WindowedRows.split(t, rows: run, windowMillis: c.windowMillis)
            windowCount += windows.count
            for w in windows {
                let g = HostGraph.build(t, rows: w.rows)
                for e in g.edges { edgeBytes.append(Double(e.bytes)) }
            }
            var counts: [UInt64: Int] = [:]
            for i in run {
                let w = FloodDetector.windowOf(t.start[i], c.windowMillis)
                counts[UInt64(UInt32(bitPattern: t.destination[i])) << 32 | UInt64(UInt32(truncatingIfNeeded: w)), default: 0] += 1
            }
            for (k, n) in counts { inbound.append((Int32(bitPattern: UInt32(k >> 32)), Double(n))) }
            attempts += BruteForceDetector.trainingAttempts(t, rows: run, windowMillis: c.windowMillis)
            let p = HostProfiles.build(t, rows: run, windowMillis: c.windowMillis)
            profileHost += p.host
            for r in 0..<p.count {
                fanOutColumn.append(p.features[r, 7])
                fanInColumn.append(p.features[r, 6])
            }
            scans += ScanScore.compute(p)
        }
        edgeBytes.sortAscending()
        // A host's usual fan-out/fan-in and inbound flows are learned only from enough of its
        // own windows: from one window (a short capture, a host seen once) the "usual" would
        // be the very burst a detector should find. Unlearned hosts get the history-free rules.
        var medians: [String: [Double]] = [:]
        IndexOrder.forEachGroup(of: profileHost) { h, rows in
            guard rows.count >= Self.minimumHostWindows else { return }
            medians[hosts[Int(h)].description] = [median(rows.map { fanOutColumn[$0] }), median(rows.map { fanInColumn[$0] })]
        }
        scans.sortAscending()
        var medianInbound: [String: Double] = [:]
        IndexOrder.forEachGroup(of: inbound.map(\.host)) { h, rows in
            guard rows.count >= Self.minimumHostWindows else { return }
            medianInbound[hosts[Int(h)].description] = median(rows.map { inbound[$0].count })
        }
        inbound = []
        var inRatios: [Double] = [], outRatios: [Double] = []
        for r in 0..<profileHost.count {
            let m = medians[hosts[Int(profileHost[r])].description] ?? [0, 0]
            outRatios.append(log((1 + fanOutColumn[r]) / (1 + m[0])))
            inRatios.append(log((1 + fanInColumn[r]) / (1 + m[1])))
        }
        let windowsProfiled = profileHost.count
        profileHost = []
        let fanOut = fanOutColumn.sortedAscending(), fanIn = fanInColumn.sortedAscending()
        fanOutColumn = []; fanInColumn = []
        let edgeCalibration = TailCalibration.fit(edgeBytes.map { log10(max($0, 1)) })
        let fanOutCalibration = TailCalibration.fit(outRatios)
        if edgeCalibration == nil {
            context.log("graph: new_heavy_edge skipped: \(edgeBytes.count) training edges; needs at least \(TailCalibration.minimumSample)")
        }
        if fanOutCalibration == nil {
            context.log("graph: fan_out_burst skipped: \(windowsProfiled) training host windows; needs at least \(TailCalibration.minimumSample)")
        }
        let qs = [0.5, 0.99, 0.999]
        var file = GraphModelFile(
            windowMinutes: c.windowMinutes, pageRankWeight: c.graph.pageRankWeight,
            heavyEdgeBytes: max(1, FittedScaler.quantile(edgeBytes, c.graph.heavyEdgeQuantile)),
            heavyEdgeQuantile: c.graph.heavyEdgeQuantile, hostMedianFans: medians,
            fanOutQuantiles: qs.map { FittedScaler.quantile(fanOut, $0) },
            fanInQuantiles: qs.map { FittedScaler.quantile(fanIn, $0) },
            scanScoreQuantiles: qs.map { FittedScaler.quantile(scans, $0) },
            trainingWindows: windowCount, trainingEdges: edgeBytes.count)
        file.hostMedianInbound = medianInbound
        file.fanInCalibration = TailCalibration.fit(inRatios)
        file.fanOutCalibration = fanOutCalibration
        file.edgeCalibration = edgeCalibration
        let brute = BruteForceDetector.train(attempts: attempts, hosts: hosts, minimumWindows: Self.minimumHostWindows)
        file.bruteForceUsual = brute.usual
        file.bruteForceCalibration = brute.calibration
        try ModelFile.write(file, to: context.outputFolder + "/" + Self.fileName)
        return ModelsIndex.Entry(kind: name, file: Self.fileName)
    }

    func median(_ v: [Double]) -> Double { FittedScaler.quantile(v.sortedAscending(), 0.5) }

    /// Fewest training windows of a host from which its usual fans and inbound rate are
    /// learned.
    public static let minimumHostWindows = 3

    public func score(_ context: ScoreContext, entry: ModelsIndex.Entry) throws -> KindScores {
        let path = context.modelsFolder + "/" + entry.file
        let model = try context.decodedFiles.modelFile(GraphModelFile.self, path: path, kind: name)
        let c = context.config
        let t = try context.data.table()
        let profiles = try context.data.profiles()
        let windowMillis = Int64(model.windowMinutes) * 60_000
        context.feed?.addGraphDay(t, pageRankWeight: model.pageRankWeight)
        var anomalies: [AnomalyRecord] = []
        let f = profiles.features
        // Scans and sweeps (sequential test), floods (inbound flows), fan-out bursts.
        anomalies += ScanDetector.detect(t, minimumTargets: c.graph.scanMinimumTargets)
        anomalies += FloodDetector.detect(
            t, windowMillis: windowMillis, minimumSources: c.graph.burstMinimumPeers, factor: c.graph.burstFactor,
            baseline: .init(usualSources: { model.hostMedianFans[$0]?[1] ?? 0 },
                            usualInboundPerWindow: { model.hostMedianInbound?[$0] },
                            calibration: model.fanInCalibration))
        anomalies += BruteForceDetector.detect(t, windowMillis: windowMillis, usual: model.bruteForceUsual ?? [:],
                                               calibration: model.bruteForceCalibration)
        // Without a host history (a thin training window) exfiltration is judged on the day
        // alone: a big upload to a peer the host had not contacted earlier that day.
        if !context.historyTrained {
            anomalies += ExfiltrationDetector.detect(t, novelty: .sameDay, minimumBytes: c.scoring.exfiltrationMinimumBytes)
        }
        let scans = ScanScore.compute(profiles)
        var scanOf: [UInt64: Double] = [:]
        for r in 0..<profiles.count {
            let host = t.hosts[Int(profiles.host[r])].description
            let start = profiles.windowStart[r], end = start + windowMillis
            scanOf[Self.key(profiles.host[r], start)] = scans[r]
            guard let calibration = model.fanOutCalibration else { continue }
            let usual = model.hostMedianFans[host]?[0] ?? 0
            let limit = max(Double(c.graph.burstMinimumPeers), c.graph.burstFactor * usual)
            if f[r, 7] >= limit {
                anomalies.append(AnomalyRecord(
                    kind: "fan_out_burst", entity: host, start: start, end: end, score: f[r, 7] / limit,
                    evidence: "\(formatValue(f[r, 7])) distinct destinations; usual \(formatValue(usual)) per window; \(formatValue(100 * f[r, 4]))% of its TCP flows failed",
                    log10P: calibration.log10PValue(log((1 + f[r, 7]) / (1 + usual))),
                    summary: "\(host) sent flows to \(Plain.count(Int(f[r, 7]))) distinct hosts in \(Plain.duration(millis: windowMillis)), usually \(formatValue(usual.rounded()))"))
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
            if let previous = previousEdges, previousStart == w.start - windowMillis, let calibration = model.edgeCalibration {
                for e in g.edges where Double(e.bytes) >= model.heavyEdgeBytes && e.flows >= c.graph.heavyEdgeMinimumFlows {
                    let a = g.nodes[Int(e.source)], b = g.nodes[Int(e.destination)]
                    if previous.contains(Self.key(a, Int64(b))) { continue }
                    context.feed?.addNewEdge(src: t.hosts[Int(a)], dst: t.hosts[Int(b)], flows: e.flows, bytes: e.bytes)
                    anomalies.append(AnomalyRecord(
                        kind: "new_heavy_edge", entity: t.hosts[Int(a)].description + " -> " + t.hosts[Int(b)].description,
                        start: w.start, end: w.start + windowMillis, score: Double(e.bytes) / model.heavyEdgeBytes,
                        evidence: "\(formatValue(Double(e.bytes))) bytes in \(e.flows) flows, absent in the previous window; heavy from \(formatValue(model.heavyEdgeBytes.rounded())) bytes",
                        log10P: calibration.log10PValue(log10(Double(max(e.bytes, 1)))),
                        summary: "\(t.hosts[Int(a)]) sent \(Plain.bytes(Double(e.bytes))) to \(t.hosts[Int(b)]) in \(Plain.count(e.flows, "flow")) within \(Plain.duration(millis: windowMillis)), a pair silent the hour before"))
                }
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
        anomalies += BeaconDetector.detect(t, minimumFlows: c.graph.periodicMinimumFlows,
                                           minimumSpanMinutes: c.graph.periodicMinimumSpanMinutes,
                                           tolerance: c.graph.periodicMaximumVariation)
        return KindScores(anomalies: anomalies, outputs: [(file, wStart.count)])
    }

    static func key(_ host: Int32, _ other: Int64) -> UInt64 {
        UInt64(UInt32(bitPattern: host)) << 32 ^ UInt64(bitPattern: other)
    }
}
