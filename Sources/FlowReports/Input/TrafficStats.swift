/// Bytes, packets and flows of one key (a host, a service, a protocol, a direction).
public struct VolumeTotals: Sendable, Equatable {
    public var bytes: UInt64 = 0
    public var packets: UInt64 = 0
    public var flows: UInt64 = 0

    public init(bytes: UInt64 = 0, packets: UInt64 = 0, flows: UInt64 = 0) {
        self.bytes = bytes
        self.packets = packets
        self.flows = flows
    }

    @inline(__always)
    mutating func add(bytes b: UInt64, packets p: UInt64) {
        bytes &+= b
        packets &+= p
        flows &+= 1
    }

    mutating func add(_ o: VolumeTotals) {
        bytes &+= o.bytes
        packets &+= o.packets
        flows &+= o.flows
    }
}

/// A ranked entry of a "top" table: a host address in canonical form, a service, a
/// protocol or a direction, with its totals.
public struct RankedVolume: Sendable, Equatable {
    public var name: String
    /// A second descriptor (the port and protocol of a service).
    public var detail: String?
    public var totals: VolumeTotals

    public init(name: String, detail: String? = nil, totals: VolumeTotals) {
        self.name = name
        self.detail = detail
        self.totals = totals
    }
}

/// One dataset partition file the report read.
public struct PartitionRead: Sendable, Equatable {
    public var date: String
    /// Path relative to the dataset folder.
    public var path: String
    public var rows: Int64
    public var bytes: Int64
    /// `xxh64:…` of the file as stored.
    public var fingerprint: String
}

/// What the report computes from the flow dataset for the period: totals, series per
/// bucket, the hour × weekday heatmap and the top tables. Volumes use `bytes_scaled` and
/// `packets_scaled` (sampling-corrected).
public struct TrafficStats: Sendable, Equatable {
    /// The period, UTC milliseconds, end exclusive.
    public var periodStart: Int64
    public var periodEnd: Int64
    public var bucketMillis: Int64
    /// Per bucket `i` starting at `periodStart + i * bucketMillis`.
    public var bucketBytes: [UInt64]
    public var bucketPackets: [UInt64]
    public var bucketFlows: [UInt64]
    /// `[(weekday − 1) * 24 + hour]`, Monday first; bytes and flows.
    public var heatmapBytes: [UInt64]
    public var heatmapFlows: [UInt64]
    public var totals: VolumeTotals
    public var firstStart: Int64?
    public var lastStart: Int64?
    /// Rows of the partitions whose start lies outside the period (not counted).
    public var rowsOutsidePeriod: UInt64
    /// Flows whose counters were scaled by a sampling rate > 1.
    public var sampledFlows: UInt64
    public var distinctSources: Int
    public var distinctDestinations: Int
    public var topSourcesByBytes: [RankedVolume]
    public var topSourcesByFlows: [RankedVolume]
    public var topDestinationsByBytes: [RankedVolume]
    public var topServices: [RankedVolume]
    /// Every protocol seen, by bytes.
    public var protocols: [RankedVolume]
    /// `inbound`, `outbound`, `internal`, `external` (always all four, fixed order).
    public var directions: [RankedVolume]
    /// Start instants of the hours in the period without a single flow.
    public var emptyHours: [Int64]
    public var partitions: [PartitionRead]

    /// Instant of bucket `i`.
    public func bucketTime(_ i: Int) -> Int64 { periodStart + Int64(i) * bucketMillis }
}
