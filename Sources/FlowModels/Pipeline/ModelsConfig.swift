import FlowClustering
import FlowConfig
import FlowCore
import FlowDetection
import FlowFeatures
import FlowGraph
import Foundation
import Yams

/// The `models:` section of a pipeline file (YAML, `read(yaml:source:)`, or JSON,
/// `decode(json:source:)`). Every key is optional; numbers may also be given as strings
/// (`tol: 1e-4` is text in YAML 1.1). Unknown keys, values of the wrong kind and values out
/// of range are errors, all of them reported at once with their line and column
/// (`ConfigError`). Example:
///
/// ```yaml
/// models:
///   features: host            # host (per host per window) | flow (per flow)
///   window_minutes: 60        # host profile and host graph window
///   host_min_flows: 10        # host windows with fewer flows skip clustering/DBSCAN
///   scaler: robust            # robust | standard | none (log1p on heavy-tailed counts first)
///   internal_networks: [10.0.0.0/8, fd00::/8]
///   seed: 42
///   memory_budget_mb: 512     # floe-train's budget (TrainingMemory; --memory-budget-mb overrides)
///   kmeans: {k: auto, k_range: [2, 10], n_init: 4, max_iter: 300, tol: 1e-4,
///            silhouette_sample: 2000, mini_batch: {enabled: false, batch_size: 4096, max_steps: 300}}
///   dbscan: {eps: auto, min_samples: 10, max_points: 100000}
///   graph: {pagerank_weight: flows, heavy_edge_quantile: 0.9999, heavy_edge_min_flows: 10,
///           burst_minimum_peers: 200, burst_factor: 10, scan_threshold: 6,
///           periodic_min_flows: 30, periodic_min_span_minutes: 120, periodic_max_variation: 0.1,
///           scan_min_targets: 20}
///   scoring: {cluster_threshold: 6, density_threshold: 6, max_anomalies: 50, exfiltration_min_bytes: 100000000}
///   timeseries: {series: {bucket: 60}, model: {level: 0.9999}}   # TimeSeriesSection (docs/timeseries.md)
///   classifier: {labels: column}   # ClassifierSection (docs/neural.md); off without labels
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
    /// What `floe-train` may hold, MiB (`TrainingMemory`: beyond it the kinds read the
    /// days one at a time and the clustering matrix is sampled).
    public var memoryBudgetMB = 512
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

    /// Keys of the section.
    static let keys = ["version", "features", "window_minutes", "host_min_flows", "scaler", "internal_networks", "seed",
                       "memory_budget_mb",
                       "kmeans", "dbscan", "graph", "scoring", "timeseries", "classifier", "allowlist"]

    /// Reads the section from a YAML file's text (`floe-train --config`): the section itself,
    /// or a document holding it under `models` (the document's other keys belong to other
    /// sections). Every problem (an unknown key, a value of the wrong kind or out of range)
    /// is collected with its line and column and thrown together as `ConfigError`.
    public static func read(yaml text: String, source: String) throws -> ModelsConfig {
        let parsed: Any?
        do {
            parsed = try Yams.load(yaml: text)
        } catch {
            _ = try ConfigReader.compose(text, file: source)  // throws the syntax error with its place
            throw ConfigError([ConfigDiagnostic(file: source, line: 0, "invalid YAML: \(error)")])
        }
        return try read(text: text, document: parsed.map(jsonSafe), source: source)
    }

    /// Reads the section from JSON (models.json's `config`, or a JSON config file), as
    /// `read(yaml:source:)` does.
    public static func decode(json: Data, source: String) throws -> ModelsConfig {
        let document: Any
        do {
            document = try JSONSerialization.jsonObject(with: json, options: [.fragmentsAllowed])
        } catch {
            throw ConfigError([ConfigDiagnostic(file: source, line: 0, "not valid JSON: \(error.localizedDescription)")])
        }
        return try read(text: String(decoding: json, as: UTF8.self), document: document, source: source)
    }

    /// `document` (the parsed text, as JSON values) gives `sectionJSON`; the walk over the
    /// text's YAML nodes gives the values and the problems with their places.
    static func read(text: String, document: Any?, source: String) throws -> ModelsConfig {
        var c = ModelsConfig()
        var section = document as? [String: Any] ?? [:]
        if let inner = section["models"] as? [String: Any] { section = inner }
        c.sectionJSON = (try? JSONSerialization.data(withJSONObject: section, options: [.sortedKeys])) ?? Data("{}".utf8)
        guard var node = try ConfigReader.compose(text, file: source) else { return c }
        var r = ConfigReader(file: source)
        if case .mapping(let m) = node, let inner = m["models"] { node = inner }
        if !r.isNull(node) { c.read(node, &r) }
        try r.check()
        return c
    }

    /// Reads the section's keys from `node` into `self`.
    mutating func read(_ node: Node, _ r: inout ConfigReader) {
        for (key, value) in r.entries(node, what: "models", allowed: Self.keys) {
            let name = "models." + key
            switch key {
            case "version":
                if let v = r.integer(value, name), v != 1 { r.error(value, "\(name): this floe reads models section version 1, not \(v)") }
            case "features": if let t = r.choice(value, name, FeatureSetKind.allCases.map(\.rawValue)) { features = FeatureSetKind(rawValue: t)! }
            case "window_minutes": if let v = r.integer(value, name, in: 1...1440) { windowMinutes = Int(v) }
            case "host_min_flows": if let v = r.integer(value, name, in: 1...Int64.max) { hostMinFlows = Int(v) }
            case "scaler": if let t = r.choice(value, name, ScalerKind.allCases.map(\.rawValue)) { scaler = ScalerKind(rawValue: t)! }
            case "internal_networks":
                var networks: [NetworkPrefix] = []
                for (text, item) in r.list(value, name) {
                    switch NetworkPrefix.parse(text) {
                    case .success(let n): networks.append(n)
                    case .failure(let e): r.error(item, "\(name): '\(e.text)': \(e.reason)")
                    }
                }
                internalNetworks = networks
            case "seed": if let v = r.integer(value, name) { seed = UInt64(v) }
            case "memory_budget_mb": if let v = r.integer(value, name, in: 1...1_048_576) { memoryBudgetMB = Int(v) }
            case "kmeans": kmeans.read(value, &r)
            case "dbscan": dbscan.read(value, &r)
            case "graph": graph.read(value, &r)
            case "scoring": scoring.read(value, &r)
            case "timeseries": TimeSeriesSection.checkKeys(value, &r)
            case "classifier": ClassifierSection.checkKeys(value, &r)
            default: allowlist = Allowlist.read(value, &r)
            }
        }
    }

    /// YAML values JSON cannot hold (dates, binary) become text.
    static func jsonSafe(_ value: Any) -> Any {
        switch value {
        case let m as [String: Any]: return m.mapValues(jsonSafe)
        case let m as [AnyHashable: Any]:
            var out: [String: Any] = [:]
            for (k, v) in m { out["\(k)"] = jsonSafe(v) }
            return out
        case let a as [Any]: return a.map(jsonSafe)
        case is String, is Int, is Double, is Bool, is NSNull: return value
        case let n as NSNumber: return n
        default: return "\(value)"
        }
    }
}

extension ModelsConfig.KMeansConfig {
    static let keys = ["k", "k_range", "n_init", "max_iter", "tol", "silhouette_sample", "mini_batch"]

    mutating func read(_ node: Node, _ r: inout ConfigReader) {
        for (key, value) in r.entries(node, what: "models.kmeans", allowed: Self.keys) {
            let name = "models.kmeans." + key
            switch key {
            case "k":
                if value.scalar?.string == "auto" { k = nil } else if let v = r.integer(value, name + " (or auto)", in: 1...Int64.max) { k = Int(v) }
            case "k_range":
                let items = r.list(value, name)
                guard items.count == 2, let a = Int(items[0].0), let b = Int(items[1].0), a >= 2, b >= a else {
                    r.error(value, "\(name) must be [low, high] with 2 ≤ low ≤ high")
                    continue
                }
                kRange = a...b
            case "n_init": if let v = r.integer(value, name, in: 1...Int64.max) { nInit = Int(v) }
            case "max_iter": if let v = r.integer(value, name, in: 1...Int64.max) { maxIter = Int(v) }
            case "tol": if let v = r.number(value, name, in: 0...Double.greatestFiniteMagnitude) { tol = v }
            case "silhouette_sample": if let v = r.integer(value, name, in: 10...Int64.max) { silhouetteSample = Int(v) }
            default:
                for (k, v) in r.entries(value, what: name, allowed: ["enabled", "batch_size", "max_steps"]) {
                    switch k {
                    case "enabled": if let b = r.bool(v, name + ".enabled") { miniBatch.enabled = b }
                    case "batch_size": if let n = r.integer(v, name + ".batch_size", in: 16...Int64.max) { miniBatch.batchSize = Int(n) }
                    default: if let n = r.integer(v, name + ".max_steps", in: 1...Int64.max) { miniBatch.maxSteps = Int(n) }
                    }
                }
            }
        }
    }
}

extension ModelsConfig.DBSCANConfig {
    mutating func read(_ node: Node, _ r: inout ConfigReader) {
        for (key, value) in r.entries(node, what: "models.dbscan", allowed: ["eps", "min_samples", "max_points"]) {
            let name = "models.dbscan." + key
            switch key {
            case "eps":
                if value.scalar?.string == "auto" {
                    eps = nil
                } else if let v = r.number(value, name + " (or auto)", in: Double.leastNonzeroMagnitude...Double.greatestFiniteMagnitude) {
                    eps = v
                }
            case "min_samples": if let v = r.integer(value, name, in: 1...Int64.max) { minSamples = Int(v) }
            default: if let v = r.integer(value, name, in: 100...Int64.max) { maxPoints = Int(v) }
            }
        }
    }
}

extension ModelsConfig.GraphConfig {
    static let keys = ["pagerank_weight", "heavy_edge_quantile", "heavy_edge_min_flows", "burst_minimum_peers", "burst_factor",
                       "scan_threshold", "periodic_min_flows", "periodic_min_span_minutes", "periodic_max_variation", "scan_min_targets"]

    mutating func read(_ node: Node, _ r: inout ConfigReader) {
        let many = Double.greatestFiniteMagnitude
        for (key, value) in r.entries(node, what: "models.graph", allowed: Self.keys) {
            let name = "models.graph." + key
            switch key {
            case "pagerank_weight":
                if let t = r.choice(value, name, ["flows", "bytes", "unweighted"]) { pageRankWeight = PageRank.Weight(rawValue: t)! }
            case "heavy_edge_quantile": if let v = r.number(value, name, in: 0.5...1) { heavyEdgeQuantile = v }
            case "heavy_edge_min_flows": if let v = r.integer(value, name, in: 1...Int64.max) { heavyEdgeMinimumFlows = Int(v) }
            case "burst_minimum_peers": if let v = r.integer(value, name, in: 1...Int64.max) { burstMinimumPeers = Int(v) }
            case "burst_factor": if let v = r.number(value, name, in: 1...many) { burstFactor = v }
            case "scan_threshold": if let v = r.number(value, name, in: -many...many) { scanThreshold = v }
            case "periodic_min_flows": if let v = r.integer(value, name, in: 3...Int64.max) { periodicMinimumFlows = Int(v) }
            case "periodic_min_span_minutes": if let v = r.integer(value, name, in: 1...Int64.max) { periodicMinimumSpanMinutes = Int(v) }
            case "periodic_max_variation": if let v = r.number(value, name, in: 0...many) { periodicMaximumVariation = v }
            default: if let v = r.integer(value, name, in: 2...Int64.max) { scanMinimumTargets = Int(v) }
            }
        }
    }
}

extension ModelsConfig.ScoringConfig {
    mutating func read(_ node: Node, _ r: inout ConfigReader) {
        let many = Double.greatestFiniteMagnitude
        let keys = ["cluster_threshold", "density_threshold", "max_anomalies", "exfiltration_min_bytes"]
        for (key, value) in r.entries(node, what: "models.scoring", allowed: keys) {
            let name = "models.scoring." + key
            switch key {
            case "cluster_threshold": if let v = r.number(value, name, in: -many...many) { clusterThreshold = v }
            case "density_threshold": if let v = r.number(value, name, in: -many...many) { densityThreshold = v }
            case "max_anomalies": if let v = r.integer(value, name, in: 1...Int64.max) { maxAnomaliesPerKind = Int(v) }
            default: if let v = r.number(value, name, in: 1...many) { exfiltrationMinimumBytes = v }
            }
        }
    }
}
