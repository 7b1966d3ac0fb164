import FlowDetection

/// The Encodable mirror of FlowReports' `ReportFeed` (`SCORES_DIR/report-feed.json`,
/// `feed_version: 1`): snake_case keys, instants as epoch milliseconds. FlowModels cannot
/// see FlowReports, so these types restate its documented format; the compatibility test
/// in FlowReportsTests decodes what they write with `ReportFeed.load(path:)`.
public struct FeedDocument: Encodable, Sendable, Equatable {
    public static let fileName = "report-feed.json"
    public static let feedVersion = 1

    public var feedVersion = FeedDocument.feedVersion
    public var tool: String
    public var version: String
    public var models: [ModelFeed]
    public var series: [SeriesFeed]
    public var clusters: ClusterFeed?
    public var hostGraph: HostGraphFeed?
    /// The ranked incidents (`incidents.csv`'s rows; instants as epoch milliseconds).
    public var incidents: [Incident] = []

    public init(tool: String = "floe-score", version: String, models: [ModelFeed], series: [SeriesFeed] = [],
                clusters: ClusterFeed? = nil, hostGraph: HostGraphFeed? = nil) {
        self.tool = tool
        self.version = version
        self.models = models
        self.series = series
        self.clusters = clusters
        self.hostGraph = hostGraph
    }

    enum CodingKeys: String, CodingKey {
        case feedVersion = "feed_version", tool, version, models, series, clusters, hostGraph = "host_graph", incidents
    }
}

/// A JSON value for model parameters (numbers, text, flags, lists).
public indirect enum FeedValue: Encodable, Sendable, Equatable {
    case number(Double)
    case string(String)
    case bool(Bool)
    case array([FeedValue])

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .number(let v):
            // Integers as integers; non-finite values have no JSON form: null.
            if !v.isFinite { try c.encodeNil() }
            else if v == v.rounded() && abs(v) < 1e15 { try c.encode(Int64(v)) }
            else { try c.encode(v) }
        case .string(let s): try c.encode(s)
        case .bool(let b): try c.encode(b)
        case .array(let a): try c.encode(a)
        }
    }
}

/// A model file behind the feed, for the report's footer.
public struct ModelFeed: Encodable, Sendable, Equatable {
    public var name: String
    public var path: String
    /// `xxh64:…` of the model file's bytes.
    public var fingerprint: String?
    /// Fingerprints of the training files (from `models.json`).
    public var trainedOn: [String]
    public var parameters: [String: FeedValue]

    public init(name: String, path: String, fingerprint: String?, trainedOn: [String], parameters: [String: FeedValue]) {
        self.name = name
        self.path = path
        self.fingerprint = fingerprint
        self.trainedOn = trainedOn
        self.parameters = parameters
    }

    enum CodingKeys: String, CodingKey { case name, path, fingerprint, trainedOn = "trained_on", parameters }
}

/// A forecast series of the time-series models: `observed`, `forecast`, `lower`, `upper`
/// per bucket (nil = no value, written as null).
public struct SeriesFeed: Encodable, Sendable, Equatable {
    public var name: String
    public var unit: String
    public var bucketMillis: Int64
    /// Start of bucket 0, epoch milliseconds.
    public var start: Int64
    public var observed: [Double?]
    public var forecast: [Double?]
    public var lower: [Double?]
    public var upper: [Double?]
    /// Interval level, e.g. 0.95.
    public var level: Double?
    /// e.g. `SARIMA(1,0,1)(1,0,1,24)`.
    public var model: String?

    public init(name: String, unit: String, bucketMillis: Int64, start: Int64, observed: [Double?], forecast: [Double?],
                lower: [Double?], upper: [Double?], level: Double? = nil, model: String? = nil) {
        self.name = name
        self.unit = unit
        self.bucketMillis = bucketMillis
        self.start = start
        self.observed = observed
        self.forecast = forecast
        self.lower = lower
        self.upper = upper
        self.level = level
        self.model = model
    }

    enum CodingKeys: String, CodingKey {
        case name, unit, bucketMillis = "bucket_ms", start, observed, forecast, lower, upper, level, model
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(unit, forKey: .unit)
        try c.encode(bucketMillis, forKey: .bucketMillis)
        try c.encode(start, forKey: .start)
        // Non-finite values have no JSON form: written as null (no value).
        func clean(_ v: [Double?]) -> [Double?] { v.map { $0.flatMap { $0.isFinite ? $0 : nil } } }
        try c.encode(clean(observed), forKey: .observed)
        try c.encode(clean(forecast), forKey: .forecast)
        try c.encode(clean(lower), forKey: .lower)
        try c.encode(clean(upper), forKey: .upper)
        try c.encodeIfPresent(level.flatMap { $0.isFinite ? $0 : nil }, forKey: .level)
        try c.encodeIfPresent(model, forKey: .model)
    }
}

/// The clustering section: clusters of the scored period and a 2-D projection.
public struct ClusterFeed: Encodable, Sendable, Equatable {
    public struct Cluster: Encodable, Sendable, Equatable {
        public var id: Int
        /// Rows assigned to it in the scored period.
        public var size: Int64
        public var name: String
        /// Centre in original units, feature → value.
        public var centre: [String: Double]
    }

    public struct Point: Encodable, Sendable, Equatable {
        public var x: Double
        public var y: Double
        public var cluster: Int
        public var outlier: Bool
        public var label: String
    }

    public struct Projection: Encodable, Sendable, Equatable {
        public var xLabel: String
        public var yLabel: String
        public var points: [Point]
        enum CodingKeys: String, CodingKey { case xLabel = "x_label", yLabel = "y_label", points }
    }

    public var algorithm: String
    public var subject: String
    public var features: [String]
    public var outliers: Int64
    public var clusters: [Cluster]
    public var projection: Projection?
}

/// The host graph section: the graph of the whole scored period.
public struct HostGraphFeed: Encodable, Sendable, Equatable {
    public struct Host: Encodable, Sendable, Equatable {
        public var host: String
        public var pagerank: Double
        public var degree: Int64
        public var inDegree: Int64
        public var outDegree: Int64
        public var bytes: Double
        enum CodingKeys: String, CodingKey { case host, pagerank, degree, inDegree = "in_degree", outDegree = "out_degree", bytes }
    }

    public struct Edge: Encodable, Sendable, Equatable {
        public var src: String
        public var dst: String
        public var flows: Int64
        public var bytes: Double
        /// Only in the neighbourhood: a heavy new edge of the scored period.
        public var isNew: Bool?
        enum CodingKeys: String, CodingKey { case src, dst, flows, bytes, isNew = "new" }
    }

    public struct Node: Encodable, Sendable, Equatable {
        public var id: String
        public var anomalous: Bool
    }

    public struct Neighbourhood: Encodable, Sendable, Equatable {
        public var centre: String
        public var nodes: [Node]
        public var edges: [Edge]
    }

    public var nodes: Int64
    public var edges: Int64
    public var top: [Host]
    public var newEdges: [Edge]
    public var neighbourhood: Neighbourhood?

    enum CodingKeys: String, CodingKey { case nodes, edges, top, newEdges = "new_edges", neighbourhood }
}
