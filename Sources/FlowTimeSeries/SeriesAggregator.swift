import FlowForecasting
import FlowCore

/// Aggregates flows into regular series (see `SeriesConfig`): per bucket bytes and
/// packets (spread over the buckets a flow spans in proportion to its duration, or all
/// at its start), flows started, and exact distinct sources/destinations of the flows
/// started in the bucket. Groups: total, per direction, per listed service port, per
/// listed subnet (either end inside), per top host (either end).
///
/// Feed it `FlowBatch`es (`add(_:)`) or dataset files (`FlowDatasetSeries`), call
/// `finishDay()` between day partitions (counts the day's distinct-count records and
/// empties the log: a flow's start lies in its own day, so no record is needed across
/// days), then `result(coverage:)`.
/// Memory: the accumulators ((groups + 1) × 3 + groups × 2 doubles per bucket) plus 24–32
/// bytes per flow of one day for the distinct counts (`DistinctRecordLog`).
public final class SeriesAggregator {
    public let config: SeriesConfig
    public let startMillis: Int64
    public let buckets: Int
    let bucketMillis: Int64
    /// Group names (`total`, `direction:inbound`, `port:443`, …), index = group.
    public private(set) var groups: [String] = []
    /// Hot state; batch loops reach it through `withAccumulator`.
    var core: SeriesAccumulator
    public var rowsSeen: Int { core.rowsSeen }

    /// `hosts`: the top hosts to give series (from `HostRanking`), at most `topHosts`.
    public init(config: SeriesConfig, startMillis: Int64, endMillis: Int64, hosts: [IPAddress] = []) throws {
        try config.validate()
        self.config = config
        bucketMillis = config.bucketMillis
        self.startMillis = startMillis
        guard endMillis > startMillis else {
            throw TimeSeriesError.invalidConfiguration(key: "window", value: "\(startMillis)..<\(endMillis)", reason: "the window is empty")
        }
        buckets = Int((endMillis - startMillis + bucketMillis - 1) / bucketMillis)
        guard buckets < Int(Int32.max) else {
            throw TimeSeriesError.invalidConfiguration(key: "window", value: "\(startMillis)..<\(endMillis)", reason: "too many buckets")
        }
        var names = ["total"]
        let directionBase = names.count
        if config.byDirection { for d in TrafficDirection.allCases { names.append("direction:\(d.name)") } }
        let portGroup = UnsafeMutablePointer<Int32>.allocate(capacity: 65_536)
        portGroup.initialize(repeating: -1, count: 65_536)
        for port in config.servicePorts where portGroup[Int(port)] < 0 {
            portGroup[Int(port)] = Int32(names.count)
            names.append("port:\(port)")
        }
        let subnetBase = names.count
        for s in config.subnets { names.append("subnet:\(s.description)") }
        var hostGroups: [IPAddress: Int] = [:]
        for h in hosts.prefix(config.topHosts) where hostGroups[h] == nil {
            hostGroups[h] = names.count
            names.append("host:\(h.description)")
        }
        guard names.count <= (Int(BucketAddressSet.maxChunk) + 1) * 64 else {
            throw TimeSeriesError.invalidConfiguration(key: "series", value: "\(names.count) groups", reason: "at most 2,097,152 series groups")
        }
        groups = names
        core = SeriesAccumulator(config: config, startMillis: startMillis, buckets: buckets, groupCount: names.count,
                                 directionBase: directionBase, portGroup: portGroup, subnetBase: subnetBase,
                                 hostGroup: hostGroups)
    }

    /// Runs `body` on the hot state through one `inout` access, so the row loop pays one
    /// exclusivity check per call, not one per access.
    @inline(__always)
    func withAccumulator<T>(_ body: (inout SeriesAccumulator) throws -> T) rethrows -> T {
        try body(&core)
    }

    /// Adds every row of a batch (direction derived from the internal networks, service
    /// port = the lower of the two ports).
    public func add(_ batch: FlowBatch) {
        withAccumulator { core in
            for i in 0..<batch.count {
                let src = batch.srcAddr[i], dst = batch.dstAddr[i]
                let direction = core.deriveDirection(src, dst).rawValue
                let port = FlowPorts.service(source: batch.srcPort[i], destination: batch.dstPort[i]).map { Int($0) } ?? -1
                core.addRow(start: batch.start[i], end: batch.end[i], src: src, dst: dst, direction: direction,
                            servicePort: port, bytes: batch.bytes[i], packets: batch.packets[i])
            }
        }
    }

    /// Adds one record (for streaming sources such as the generator).
    public func add(_ r: FlowRecord) {
        let port = FlowPorts.service(source: r.srcPort, destination: r.dstPort).map { Int($0) } ?? -1
        withAccumulator { core in
            core.addRow(start: r.start, end: r.end, src: r.srcAddr, dst: r.dstAddr,
                        direction: core.deriveDirection(r.srcAddr, r.dstAddr).rawValue,
                        servicePort: port, bytes: r.bytes, packets: r.packets)
        }
    }

    /// Counts the logged distinct records and empties the log; call between day partitions
    /// (a flow's start lies in its own day, so no record is needed across days).
    public func finishDay() { withAccumulator { $0.finishDay() } }

    /// The series, with coverage applied (missing buckets NaN in every series).
    public func result(coverage: SeriesCoverage? = nil) -> SeriesSet {
        finishDay()
        let bytes = core.bytes, packets = core.packets, flows = core.flows, distinctCounts = core.distinctCounts
        var set = SeriesSet(startMillis: startMillis, bucketMillis: bucketMillis, count: buckets)
        let coverage = coverage ?? SeriesCoverage(inferredGapMinutes: config.coverageGapMinutes)
        set.missing = coverage.missingMask(startMillis: startMillis, bucketMillis: bucketMillis,
                                           flowsPerBucket: Array(UnsafeBufferPointer(start: flows, count: buckets)))
        for (g, name) in groups.enumerated() {
            for metric in config.metrics {
                var series = [Double](repeating: 0, count: buckets)
                for k in 0..<buckets {
                    let c = g * buckets + k
                    switch metric {
                    case .bytes: series[k] = bytes[c]
                    case .packets: series[k] = packets[c]
                    case .flows: series[k] = flows[c]
                    case .distinctSources: series[k] = distinctCounts[2 * c]
                    case .distinctDestinations: series[k] = distinctCounts[2 * c + 1]
                    }
                }
                set.add("\(name).\(metric.rawValue)", series)
            }
        }
        set.applyMissing()
        return set
    }
}

/// Service-port fallback when the dataset has no `service_port` column: the lower of the
/// two ports (servers listen on the low, well-known one; clients use ephemeral ports).
enum FlowPorts {
    @inline(__always)
    static func service(source: UInt16?, destination: UInt16?) -> UInt16? {
        switch (source, destination) {
        case let (s?, d?): return min(s, d)
        case let (nil, d?): return d
        case let (s?, nil): return s
        default: return nil
        }
    }
}

/// First pass for `top_hosts`: bytes per internal host (either end of a flow). Only
/// internal hosts are ranked, so memory is bounded by the internal address plan.
public struct HostRanking {
    public private(set) var bytesByHost: [IPAddress: Double] = [:]
    let internalNetworks: [NetworkPrefix]

    public init(internalNetworks: [NetworkPrefix]) { self.internalNetworks = internalNetworks }

    @inline(__always)
    mutating func add(_ address: IPAddress?, bytes: UInt64) {
        guard let address, internalNetworks.contains(address: address) else { return }
        bytesByHost[address, default: 0] += Double(bytes)
    }

    public mutating func add(_ batch: FlowBatch) {
        for i in 0..<batch.count {
            add(batch.srcAddr[i], bytes: batch.bytes[i])
            add(batch.dstAddr[i], bytes: batch.bytes[i])
        }
    }

    /// The `n` busiest hosts, busiest first (ties by address).
    public func top(_ n: Int) -> [IPAddress] {
        bytesByHost.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(n).map(\.key)
    }
}
