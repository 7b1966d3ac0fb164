import FlowCore
import Foundation

/// An instant in a feed: epoch milliseconds (a JSON integer) or ISO 8601 UTC text.
public struct FeedInstant: Codable, Sendable, Equatable, Hashable {
    public var millis: Int64
    public init(millis: Int64) { self.millis = millis }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let v = try? c.decode(Int64.self) {
            millis = v
        } else {
            let text = try c.decode(String.self)
            guard let v = InstantText.parse(text) else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "'\(text)' is not epoch milliseconds or ISO 8601 UTC")
            }
            millis = v
        }
    }

    /// Written as epoch milliseconds.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(millis)
    }
}

/// A forecast series from the time-series models: observed values per bucket, the
/// forecast and its interval. `name` `bytes`, `packets` or `flows` (the whole network)
/// is drawn into the matching traffic chart; any other series gets a chart of its own.
public struct ForecastSeries: Codable, Sendable, Equatable {
    public var name: String
    /// `bytes`, `packets`, `flows` or any count unit; decides the axis labels.
    public var unit: String
    public var bucketMillis: Int64
    /// Start of bucket 0.
    public var start: FeedInstant
    public var observed: [Double?]
    public var forecast: [Double?]
    public var lower: [Double?]
    public var upper: [Double?]
    /// Interval level, e.g. 0.95.
    public var level: Double?
    /// The model, e.g. `SARIMA(1,0,1)(1,0,1,24)`.
    public var model: String?

    enum CodingKeys: String, CodingKey {
        case name, unit, bucketMillis = "bucket_ms", start, observed, forecast, lower, upper, level, model
    }

    public init(name: String, unit: String, bucketMillis: Int64, start: Int64, observed: [Double?], forecast: [Double?],
                lower: [Double?], upper: [Double?], level: Double? = nil, model: String? = nil) {
        self.name = name
        self.unit = unit
        self.bucketMillis = bucketMillis
        self.start = FeedInstant(millis: start)
        self.observed = observed
        self.forecast = forecast
        self.lower = lower
        self.upper = upper
        self.level = level
        self.model = model
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        unit = try c.decodeIfPresent(String.self, forKey: .unit) ?? name
        bucketMillis = try c.decode(Int64.self, forKey: .bucketMillis)
        guard bucketMillis > 0 else {
            throw DecodingError.dataCorruptedError(forKey: .bucketMillis, in: c, debugDescription: "bucket_ms must be positive")
        }
        start = try c.decode(FeedInstant.self, forKey: .start)
        observed = try c.decodeIfPresent([Double?].self, forKey: .observed) ?? []
        forecast = try c.decodeIfPresent([Double?].self, forKey: .forecast) ?? []
        lower = try c.decodeIfPresent([Double?].self, forKey: .lower) ?? []
        upper = try c.decodeIfPresent([Double?].self, forKey: .upper) ?? []
        level = try c.decodeIfPresent(Double.self, forKey: .level)
        model = try c.decodeIfPresent(String.self, forKey: .model)
    }

    /// Non-finite values have no JSON form: written as null (no value).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(unit, forKey: .unit)
        try c.encode(bucketMillis, forKey: .bucketMillis)
        try c.encode(start, forKey: .start)
        func clean(_ v: [Double?]) -> [Double?] { v.map { $0.flatMap { $0.isFinite ? $0 : nil } } }
        try c.encode(clean(observed), forKey: .observed)
        try c.encode(clean(forecast), forKey: .forecast)
        try c.encode(clean(lower), forKey: .lower)
        try c.encode(clean(upper), forKey: .upper)
        try c.encodeIfPresent(level.flatMap { $0.isFinite ? $0 : nil }, forKey: .level)
        try c.encodeIfPresent(model, forKey: .model)
    }

    /// Instant of bucket `i`.
    public func time(_ i: Int) -> Int64 { start.millis + Int64(i) * bucketMillis }
    public var count: Int { max(observed.count, forecast.count, lower.count, upper.count) }
}

/// Clusters from k-means / DBSCAN: one entry per cluster and an optional 2-D projection.
public struct ClusterSummary: Codable, Sendable, Equatable {
    public struct Cluster: Codable, Sendable, Equatable {
        public var id: Int
        public var size: Int64
        /// Short name from the extreme features, e.g. "bulk TCP downloads".
        public var name: String
        /// The centre in original units, feature → value.
        public var centre: [String: Double]

        public init(id: Int, size: Int64, name: String, centre: [String: Double]) {
            self.id = id
            self.size = size
            self.name = name
            self.centre = centre
        }
    }

    public struct Point: Codable, Sendable, Equatable {
        public var x: Double
        public var y: Double
        public var cluster: Int
        public var outlier: Bool
        public var label: String?

        public init(x: Double, y: Double, cluster: Int, outlier: Bool = false, label: String? = nil) {
            self.x = x
            self.y = y
            self.cluster = cluster
            self.outlier = outlier
            self.label = label
        }

        enum CodingKeys: String, CodingKey { case x, y, cluster, outlier, label }
        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            x = try c.decode(Double.self, forKey: .x)
            y = try c.decode(Double.self, forKey: .y)
            cluster = try c.decodeIfPresent(Int.self, forKey: .cluster) ?? -1
            outlier = try c.decodeIfPresent(Bool.self, forKey: .outlier) ?? false
            label = try c.decodeIfPresent(String.self, forKey: .label)
        }
    }

    public struct Projection: Codable, Sendable, Equatable {
        public var xLabel: String
        public var yLabel: String
        public var points: [Point]

        public init(xLabel: String = "PC1", yLabel: String = "PC2", points: [Point]) {
            self.xLabel = xLabel
            self.yLabel = yLabel
            self.points = points
        }

        enum CodingKeys: String, CodingKey { case xLabel = "x_label", yLabel = "y_label", points }
        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            xLabel = try c.decodeIfPresent(String.self, forKey: .xLabel) ?? "PC1"
            yLabel = try c.decodeIfPresent(String.self, forKey: .yLabel) ?? "PC2"
            points = try c.decodeIfPresent([Point].self, forKey: .points) ?? []
        }
    }

    /// `kmeans`, `dbscan`, … and what was clustered (`flows`, `hosts`).
    public var algorithm: String
    public var subject: String?
    /// Feature names in display order (the centre's keys).
    public var features: [String]
    public var clusters: [Cluster]
    /// Points the model marked as outliers (DBSCAN noise or far from their centre).
    public var outliers: Int64?
    public var projection: Projection?

    public init(algorithm: String, subject: String? = nil, features: [String], clusters: [Cluster], outliers: Int64? = nil, projection: Projection? = nil) {
        self.algorithm = algorithm
        self.subject = subject
        self.features = features
        self.clusters = clusters
        self.outliers = outliers
        self.projection = projection
    }

    enum CodingKeys: String, CodingKey { case algorithm, subject, features, clusters, outliers, projection }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        algorithm = try c.decodeIfPresent(String.self, forKey: .algorithm) ?? "clustering"
        subject = try c.decodeIfPresent(String.self, forKey: .subject)
        clusters = try c.decodeIfPresent([Cluster].self, forKey: .clusters) ?? []
        features = try c.decodeIfPresent([String].self, forKey: .features)
            ?? Array(Set(clusters.flatMap { $0.centre.keys })).sorted()
        outliers = try c.decodeIfPresent(Int64.self, forKey: .outliers)
        projection = try c.decodeIfPresent(Projection.self, forKey: .projection)
    }
}

/// The host graph: top hosts, new edges, and the neighbourhood of the most anomalous host.
public struct HostGraphSummary: Codable, Sendable, Equatable {
    public struct Host: Codable, Sendable, Equatable {
        public var host: String
        public var pagerank: Double
        public var degree: Int64
        public var inDegree: Int64?
        public var outDegree: Int64?
        public var bytes: Double?

        public init(host: String, pagerank: Double, degree: Int64, inDegree: Int64? = nil, outDegree: Int64? = nil, bytes: Double? = nil) {
            self.host = host
            self.pagerank = pagerank
            self.degree = degree
            self.inDegree = inDegree
            self.outDegree = outDegree
            self.bytes = bytes
        }

        enum CodingKeys: String, CodingKey { case host, pagerank, degree, inDegree = "in_degree", outDegree = "out_degree", bytes }
    }

    public struct Edge: Codable, Sendable, Equatable {
        public var src: String
        public var dst: String
        public var flows: Int64?
        public var bytes: Double?
        /// First seen in this window (not in the previous one); nil where the section does
        /// not say (the `new_edges` list, whose edges are all new): not written, read as false.
        public var new: Bool?
        /// `new`, false when not given.
        public var isNew: Bool { new ?? false }

        public init(src: String, dst: String, flows: Int64? = nil, bytes: Double? = nil, isNew: Bool? = false) {
            self.src = src
            self.dst = dst
            self.flows = flows
            self.bytes = bytes
            self.new = isNew
        }

        enum CodingKeys: String, CodingKey { case src, dst, flows, bytes, new }
    }

    public struct Neighbourhood: Codable, Sendable, Equatable {
        public var centre: String
        /// Hosts around the centre; `anomalous` ones are drawn in red.
        public var nodes: [NodeRef]
        public var edges: [Edge]

        public init(centre: String, nodes: [NodeRef], edges: [Edge]) {
            self.centre = centre
            self.nodes = nodes
            self.edges = edges
        }
    }

    public struct NodeRef: Codable, Sendable, Equatable {
        public var id: String
        public var anomalous: Bool
        public init(id: String, anomalous: Bool = false) {
            self.id = id
            self.anomalous = anomalous
        }
        enum CodingKeys: String, CodingKey { case id, anomalous }
        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(String.self, forKey: .id)
            anomalous = try c.decodeIfPresent(Bool.self, forKey: .anomalous) ?? false
        }
    }

    public var nodeCount: Int64?
    public var edgeCount: Int64?
    public var top: [Host]
    public var newEdges: [Edge]
    public var neighbourhood: Neighbourhood?

    public init(nodeCount: Int64? = nil, edgeCount: Int64? = nil, top: [Host], newEdges: [Edge], neighbourhood: Neighbourhood?) {
        self.nodeCount = nodeCount
        self.edgeCount = edgeCount
        self.top = top
        self.newEdges = newEdges
        self.neighbourhood = neighbourhood
    }

    enum CodingKeys: String, CodingKey { case nodeCount = "nodes", edgeCount = "edges", top, newEdges = "new_edges", neighbourhood }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        nodeCount = try c.decodeIfPresent(Int64.self, forKey: .nodeCount)
        edgeCount = try c.decodeIfPresent(Int64.self, forKey: .edgeCount)
        top = try c.decodeIfPresent([Host].self, forKey: .top) ?? []
        newEdges = try c.decodeIfPresent([Edge].self, forKey: .newEdges) ?? []
        neighbourhood = try c.decodeIfPresent(Neighbourhood.self, forKey: .neighbourhood)
    }
}

/// A model file that produced a section, for the footer.
public struct ModelReference: Codable, Sendable, Equatable {
    public var name: String
    public var path: String?
    public var fingerprint: String?
    /// Fingerprints of the data the model was trained on.
    public var trainedOn: [String]
    public var parameters: [String: JSONValue]

    public init(name: String, path: String? = nil, fingerprint: String? = nil, trainedOn: [String] = [], parameters: [String: JSONValue] = [:]) {
        self.name = name
        self.path = path
        self.fingerprint = fingerprint
        self.trainedOn = trainedOn
        self.parameters = parameters
    }

    enum CodingKeys: String, CodingKey { case name, path, fingerprint, trainedOn = "trained_on", parameters }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        path = try c.decodeIfPresent(String.self, forKey: .path)
        fingerprint = try c.decodeIfPresent(String.self, forKey: .fingerprint)
        trainedOn = try c.decodeIfPresent([String].self, forKey: .trainedOn) ?? []
        parameters = try c.decodeIfPresent([String: JSONValue].self, forKey: .parameters) ?? [:]
    }
}

/// `SCORES_DIR/report-feed.json`: what the score stage hands the report beyond the
/// anomalies table. One type for both sides: floe-score builds and encodes it
/// (`encoded()`), floe-report decodes it. Decoding is tolerant so that older feeds still
/// read: every section is optional (a missing one is reported as "no model ran"),
/// instants are epoch milliseconds or ISO 8601 UTC text, unknown keys are ignored; a
/// `feed_version` outside `supportedVersions` is refused with a message to update floe.
///
///     {"feed_version": 1, "tool": "floe-score", "version": "0.1.0",
///      "models": [{"name": "kmeans", "path": "models/kmeans.json", "fingerprint": "xxh64:…",
///                  "trained_on": ["xxh64:…"], "parameters": {"k": 6}}],
///      "series": [{"name": "bytes", "unit": "bytes", "bucket_ms": 60000, "start": "2026-11-01T00:00:00Z",
///                  "observed": [..], "forecast": [..], "lower": [..], "upper": [..],   // null = no value
///                  "level": 0.95, "model": "SARIMA(1,0,1)(1,0,1,24)"}],
///      "clusters": {"algorithm": "k-means", "subject": "flows", "features": ["bytes", "duration_ms"],
///                   "outliers": 12,
///                   "clusters": [{"id": 0, "size": 5000, "name": "bulk TCP downloads",
///                                 "centre": {"bytes": 60000, "duration_ms": 9000}}],
///                   "projection": {"x_label": "PC1", "y_label": "PC2",
///                                  "points": [{"x": -1.2, "y": 0.4, "cluster": 0, "outlier": false, "label": "10.0.4.7"}]}},
///      "host_graph": {"nodes": 4006, "edges": 6666,
///                     "top": [{"host": "10.0.4.7", "pagerank": 0.031, "degree": 40, "in_degree": 20, "out_degree": 20, "bytes": 1.2e9}],
///                     "new_edges": [{"src": "10.0.4.7", "dst": "10.0.0.9", "flows": 4812, "bytes": 250000}],
///                     "neighbourhood": {"centre": "10.0.4.7", "nodes": [{"id": "10.0.0.9", "anomalous": true}],
///                                       "edges": [{"src": "10.0.4.7", "dst": "10.0.0.9", "bytes": 250000, "new": true}]}}}
///
/// Series named `bytes`, `packets` or `flows` replace the dataset's line in that traffic
/// chart (observed + forecast + band); others get a chart of their own. Keep projections
/// to a few thousand points (the chart draws at most 2,500 plus every outlier).
public struct ReportFeed: Codable, Sendable, Equatable {
    public static let fileName = "report-feed.json"
    /// Feed format versions this reader understands.
    public static let supportedVersions = 1...1

    public var feedVersion: Int
    public var tool: String?
    public var version: String?
    public var models: [ModelReference]
    public var series: [ForecastSeries]
    public var clusters: ClusterSummary?
    public var hostGraph: HostGraphSummary?
    /// The ranked incidents (`incidents.csv`'s rows, instants as epoch milliseconds), for
    /// consumers of the feed; the report reads `incidents.csv`.
    public var incidents: [Incident]

    /// The feed floe-score writes (`feed_version` the current one).
    public init(tool: String = "floe-score", version: String, models: [ModelReference], series: [ForecastSeries] = [],
                clusters: ClusterSummary? = nil, hostGraph: HostGraphSummary? = nil, incidents: [Incident] = []) {
        self.feedVersion = Self.supportedVersions.upperBound
        self.tool = tool
        self.version = version
        self.models = models
        self.series = series
        self.clusters = clusters
        self.hostGraph = hostGraph
        self.incidents = incidents
    }

    enum CodingKeys: String, CodingKey {
        case feedVersion = "feed_version", tool, version, models, series, clusters, hostGraph = "host_graph", incidents
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        feedVersion = try c.decode(Int.self, forKey: .feedVersion)
        guard Self.supportedVersions.contains(feedVersion) else {
            throw DecodingError.dataCorruptedError(forKey: .feedVersion, in: c,
                debugDescription: "feed_version \(feedVersion) is not supported (this floe reads \(Self.supportedVersions.lowerBound)–\(Self.supportedVersions.upperBound)); update floe")
        }
        tool = try c.decodeIfPresent(String.self, forKey: .tool)
        version = try c.decodeIfPresent(String.self, forKey: .version)
        models = try c.decodeIfPresent([ModelReference].self, forKey: .models) ?? []
        series = try c.decodeIfPresent([ForecastSeries].self, forKey: .series) ?? []
        clusters = try c.decodeIfPresent(ClusterSummary.self, forKey: .clusters)
        hostGraph = try c.decodeIfPresent(HostGraphSummary.self, forKey: .hostGraph)
        incidents = try c.decodeIfPresent([Incident].self, forKey: .incidents) ?? []
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(feedVersion, forKey: .feedVersion)
        try c.encodeIfPresent(tool, forKey: .tool)
        try c.encodeIfPresent(version, forKey: .version)
        try c.encode(models, forKey: .models)
        try c.encode(series, forKey: .series)
        try c.encodeIfPresent(clusters, forKey: .clusters)
        try c.encodeIfPresent(hostGraph, forKey: .hostGraph)
        try c.encode(incidents, forKey: .incidents)
    }

    /// The feed as floe-score writes it: JSON with sorted keys, slashes unescaped, a final
    /// newline.
    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var bytes = [UInt8](try encoder.encode(self))
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }
}
