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
    private let byDirection: Bool
    private let spreadByDuration: Bool
    private let portGroup: UnsafeMutablePointer<Int32>
    private let subnetBase: Int
    private let subnets: [SubnetMask]
    private let internalNetworks: [SubnetMask]
    private let hostGroup: [IPAddress: Int]
    private let cells: Int
    /// Accumulators, `groups × buckets` each, owned by the aggregator.
    private let bytes: UnsafeMutablePointer<Double>
    private let packets: UnsafeMutablePointer<Double>
    private let flows: UnsafeMutablePointer<Double>
    /// Distinct counts: `groups × buckets × 2` (role 0 sources, 1 destinations).
    private let distinctCounts: UnsafeMutablePointer<Double>
    private var distinct: DistinctKeyLog
    private let countDistinct: Bool
    private let rowGroups: UnsafeMutablePointer<Int>
    private let maxRowGroups: Int
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
        byDirection = config.byDirection
        spreadByDuration = config.spreading == .duration
        var names = ["total"]
        directionBase = names.count
        if config.byDirection { for d in TrafficDirection.allCases { names.append("direction:\(d.name)") } }
        portGroup = .allocate(capacity: 65_536)
        portGroup.initialize(repeating: -1, count: 65_536)
        for port in config.servicePorts where portGroup[Int(port)] < 0 {
            portGroup[Int(port)] = Int32(names.count)
            names.append("port:\(port)")
        }
        subnetBase = names.count
        for s in config.subnets { names.append("subnet:\(s.description)") }
        subnets = config.subnets.map(SubnetMask.init)
        internalNetworks = config.internalNetworks.map(SubnetMask.init)
        var hostGroups: [IPAddress: Int] = [:]
        for h in hosts.prefix(config.topHosts) where hostGroups[h] == nil {
            hostGroups[h] = names.count
            names.append("host:\(h.description)")
        }
        hostGroup = hostGroups
        groups = names
        cells = names.count * buckets
        func zeros(_ n: Int) -> UnsafeMutablePointer<Double> {
            let p = UnsafeMutablePointer<Double>.allocate(capacity: max(n, 1))
            p.initialize(repeating: 0, count: max(n, 1))
            return p
        }
        bytes = zeros(cells)
        packets = zeros(cells)
        flows = zeros(cells)
        countDistinct = config.metrics.contains(.distinctSources) || config.metrics.contains(.distinctDestinations)
        distinctCounts = zeros(countDistinct ? 2 * cells : 0)
        distinct = DistinctKeyLog(cells: 2 * cells)
        maxRowGroups = names.count
        rowGroups = .allocate(capacity: max(names.count, 1))
    }

    deinit {
        portGroup.deallocate()
        bytes.deallocate()
        packets.deallocate()
        flows.deallocate()
        distinctCounts.deallocate()
        rowGroups.deallocate()
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
        for n in internalNetworks {
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
        var n = 0
        rowGroups[n] = 0; n += 1
        if byDirection, let direction { rowGroups[n] = directionBase + direction.rawValue; n += 1 }
        if let servicePort {
            let g = portGroup[Int(servicePort)]
            if g >= 0 { rowGroups[n] = Int(g); n += 1 }
        }
        if !subnets.isEmpty {
            for k in 0..<subnets.count where n < maxRowGroups {
                if (src.map { subnets[k].contains($0) } ?? false) || (dst.map { subnets[k].contains($0) } ?? false) {
                    rowGroups[n] = subnetBase + k; n += 1
                }
            }
        }
        if !hostGroup.isEmpty {
            let a = src.flatMap { hostGroup[$0] }
            let b = dst.flatMap { hostGroup[$0] }
            if let a, n < maxRowGroups { rowGroups[n] = a; n += 1 }
            if let b, b != a, n < maxRowGroups { rowGroups[n] = b; n += 1 }
        }
        let buckets = self.buckets, bucketMillis = self.bucketMillis
        let offset = start - startMillis
        let startBucket = offset >= 0 ? Int(offset / bucketMillis) : -1 - Int((-offset - 1) / bucketMillis)
        let b = Double(rowBytes), p = Double(rowPackets)
        // Volumes.
        let endOffset = end - startMillis
        let lastBucket = endOffset > 0 ? Int((endOffset - 1) / bucketMillis) : -1
        if !spreadByDuration || end <= start || startBucket == lastBucket {
            if startBucket >= 0 && startBucket < buckets {
                for j in 0..<n {
                    let c = rowGroups[j] * buckets + startBucket
                    bytes[c] += b
                    packets[c] += p
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
                    for j in 0..<n {
                        let c = rowGroups[j] * buckets + k
                        bytes[c] += b * share
                        packets[c] += p * share
                    }
                }
            }
        }
        // Flows and distinct addresses count at the start bucket.
        guard startBucket >= 0 && startBucket < buckets else { return }
        for j in 0..<n { flows[rowGroups[j] * buckets + startBucket] += 1 }
        if countDistinct {
            for j in 0..<n {
                let cell = (rowGroups[j] * buckets + startBucket) * 2
                if let src { distinct.append(cell: cell, address: IPAddressBits(high: src.high, low: src.low)) }
                if let dst { distinct.append(cell: cell + 1, address: IPAddressBits(high: dst.high, low: dst.low)) }
            }
        }
    }

    /// Counts the logged distinct keys and frees them; call between day partitions (a
    /// flow's start lies in its own day, so no key is needed across days).
    public func finishDay() { distinct.flush(into: distinctCounts, cells: countDistinct ? 2 * cells : 0) }

    /// The series, with coverage applied (missing buckets NaN in every series).
    public func result(coverage: SeriesCoverage? = nil) -> SeriesSet {
        finishDay()
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

/// A subnet as masks for the hot loop (no strings).
struct SubnetMask {
    let networkHigh, networkLow, maskHigh, maskLow: UInt64

    init(_ s: Subnet) {
        let length = s.prefixLength
        maskHigh = length >= 64 ? .max : (length == 0 ? 0 : ~(UInt64.max >> UInt64(length)))
        let lowBits = length - 64
        maskLow = lowBits >= 64 ? .max : (lowBits <= 0 ? 0 : ~(UInt64.max >> UInt64(lowBits)))
        networkHigh = s.network.high & maskHigh
        networkLow = s.network.low & maskLow
    }

    @inline(__always)
    func contains(_ a: IPAddress) -> Bool { (a.high & maskHigh) == networkHigh && (a.low & maskLow) == networkLow }
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
