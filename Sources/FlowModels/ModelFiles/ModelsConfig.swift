import FlowCore
import Foundation

/// The `models:` section of a pipeline file (YAML or JSON; FlowCommands turns YAML into
/// JSON and hands it to `ModelsConfig.decode(json:)`). Every key is optional; numbers
/// may also be given as strings (`tol: 1e-4` is text in YAML 1.1). Example:
///
/// ```yaml
/// models:
///   features: host            # host (per host per window) | flow (per flow)
///   window_minutes: 60        # host profile and host graph window
///   host_min_flows: 10        # host windows with fewer flows skip clustering/DBSCAN
///   scaler: robust            # robust | standard | none (log1p on heavy-tailed counts first)
///   internal_networks: [10.0.0.0/8, fd00::/8]
///   seed: 42
///   kmeans: {k: auto, k_range: [2, 10], n_init: 4, max_iter: 300, tol: 1e-4,
///            silhouette_sample: 2000, mini_batch: {enabled: false, batch_size: 4096, max_steps: 300}}
///   dbscan: {eps: auto, min_samples: 10, max_points: 100000}
///   graph: {pagerank_weight: flows, heavy_edge_quantile: 0.9999, heavy_edge_min_flows: 10,
///           burst_minimum_peers: 200, burst_factor: 10, scan_threshold: 6,
///           periodic_min_flows: 30, periodic_min_span_minutes: 120, periodic_max_variation: 0.1,
///           scan_min_targets: 20}
///   scoring: {cluster_threshold: 6, density_threshold: 6, max_anomalies: 50, exfiltration_min_bytes: 100000000}
///   timeseries: {series: {bucket: 60}, model: {level: 0.9999}}   # TimeSeriesSection (docs/timeseries.md)
///   allowlist: {hosts: [{address: 10.0.0.5, reason: backup server}]}  # Allowlist (docs/incidents.md)
/// ```
public struct ModelsConfig: Sendable, Equatable {
    public var version = 1
    public var features: FeatureSetKind = .host
    public var windowMinutes = 60
    /// Host windows with fewer flows are left out of the clustering and density models
    /// (they still count in the host graph).
    public var hostMinFlows = 10
    public var scaler: ScalerKind = .robust
    public var internalNetworks: [NetworkPrefix] = NetworkPrefix.privateRanges
    public var seed: UInt64 = 42
    public var kmeans = KMeansConfig()
    public var dbscan = DBSCANConfig()
    public var graph = GraphConfig()
    public var scoring = ScoringConfig()
    /// Known-good hosts, networks, ports and pairs (`Allowlist`).
    public var allowlist = Allowlist()
    /// The whole section as JSON, for model kinds with sections of their own
    /// (e.g. `timeseries:`), which decode it themselves.
    public var sectionJSON: Data = Data("{}".utf8)

    public init() {}

    public var windowMillis: Int64 { Int64(windowMinutes) * 60_000 }

    /// Internal networks given outside the section (the pipeline settings' `internal_networks`):
    /// they replace the default unless the section sets `internal_networks` itself, and are
    /// then written into `sectionJSON`, so models.json records them and scoring uses the
    /// networks the models were trained with.
    public mutating func applyInternalNetworksSetting(_ networks: [NetworkPrefix]) {
        var root = (try? JSONSerialization.jsonObject(with: sectionJSON)) as? [String: Any] ?? [:]
        guard root["internal_networks"] == nil, networks != internalNetworks else { return }
        internalNetworks = networks
        root["internal_networks"] = networks.map(\.description)
        sectionJSON = (try? JSONSerialization.data(withJSONObject: root, options: [.sortedKeys])) ?? sectionJSON
    }

    public struct KMeansConfig: Sendable, Equatable {
        /// nil = `auto`.
        public var k: Int? = nil
        public var kRange: ClosedRange<Int> = 2...10
        public var nInit = 4
        public var maxIter = 300
        public var tol = 1e-4
        public var silhouetteSample = 2_000
        public var miniBatch = MiniBatchOptions()
        public init() {}
    }

    public struct DBSCANConfig: Sendable, Equatable {
        /// nil = `auto` (knee of the k-distance curve).
        public var eps: Double? = nil
        public var minSamples = 10
        /// Training rows DBSCAN sees at most (a seeded sample beyond that).
        public var maxPoints = 100_000
        public init() {}
    }

    public struct GraphConfig: Sendable, Equatable {
        public var pageRankWeight: PageRank.Weight = .flows
        /// Quantile of training edge bytes per window above which an edge is heavy.
        public var heavyEdgeQuantile = 0.9999
        /// Fewest flows of a heavy edge (one elephant flow is not an edge pattern).
        public var heavyEdgeMinimumFlows = 10
        /// Fewest distinct peers for a fan-out/fan-in burst.
        public var burstMinimumPeers = 200
        /// A burst is this many times the host's usual (median) fan.
        public var burstFactor = 10.0
        /// Beaconing: at least this many flows in the scored day …
        public var periodicMinimumFlows = 30
        /// … spanning at least this many minutes …
        public var periodicMinimumSpanMinutes = 120
        /// … whose start gaps and sizes vary by at most this coefficient of variation.
        public var periodicMaximumVariation = 0.1
        /// Scan score above which a host window is a port scan (no longer used: scans are
        /// found by the sequential test, `ScanDetector`; kept so configs stay valid).
        public var scanThreshold = 6.0
        /// Fewest failed first contacts of a source the sequential test calls a scanner
        /// before it is reported.
        public var scanMinimumTargets = 20
        public init() {}
    }

    public struct ScoringConfig: Sendable, Equatable {
        /// Cluster outlier when distance / cluster spread is at least this.
        public var clusterThreshold = 6.0
        /// Density outlier when the distance to the nearest training core point is at least
        /// this many eps (6 keeps benign elephant-flow hours out on generated traffic).
        public var densityThreshold = 6.0
        /// Incidents kept per day and incident kind at most (highest severity); their member
        /// rows are kept whole (`max_anomalies`, the name from when it capped rows).
        public var maxAnomaliesPerKind = 50
        /// Exfiltration: fewest bytes an internal host sends one external peer in a day.
        public var exfiltrationMinimumBytes = 100_000_000.0
        public init() {}
    }

    /// Decodes the section from JSON: either the section itself or a document holding it
    /// under `models`.
    public static func decode(json: Data, source: String) throws -> ModelsConfig {
        let any: Any
        do {
            any = try JSONSerialization.jsonObject(with: json, options: [.fragmentsAllowed])
        } catch {
            throw FlowModelsError.invalidParameter(name: source, value: "", reason: "not valid JSON/YAML: \(error.localizedDescription)")
        }
        guard var root = any as? [String: Any] else {
            throw FlowModelsError.invalidParameter(name: source, value: "", reason: "expected a mapping with a `models` section")
        }
        if let section = root["models"] as? [String: Any] { root = section }
        var c = ModelsConfig()
        c.sectionJSON = (try? JSONSerialization.data(withJSONObject: root, options: [.sortedKeys])) ?? Data("{}".utf8)
        let r = Reader(source: source, path: "models")
        if let v = try r.int(root, "version") {
            guard v == 1 else { throw FlowModelsError.invalidParameter(name: "models.version", value: "\(v)", reason: "this floe reads models section version 1") }
        }
        if let v = try r.string(root, "features") {
            guard let f = FeatureSetKind(rawValue: v) else { throw r.bad("features", v, "use host or flow") }
            c.features = f
        }
        if let v = try r.int(root, "window_minutes") {
            guard v >= 1 && v <= 1440 else { throw r.bad("window_minutes", "\(v)", "must be 1–1440") }
            c.windowMinutes = v
        }
        if let v = try r.int(root, "host_min_flows") { c.hostMinFlows = max(1, v) }
        if let v = try r.string(root, "scaler") {
            guard let s = ScalerKind(rawValue: v) else { throw r.bad("scaler", v, "use robust, standard or none") }
            c.scaler = s
        }
        if let v = root["internal_networks"] {
            guard let list = v as? [Any] else { throw r.bad("internal_networks", "\(v)", "expected a list of CIDR blocks") }
            c.internalNetworks = try list.map { item in
                switch NetworkPrefix.parse("\(item)") {
                case .success(let network): return network
                case .failure(let e): throw r.bad("internal_networks", e.text, e.reason)
                }
            }
        }
        if let v = try r.int(root, "seed") { c.seed = UInt64(truncatingIfNeeded: v) }
        if let k = root["kmeans"] as? [String: Any] {
            let kr = Reader(source: source, path: "models.kmeans")
            if let v = k["k"] {
                if "\(v)" == "auto" { c.kmeans.k = nil } else {
                    guard let n = try kr.int(k, "k"), n >= 1 else { throw kr.bad("k", "\(v)", "use a number ≥ 1 or auto") }
                    c.kmeans.k = n
                }
            }
            if let v = k["k_range"] {
                guard let list = v as? [Any], list.count == 2, let a = Int("\(list[0])"), let b = Int("\(list[1])"), a >= 2, b >= a else {
                    throw kr.bad("k_range", "\(v)", "expected [low, high] with 2 ≤ low ≤ high")
                }
                c.kmeans.kRange = a...b
            }
            if let v = try kr.int(k, "n_init") { guard v >= 1 else { throw kr.bad("n_init", "\(v)", "must be ≥ 1") }; c.kmeans.nInit = v }
            if let v = try kr.int(k, "max_iter") { guard v >= 1 else { throw kr.bad("max_iter", "\(v)", "must be ≥ 1") }; c.kmeans.maxIter = v }
            if let v = try kr.double(k, "tol") { guard v >= 0 else { throw kr.bad("tol", "\(v)", "must be ≥ 0") }; c.kmeans.tol = v }
            if let v = try kr.int(k, "silhouette_sample") { c.kmeans.silhouetteSample = max(10, v) }
            if let m = k["mini_batch"] as? [String: Any] {
                let mr = Reader(source: source, path: "models.kmeans.mini_batch")
                if let v = m["enabled"] { c.kmeans.miniBatch.enabled = "\(v)" == "true" || "\(v)" == "1" }
                if let v = try mr.int(m, "batch_size") { c.kmeans.miniBatch.batchSize = max(16, v) }
                if let v = try mr.int(m, "max_steps") { c.kmeans.miniBatch.maxSteps = max(1, v) }
            }
        }
        if let dsec = root["dbscan"] as? [String: Any] {
            let dr = Reader(source: source, path: "models.dbscan")
            if let v = dsec["eps"] {
                if "\(v)" == "auto" { c.dbscan.eps = nil } else {
                    guard let e = try dr.double(dsec, "eps"), e > 0 else { throw dr.bad("eps", "\(v)", "use a positive number or auto") }
                    c.dbscan.eps = e
                }
            }
            if let v = try dr.int(dsec, "min_samples") { guard v >= 1 else { throw dr.bad("min_samples", "\(v)", "must be ≥ 1") }; c.dbscan.minSamples = v }
            if let v = try dr.int(dsec, "max_points") { c.dbscan.maxPoints = max(100, v) }
        }
        if let g = root["graph"] as? [String: Any] {
            let gr = Reader(source: source, path: "models.graph")
            if let v = try gr.string(g, "pagerank_weight") {
                guard let w = PageRank.Weight(rawValue: v) else { throw gr.bad("pagerank_weight", v, "use flows, bytes or unweighted") }
                c.graph.pageRankWeight = w
            }
            if let v = try gr.double(g, "heavy_edge_quantile") { c.graph.heavyEdgeQuantile = min(1, max(0.5, v)) }
            if let v = try gr.int(g, "burst_minimum_peers") { c.graph.burstMinimumPeers = max(1, v) }
            if let v = try gr.int(g, "heavy_edge_min_flows") { c.graph.heavyEdgeMinimumFlows = max(1, v) }
            if let v = try gr.int(g, "periodic_min_flows") { c.graph.periodicMinimumFlows = max(3, v) }
            if let v = try gr.double(g, "periodic_max_variation") { c.graph.periodicMaximumVariation = max(0, v) }
            if let v = try gr.double(g, "burst_factor") { c.graph.burstFactor = max(1, v) }
            if let v = try gr.double(g, "scan_threshold") { c.graph.scanThreshold = v }
            if let v = try gr.int(g, "scan_min_targets") { c.graph.scanMinimumTargets = max(2, v) }
            if let v = try gr.int(g, "periodic_min_span_minutes") { c.graph.periodicMinimumSpanMinutes = max(1, v) }
        }
        if let s = root["scoring"] as? [String: Any] {
            let sr = Reader(source: source, path: "models.scoring")
            if let v = try sr.double(s, "cluster_threshold") { c.scoring.clusterThreshold = v }
            if let v = try sr.double(s, "density_threshold") { c.scoring.densityThreshold = v }
            if let v = try sr.int(s, "max_anomalies") { c.scoring.maxAnomaliesPerKind = max(1, v) }
            if let v = try sr.double(s, "exfiltration_min_bytes") { c.scoring.exfiltrationMinimumBytes = max(1, v) }
        }
        if let v = root["allowlist"] { c.allowlist = try Allowlist.decode(v, source: source) }
        return c
    }

    /// Lenient scalar reads with messages naming the key.
    struct Reader {
        let source: String
        let path: String

        func bad(_ key: String, _ value: String, _ reason: String) -> FlowModelsError {
            .invalidParameter(name: "\(source): \(path).\(key)", value: value, reason: reason)
        }

        func int(_ m: [String: Any], _ key: String) throws -> Int? {
            guard let v = m[key] else { return nil }
            if let n = v as? NSNumber, let i = Int(exactly: n.doubleValue) { return i }
            if let i = Int("\(v)") { return i }
            throw bad(key, "\(v)", "expected an integer")
        }

        func double(_ m: [String: Any], _ key: String) throws -> Double? {
            guard let v = m[key] else { return nil }
            if let n = v as? NSNumber { return n.doubleValue }
            if let d = Double("\(v)") { return d }
            throw bad(key, "\(v)", "expected a number")
        }

        func string(_ m: [String: Any], _ key: String) throws -> String? {
            guard let v = m[key] else { return nil }
            if let s = v as? String { return s }
            throw bad(key, "\(v)", "expected text")
        }
    }
}
