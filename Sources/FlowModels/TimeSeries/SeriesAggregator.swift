import FlowCore

/// Aggregates flows into regular series (see `SeriesConfig`): per bucket bytes and
/// packets (spread over the buckets a flow spans in proportion to its duration, or all
/// at its start), flows started, and exact distinct sources/destinations of the flows
/// started in the bucket. Groups: total, per direction, per listed service port, per
/// listed subnet (either end inside), per top host (either end).
///
/// Feed it `FlowBatch`es (`add(_:)`) or dataset files (`FlowDatasetSeries`), call
/// `finishDay()` between day partitions (frees the distinct-count keys: a flow's start
/// lies in its own day, so no key is needed across days), then `result(coverage:)`.
/// Memory: the accumulators (groups × metrics × buckets doubles) plus the distinct keys
/// of one day.
public final class SeriesAggregator {
    public let config: SeriesConfig
    public let startMillis: Int64
    public let buckets: Int
    let bucketMillis: Int64
    /// Group names (`total`, `direction:inbound`, `port:443`, …), index = group.
    public private(set) var groups: [String] = []
    private let directionBase: Int
    private var portGroup = [Int32](repeating: -1, count: 65_536)
    private let subnetBase: Int
    private var hostGroup: [IPAddress: Int] = [:]
    private var bytes: [Double]
    private var packets: [Double]
    private var flows: [Double]
    private var distinctSources: [Double]
    private var distinctDestinations: [Double]
    private var distinct = DistinctKeySet()
    private let countDistinct: Bool
    private var rowGroups: [Int] = []
    public private(set) var rowsSeen = 0

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
        groups.append("total")
        directionBase = groups.count
        if config.byDirection { for d in TrafficDirection.allCases { groups.append("direction:\(d.name)") } }
        for port in config.servicePorts where portGroup[Int(port)] < 0 {
            portGroup[Int(port)] = Int32(groups.count)
            groups.append("port:\(port)")
        }
        subnetBase = groups.count
        for s in config.subnets { groups.append("subnet:\(s.description)") }
        for h in hosts.prefix(config.topHosts) where hostGroup[h] == nil {
            hostGroup[h] = groups.count
            groups.append("host:\(h.description)")
        }
        let size = groups.count * buckets
        bytes = [Double](repeating: 0, count: size)
        packets = [Double](repeating: 0, count: size)
        flows = [Double](repeating: 0, count: size)
        countDistinct = config.metrics.contains(.distinctSources) || config.metrics.contains(.distinctDestinations)
        distinctSources = [Double](repeating: 0, count: countDistinct ? size : 0)
        distinctDestinations = [Double](repeating: 0, count: countDistinct ? size : 0)
        rowGroups.reserveCapacity(groups.count)
    }

    /// Adds every row of a batch (direction derived from the internal networks, service
    /// port = the lower of the two ports).
    public func add(_ batch: FlowBatch) {
        for i in 0..<batch.count {
            let src = batch.srcAddr[i], dst = batch.dstAddr[i]
            let direction = deriveDirection(src, dst)
            let port = FlowPorts.service(source: batch.srcPort[i], destination: batch.dstPort[i])
            addRow(start: batch.start[i], end: batch.end[i], src: src, dst: dst, direction: direction,
                   servicePort: port, bytes: batch.bytes[i], packets: batch.packets[i])
        }
    }

    /// Adds one record (for streaming sources such as the generator).
    public func add(_ r: FlowRecord) {
        addRow(start: r.start, end: r.end, src: r.srcAddr, dst: r.dstAddr, direction: deriveDirection(r.srcAddr, r.dstAddr),
               servicePort: FlowPorts.service(source: r.srcPort, destination: r.dstPort), bytes: r.bytes, packets: r.packets)
    }

    @inline(__always)
    func deriveDirection(_ src: IPAddress, _ dst: IPAddress) -> TrafficDirection {
        var srcInside = false, dstInside = false
        for n in config.internalNetworks {
            if n.contains(src) { srcInside = true }
            if n.contains(dst) { dstInside = true }
        }
        return TrafficDirection.derive(sourceInside: srcInside, destinationInside: dstInside)
    }

    /// Adds one flow. `src`/`dst` may be nil when the text did not parse (then the row
    /// counts in volumes but not in distinct, subnet or host series).
    @inline(__always)
    func addRow(start: Int64, end: Int64, src: IPAddress?, dst: IPAddress?, direction: TrafficDirection?,
                servicePort: UInt16?, bytes rowBytes: UInt64, packets rowPackets: UInt64) {
        rowsSeen += 1
        rowGroups.removeAll(keepingCapacity: true)
        rowGroups.append(0)
        if config.byDirection, let direction { rowGroups.append(directionBase + direction.rawValue) }
        if let servicePort {
            let g = portGroup[Int(servicePort)]
            if g >= 0 { rowGroups.append(Int(g)) }
        }
        if !config.subnets.isEmpty || !hostGroup.isEmpty {
            for (k, s) in config.subnets.enumerated() {
                if (src.map { s.contains($0) } ?? false) || (dst.map { s.contains($0) } ?? false) {
                    rowGroups.append(subnetBase + k)
                }
            }
            if !hostGroup.isEmpty {
                let a = src.flatMap { hostGroup[$0] }
                let b = dst.flatMap { hostGroup[$0] }
                if let a { rowGroups.append(a) }
                if let b, b != a { rowGroups.append(b) }
            }
        }
        let offset = start - startMillis
        let startBucket = offset >= 0 ? Int(offset / bucketMillis) : -1 - Int((-offset - 1) / bucketMillis)
        let b = Double(rowBytes), p = Double(rowPackets)
        // Volumes.
        if config.spreading == .start || end <= start {
            if startBucket >= 0 && startBucket < buckets {
                for g in rowGroups {
                    bytes[g * buckets + startBucket] += b
                    packets[g * buckets + startBucket] += p
                }
            }
        } else {
            let endOffset = end - startMillis
            let lastBucket = endOffset > 0 ? Int((endOffset - 1) / bucketMillis) : -1
            if startBucket == lastBucket {
                if startBucket >= 0 && startBucket < buckets {
                    for g in rowGroups {
                        bytes[g * buckets + startBucket] += b
                        packets[g * buckets + startBucket] += p
                    }
                }
            } else {
                let duration = Double(end - start)
                let first = max(startBucket, 0), last = min(lastBucket, buckets - 1)
                if first <= last {
                    for k in first...last {
                        let lo = max(start, startMillis + Int64(k) * bucketMillis)
                        let hi = min(end, startMillis + Int64(k + 1) * bucketMillis)
                        let share = Double(hi - lo) / duration
                        if share <= 0 { continue }
                        for g in rowGroups {
                            bytes[g * buckets + k] += b * share
                            packets[g * buckets + k] += p * share
                        }
                    }
                }
            }
        }
        // Flows and distinct addresses count at the start bucket.
        guard startBucket >= 0 && startBucket < buckets else { return }
        for g in rowGroups { flows[g * buckets + startBucket] += 1 }
        if countDistinct {
            for g in rowGroups {
                if let src, distinct.insert(DistinctKeySet.key(group: g, bucket: startBucket, role: 1,
                                                               address: IPAddressBits(high: src.high, low: src.low))) {
                    distinctSources[g * buckets + startBucket] += 1
                }
                if let dst, distinct.insert(DistinctKeySet.key(group: g, bucket: startBucket, role: 2,
                                                               address: IPAddressBits(high: dst.high, low: dst.low))) {
                    distinctDestinations[g * buckets + startBucket] += 1
                }
            }
        }
    }

    /// Frees the distinct-count keys; call between day partitions.
    public func finishDay() { distinct.removeAll() }

    /// The series, with coverage applied (missing buckets NaN in every series).
    public func result(coverage: SeriesCoverage? = nil) -> SeriesSet {
        var set = SeriesSet(startMillis: startMillis, bucketMillis: bucketMillis, count: buckets)
        let coverage = coverage ?? SeriesCoverage(inferredGapMinutes: config.coverageGapMinutes)
        set.missing = coverage.missingMask(startMillis: startMillis, bucketMillis: bucketMillis,
                                           flowsPerBucket: Array(flows[0..<buckets]))
        for (g, name) in groups.enumerated() {
            let range = (g * buckets)..<((g + 1) * buckets)
            for metric in config.metrics {
                let source: [Double]
                switch metric {
                case .bytes: source = bytes
                case .packets: source = packets
                case .flows: source = flows
                case .distinctSources: source = distinctSources
                case .distinctDestinations: source = distinctDestinations
                }
                set.add("\(name).\(metric.rawValue)", Array(source[range]))
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
    let internalNetworks: [Subnet]

    public init(internalNetworks: [Subnet]) { self.internalNetworks = internalNetworks }

    @inline(__always)
    mutating func add(_ address: IPAddress?, bytes: UInt64) {
        guard let address, internalNetworks.contains(where: { $0.contains(address) }) else { return }
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
