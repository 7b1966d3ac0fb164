import FlowCore
import FlowDataset

/// The hot state of a `SeriesAggregator`: per-row group matching and the accumulators, all
/// behind pointers, so a batch loop works on it through one `inout` access (no exclusivity
/// check per row, no copy-on-write, no allocation per row). Not copyable: it owns its
/// buffers (also `portGroup`, handed over by the aggregator) and frees them when it goes away.
struct SeriesAccumulator: ~Copyable {
    let buckets: Int
    let groupCount: Int
    let startMillis: Int64
    let bucketMillis: Int64
    let inverseBucketMillis: Double
    let spreadByDuration: Bool
    let byDirection: Bool
    let directionBase: Int
    /// Group of each service port, -1 = none (65,536 entries).
    let portGroup: UnsafeMutablePointer<Int32>
    let subnetBase: Int
    let subnets: UnsafeMutableBufferPointer<NetworkPrefix>
    let internalNetworks: UnsafeMutableBufferPointer<NetworkPrefix>
    let hostGroup: [IPAddress: Int]
    /// Accumulators, `groups × buckets` each.
    let bytes: UnsafeMutablePointer<Double>
    let packets: UnsafeMutablePointer<Double>
    let flows: UnsafeMutablePointer<Double>
    /// Distinct counts: `groups × buckets × 2` (role 0 sources, 1 destinations).
    let distinctCounts: UnsafeMutablePointer<Double>
    let countDistinct: Bool
    /// Scratch: the groups of the current row.
    let rowGroups: UnsafeMutablePointer<Int>
    /// A group past the real ones that takes the volumes of rows without a direction or a
    /// listed port, so each row adds to the same number of groups (no unpredictable loop
    /// lengths); never part of the result or of the distinct counts.
    let sinkGroup: Int
    let hasPorts: Bool
    var distinct = DistinctRecordLog()
    /// Address text of dataset columns → addresses.
    let addressParser: DatasetAddressReader
    var rowsSeen = 0

    init(config: SeriesConfig, startMillis: Int64, buckets: Int, groupCount: Int, directionBase: Int,
         portGroup: UnsafeMutablePointer<Int32>, subnetBase: Int, hostGroup: [IPAddress: Int]) {
        self.buckets = buckets
        self.groupCount = groupCount
        self.startMillis = startMillis
        bucketMillis = config.bucketMillis
        inverseBucketMillis = 1 / Double(config.bucketMillis)
        spreadByDuration = config.spreading == .duration
        byDirection = config.byDirection
        self.directionBase = directionBase
        self.portGroup = portGroup
        self.subnetBase = subnetBase
        func masks(_ list: [NetworkPrefix]) -> UnsafeMutableBufferPointer<NetworkPrefix> {
            let p = UnsafeMutableBufferPointer<NetworkPrefix>.allocate(capacity: list.count)
            _ = p.initialize(from: list)
            return p
        }
        subnets = masks(config.subnets)
        internalNetworks = masks(config.internalNetworks)
        addressParser = DatasetAddressReader(internalNetworks: config.internalNetworks)
        self.hostGroup = hostGroup
        sinkGroup = groupCount
        hasPorts = !config.servicePorts.isEmpty
        let cells = groupCount * buckets
        let volumeCells = (groupCount + 1) * buckets
        func zeros(_ n: Int) -> UnsafeMutablePointer<Double> {
            let p = UnsafeMutablePointer<Double>.allocate(capacity: max(n, 1))
            p.initialize(repeating: 0, count: max(n, 1))
            return p
        }
        bytes = zeros(volumeCells)
        packets = zeros(volumeCells)
        flows = zeros(volumeCells)
        countDistinct = config.metrics.contains(.distinctSources) || config.metrics.contains(.distinctDestinations)
        distinctCounts = zeros(countDistinct ? 2 * cells : 0)
        rowGroups = .allocate(capacity: groupCount + 2)
    }

    deinit {
        portGroup.deallocate()
        subnets.deallocate()
        internalNetworks.deallocate()
        bytes.deallocate()
        packets.deallocate()
        flows.deallocate()
        distinctCounts.deallocate()
        rowGroups.deallocate()
    }

    /// Direction from the two ends' membership of the internal networks.
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
    /// counts in volumes but not in distinct, subnet or host series); `direction` -1 and
    /// `servicePort` -1 when unknown.
    @inline(__always)
    mutating func addRow(start: Int64, end: Int64, src: IPAddress?, dst: IPAddress?, direction: Int,
                         servicePort: Int, bytes rowBytes: UInt64, packets rowPackets: UInt64) {
        rowsSeen &+= 1
        let rowGroups = self.rowGroups
        var n = 1
        rowGroups[0] = 0
        if byDirection {
            rowGroups[n] = direction >= 0 ? directionBase &+ direction : sinkGroup
            n &+= 1
        }
        if hasPorts {
            let g = servicePort >= 0 ? Int(portGroup[servicePort & 0xFFFF]) : -1
            rowGroups[n] = g >= 0 ? g : sinkGroup
            n &+= 1
        }
        if !subnets.isEmpty || !hostGroup.isEmpty { n = addListedGroups(src: src, dst: dst, count: n) }
        let buckets = self.buckets, bucketMillis = self.bucketMillis
        let offset = start &- startMillis
        let startBucket = bucket(ofOffset: offset)
        let b = Double(rowBytes), p = Double(rowPackets)
        // Volumes.
        if !spreadByDuration || end <= start || end &- startMillis <= (Int64(startBucket) &+ 1) &* bucketMillis {
            if startBucket >= 0 && startBucket < buckets {
                for j in 0..<n {
                    let c = rowGroups[j] &* buckets &+ startBucket
                    bytes[c] += b
                    packets[c] += p
                }
            }
        } else {
            spread(start: start, end: end, startBucket: startBucket, groups: n, bytes: b, packets: p)
        }
        // Flows and distinct addresses count at the start bucket.
        guard startBucket >= 0 && startBucket < buckets else { return }
        for j in 0..<n { flows[rowGroups[j] &* buckets &+ startBucket] += 1 }
        if countDistinct && (src != nil || dst != nil) { logDistinct(src: src, dst: dst, bucket: startBucket, groups: n) }
    }

    /// ⌊offset / bucketMillis⌋ through a multiplication by the reciprocal, corrected to the
    /// exact quotient (an integer division costs several times more per row).
    @inline(__always)
    func bucket(ofOffset offset: Int64) -> Int {
        guard offset >= 0 && offset < 1 << 50 else {
            return offset >= 0 ? Int(offset / bucketMillis) : -1 - Int((-offset - 1) / bucketMillis)
        }
        var q = Int64(Double(offset) * inverseBucketMillis)
        if q &* bucketMillis > offset { q &-= 1 } else if (q &+ 1) &* bucketMillis <= offset { q &+= 1 }
        return Int(q)
    }

    /// Subnet and host groups of a row (either end), after the `count` groups found so far.
    private func addListedGroups(src: IPAddress?, dst: IPAddress?, count: Int) -> Int {
        var n = count
        let maxRowGroups = groupCount + 2
        for k in 0..<subnets.count where n < maxRowGroups {
            if (src.map { subnets[k].contains($0) } ?? false) || (dst.map { subnets[k].contains($0) } ?? false) {
                rowGroups[n] = subnetBase + k; n += 1
            }
        }
        if !hostGroup.isEmpty {
            let a = src.flatMap { hostGroup[$0] }
            let b = dst.flatMap { hostGroup[$0] }
            if let a, n < maxRowGroups { rowGroups[n] = a; n += 1 }
            if let b, b != a, n < maxRowGroups { rowGroups[n] = b; n += 1 }
        }
        return n
    }

    /// Bytes and packets of a flow spanning buckets, in proportion to the part of
    /// [start, end) inside each bucket.
    private func spread(start: Int64, end: Int64, startBucket: Int, groups n: Int, bytes b: Double, packets p: Double) {
        let endOffset = end - startMillis
        let lastBucket = endOffset > 0 ? Int((endOffset - 1) / bucketMillis) : -1
        let duration = Double(end - start)
        let first = max(startBucket, 0), last = min(lastBucket, buckets - 1)
        guard first <= last else { return }
        for k in first...last {
            let lo = max(start, startMillis + Int64(k) * bucketMillis)
            let hi = min(end, startMillis + Int64(k + 1) * bucketMillis)
            let share = Double(hi - lo) / duration
            if share <= 0 { continue }
            for j in 0..<n {
                let c = rowGroups[j] &* buckets &+ k
                bytes[c] += b * share
                packets[c] += p * share
            }
        }
    }

    /// One distinct record per 64 groups the row belongs to (one for the usual configurations).
    @inline(__always)
    private mutating func logDistinct(src: IPAddress?, dst: IPAddress?, bucket: Int, groups n: Int) {
        var sourceKey = ExactAddressKeys.none, destinationKey = ExactAddressKeys.none
        if let src { sourceKey = distinct.addressKeys.key(src) }
        if let dst { destinationKey = distinct.addressKeys.key(dst) }
        var chunk = rowGroups[0] >> 6
        var mask: UInt64 = 0
        for j in 0..<n {
            let g = rowGroups[j] == sinkGroup ? 0 : rowGroups[j]  // group 0 is in every mask anyway
            if g >> 6 != chunk {
                distinct.append(DistinctRecord(source: sourceKey, destination: destinationKey, mask: mask,
                                               bucket: bucket, chunk: chunk))
                chunk = g >> 6
                mask = 0
            }
            mask |= 1 << UInt64(g & 63)
        }
        distinct.append(DistinctRecord(source: sourceKey, destination: destinationKey, mask: mask,
                                       bucket: bucket, chunk: chunk))
    }

    /// Counts the logged distinct records and frees them.
    mutating func finishDay() {
        distinct.flush(into: distinctCounts, groups: countDistinct ? groupCount : 0, buckets: buckets)
    }
}
