import FlowColumnar
import FlowCore
import FlowDataset

/// Running sums of one scan worker. Keys are parsed addresses and small integers, so a
/// row costs no allocation; names are made once per new service.
struct Accumulator {
    let geometry: Geometry
    var bucketBytes: [UInt64], bucketPackets: [UInt64], bucketFlows: [UInt64]
    var hourFlows: [UInt64]
    var heatBytes = [UInt64](repeating: 0, count: 168)
    var heatFlows = [UInt64](repeating: 0, count: 168)
    var totals = VolumeTotals()
    var firstStart = Int64.max, lastStart = Int64.min
    var outside: UInt64 = 0
    var sampled: UInt64 = 0
    var sources: [IPAddress: VolumeTotals] = [:]
    var destinations: [IPAddress: VolumeTotals] = [:]
    /// Key: protocol << 16 | port, or 1 << 24 | protocol << 16 without a port.
    var services: [UInt32: VolumeTotals] = [:]
    var serviceNames: [UInt32: String] = [:]
    var protocols = [VolumeTotals](repeating: VolumeTotals(), count: 256)
    /// inbound, outbound, internal, external, other.
    var directions = [VolumeTotals](repeating: VolumeTotals(), count: 5)

    /// Stands for an address that does not parse (never written by floe-clean).
    static let invalidAddress = IPAddress(high: .max, low: .max)

    init(geometry: Geometry) {
        self.geometry = geometry
        bucketBytes = Array(repeating: 0, count: geometry.buckets)
        bucketPackets = Array(repeating: 0, count: geometry.buckets)
        bucketFlows = Array(repeating: 0, count: geometry.buckets)
        hourFlows = Array(repeating: 0, count: geometry.hours)
    }

    mutating func add(_ batch: DatasetBatch, addresses: borrowing DatasetAddressReader) throws {
        let n = batch.rowCount
        guard n > 0 else { return }
        let start = try batch.start()
        let src = try batch.sourceAddress()
        let dst = try batch.destinationAddress()
        let proto = try batch.proto()
        let port = try batch.servicePort()
        let service = try batch.service()
        let direction = try batch.direction().text
        let hour = try batch.hourOfDay()
        let weekday = try batch.dayOfWeek()
        let packets = try batch.packetsScaled()
        let bytes = try batch.bytesScaled()
        let sampling = try batch.samplingRate()
        let p0 = geometry.periodStart, p1 = geometry.periodEnd, bucket = geometry.bucket
        for r in 0..<n {
            let t = start[r]
            guard t >= p0 && t < p1 else { outside &+= 1; continue }
            let b = bytes[r], p = packets[r]
            totals.add(bytes: b, packets: p)
            if t < firstStart { firstStart = t }
            if t > lastStart { lastStart = t }
            let bi = Int((t - p0) / bucket)
            bucketBytes[bi] &+= b
            bucketPackets[bi] &+= p
            bucketFlows[bi] &+= 1
            hourFlows[Int((t - p0) / 3_600_000)] &+= 1
            let wd = Int(weekday[r]), h = Int(hour[r])
            if wd >= 1 && wd <= 7 && h < 24 {
                heatBytes[(wd - 1) * 24 + h] &+= b
                heatFlows[(wd - 1) * 24 + h] &+= 1
            }
            if sampling.values[r] > 1 && sampling.isValid(r) { sampled &+= 1 }
            sources[addresses.address(src, row: r) ?? Self.invalidAddress, default: VolumeTotals()].add(bytes: b, packets: p)
            destinations[addresses.address(dst, row: r) ?? Self.invalidAddress, default: VolumeTotals()].add(bytes: b, packets: p)
            let pr = UInt32(proto[r])
            let key: UInt32 = port.isValid(r) ? (pr << 16 | UInt32(port.values[r])) : (1 << 24 | pr << 16)
            services[key, default: VolumeTotals()].add(bytes: b, packets: p)
            if serviceNames[key] == nil, service.isValid(r) {
                let name = service[r]
                if !name.isEmpty { serviceNames[key] = String(decoding: name, as: UTF8.self) }
            }
            protocols[Int(pr)].add(bytes: b, packets: p)
            let d = direction[r]
            var di = 4
            if d.count == 7 && d[0] == UInt8(ascii: "i") { di = 0 }
            else if d.count == 8 {
                switch d[0] {
                case UInt8(ascii: "o"): di = 1
                case UInt8(ascii: "i"): di = 2
                case UInt8(ascii: "e"): di = 3
                default: di = 4
                }
            }
            directions[di].add(bytes: b, packets: p)
        }
    }

    mutating func merge(_ o: Accumulator) {
        for i in 0..<bucketBytes.count {
            bucketBytes[i] &+= o.bucketBytes[i]
            bucketPackets[i] &+= o.bucketPackets[i]
            bucketFlows[i] &+= o.bucketFlows[i]
        }
        for i in 0..<hourFlows.count { hourFlows[i] &+= o.hourFlows[i] }
        for i in 0..<168 { heatBytes[i] &+= o.heatBytes[i]; heatFlows[i] &+= o.heatFlows[i] }
        totals.add(o.totals)
        firstStart = min(firstStart, o.firstStart)
        lastStart = max(lastStart, o.lastStart)
        outside &+= o.outside
        sampled &+= o.sampled
        for (k, v) in o.sources { sources[k, default: VolumeTotals()].add(v) }
        for (k, v) in o.destinations { destinations[k, default: VolumeTotals()].add(v) }
        for (k, v) in o.services { services[k, default: VolumeTotals()].add(v) }
        for (k, v) in o.serviceNames {
            if let mine = serviceNames[k] { serviceNames[k] = min(mine, v) } else { serviceNames[k] = v }
        }
        for i in 0..<256 { protocols[i].add(o.protocols[i]) }
        for i in 0..<5 { directions[i].add(o.directions[i]) }
    }

    static func addressText(_ a: IPAddress) -> String {
        a == invalidAddress ? "(unparsable address)" : a.description
    }

    func stats(topCount: Int, partitions: [PartitionRead]) -> TrafficStats {
        func top(_ map: [IPAddress: VolumeTotals], by key: (VolumeTotals) -> UInt64) -> [RankedVolume] {
            // Largest first; ties by address order, so the result never depends on hashing.
            let best = map.sorted { a, b in
                let ka = key(a.value), kb = key(b.value)
                return ka != kb ? ka > kb : a.key < b.key
            }
            return best.prefix(topCount).map { RankedVolume(name: Self.addressText($0.key), totals: $0.value) }
        }
        let svc = services.sorted { a, b in a.value.bytes != b.value.bytes ? a.value.bytes > b.value.bytes : a.key < b.key }
            .prefix(topCount).map { (key, v) -> RankedVolume in
                let proto = Int(key >> 16 & 0xFF)
                let hasPort = key >> 24 == 0
                let detail = hasPort ? ProtocolNames.name(proto) + "/" + String(key & 0xFFFF) : ProtocolNames.name(proto)
                return RankedVolume(name: serviceNames[key] ?? (hasPort ? "port " + String(key & 0xFFFF) : ProtocolNames.name(proto)), detail: detail, totals: v)
            }
        let protos = (0..<256).filter { protocols[$0].flows > 0 }
            .sorted { protocols[$0].bytes != protocols[$1].bytes ? protocols[$0].bytes > protocols[$1].bytes : $0 < $1 }
            .map { RankedVolume(name: ProtocolNames.name($0), detail: String($0), totals: protocols[$0]) }
        let dirNames = ["inbound", "outbound", "internal", "external", "other"]
        var dirs = (0..<4).map { RankedVolume(name: dirNames[$0], totals: directions[$0]) }
        if directions[4].flows > 0 { dirs.append(RankedVolume(name: dirNames[4], totals: directions[4])) }
        var empty: [Int64] = []
        for (i, f) in hourFlows.enumerated() where f == 0 { empty.append(geometry.periodStart + Int64(i) * 3_600_000) }
        return TrafficStats(
            periodStart: geometry.periodStart, periodEnd: geometry.periodEnd, bucketMillis: geometry.bucket,
            bucketBytes: bucketBytes, bucketPackets: bucketPackets, bucketFlows: bucketFlows,
            heatmapBytes: heatBytes, heatmapFlows: heatFlows, totals: totals,
            firstStart: totals.flows > 0 ? firstStart : nil, lastStart: totals.flows > 0 ? lastStart : nil,
            rowsOutsidePeriod: outside, sampledFlows: sampled,
            distinctSources: sources.count, distinctDestinations: destinations.count,
            topSourcesByBytes: top(sources) { $0.bytes }, topSourcesByFlows: top(sources) { $0.flows },
            topDestinationsByBytes: top(destinations) { $0.bytes }, topServices: Array(svc),
            protocols: protos, directions: dirs, emptyHours: empty, partitions: partitions)
    }
}

/// IANA protocol numbers people meet in flow logs.
public enum ProtocolNames {
    public static func name(_ number: Int) -> String {
        switch number {
        case 1: return "ICMP"
        case 2: return "IGMP"
        case 6: return "TCP"
        case 17: return "UDP"
        case 41: return "IPv6-in-IPv4"
        case 47: return "GRE"
        case 50: return "ESP"
        case 51: return "AH"
        case 58: return "ICMPv6"
        case 89: return "OSPF"
        case 103: return "PIM"
        case 112: return "VRRP"
        case 132: return "SCTP"
        default: return "proto " + String(number)
        }
    }
}
