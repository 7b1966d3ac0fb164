import FlowForecasting
import FlowCore

/// What to aggregate the flow dataset into (config section `timeseries.series`).
///
/// Keys: `bucket` (60, 300 or 3600 seconds), `metrics` (bytes, packets, flows,
/// distinct_sources, distinct_destinations), `by_direction`, `service_ports` (one series
/// group per listed port), `subnets` (CIDRs, one group each: flows with either end
/// inside), `top_hosts` (N busiest hosts by bytes, either end), `spreading` (`duration`
/// or `start`), `internal_networks` (CIDRs used to derive direction when the dataset has
/// no `direction` column), `coverage_gap_minutes`.
public struct SeriesConfig: Sendable, Equatable, Codable {
    public enum Metric: String, Sendable, Codable, CaseIterable {
        case bytes, packets, flows
        case distinctSources = "distinct_sources"
        case distinctDestinations = "distinct_destinations"
    }

    /// How a flow's bytes and packets land in buckets.
    public enum Spreading: String, Sendable, Codable {
        /// In proportion to the part of [start, end] inside each bucket.
        case duration
        /// All in the bucket of the flow's start.
        case start
    }

    public var bucketSeconds: Int
    public var metrics: [Metric]
    public var byDirection: Bool
    public var servicePorts: [UInt16]
    public var subnets: [NetworkPrefix]
    public var topHosts: Int
    public var spreading: Spreading
    public var internalNetworks: [NetworkPrefix]
    /// A run of at least this many minutes without a single flow in the whole network is
    /// taken as missing input coverage, not as silence (0 disables the inference).
    public var coverageGapMinutes: Int

    public init(bucketSeconds: Int = 60, metrics: [Metric] = Metric.allCases, byDirection: Bool = true,
                servicePorts: [UInt16] = [], subnets: [NetworkPrefix] = [], topHosts: Int = 0,
                spreading: Spreading = .duration, internalNetworks: [NetworkPrefix] = NetworkPrefix.privateRanges,
                coverageGapMinutes: Int = 30) {
        self.bucketSeconds = bucketSeconds
        self.metrics = metrics
        self.byDirection = byDirection
        self.servicePorts = servicePorts
        self.subnets = subnets
        self.topHosts = topHosts
        self.spreading = spreading
        self.internalNetworks = internalNetworks
        self.coverageGapMinutes = coverageGapMinutes
    }

    public var bucketMillis: Int64 { Int64(bucketSeconds) * 1000 }

    public func validate() throws {
        func bad(_ key: String, _ value: String, _ why: String) -> TimeSeriesError {
            .invalidConfiguration(key: key, value: value, reason: why)
        }
        if ![60, 300, 3600].contains(bucketSeconds) { throw bad("bucket", "\(bucketSeconds)", "must be 60, 300 or 3600 seconds") }
        if metrics.isEmpty { throw bad("metrics", "[]", "name at least one metric") }
        if topHosts < 0 || topHosts > 1000 { throw bad("top_hosts", "\(topHosts)", "must be 0–1000") }
        if coverageGapMinutes < 0 { throw bad("coverage_gap_minutes", "\(coverageGapMinutes)", "must not be negative") }
    }

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case metrics, subnets, spreading
        case bucketSeconds = "bucket"
        case byDirection = "by_direction"
        case servicePorts = "service_ports"
        case topHosts = "top_hosts"
        case internalNetworks = "internal_networks"
        case coverageGapMinutes = "coverage_gap_minutes"
    }
}
