import Foundation
import Testing
import FlowCore
import FlowDataset
import FlowColumnar
import FlowGenerate
@testable import FlowModels
@testable import FlowTimeSeries

/// The optimised aggregator (pointer accumulators, per-bucket address sets, fast address
/// text parsing) against a plain reference written with Sets and Dictionaries, on generated
/// flows plus hand-made edge rows (long spread flows, flows crossing the window's ends,
/// IPv6 and odd addresses), several groups and exact distinct counts.
@Suite("Series aggregator vs reference")
struct SeriesAggregatorReferenceTests {
    /// Straightforward aggregation: the semantics of docs/timeseries.md, one row at a time.
    static func reference(config: SeriesConfig, start windowStart: Int64, end windowEnd: Int64,
                          hosts: [IPAddress], batch: FlowBatch) -> [String: [Double]] {
        let bm = config.bucketMillis
        let n = Int((windowEnd - windowStart + bm - 1) / bm)
        var names = ["total"]
        if config.byDirection { names += TrafficDirection.allCases.map { "direction:\($0.name)" } }
        var portGroups: [UInt16: Int] = [:]
        for p in config.servicePorts where portGroups[p] == nil { portGroups[p] = names.count; names.append("port:\(p)") }
        let subnetBase = names.count
        names += config.subnets.map { "subnet:\($0.description)" }
        var hostGroups: [IPAddress: Int] = [:]
        for h in hosts.prefix(config.topHosts) where hostGroups[h] == nil { hostGroups[h] = names.count; names.append("host:\(h.description)") }
        var bytes = [[Double]](repeating: [Double](repeating: 0, count: n), count: names.count)
        var packets = bytes, flows = bytes
        var seen: [Int: Set<IPAddress>] = [:]  // (group * n + bucket) * 2 + role
        func floorDiv(_ a: Int64, _ b: Int64) -> Int { Int(a >= 0 ? a / b : -((-a + b - 1) / b)) }
        for i in 0..<batch.count {
            let src = batch.srcAddr[i], dst = batch.dstAddr[i]
            var groups = [0]
            if config.byDirection {
                let direction = TrafficDirection.derive(sourceInside: config.internalNetworks.contains { $0.contains(src) },
                                                        destinationInside: config.internalNetworks.contains { $0.contains(dst) })
                groups.append(1 + direction.rawValue)
            }
            let ports = [batch.srcPort[i], batch.dstPort[i]].compactMap { $0 }
            if let port = ports.min(), let g = portGroups[port] { groups.append(g) }
            for (k, s) in config.subnets.enumerated() where s.contains(src) || s.contains(dst) { groups.append(subnetBase + k) }
            let a = hostGroups[src], b = hostGroups[dst]
            if let a { groups.append(a) }
            if let b, b != a { groups.append(b) }
            let start = batch.start[i], end = batch.end[i]
            let first = floorDiv(start - windowStart, bm)
            let last = end - windowStart > 0 ? floorDiv(end - windowStart - 1, bm) : -1
            let by = Double(batch.bytes[i]), pk = Double(batch.packets[i])
            if config.spreading == .start || end <= start || first == last {
                if first >= 0 && first < n { for g in groups { bytes[g][first] += by; packets[g][first] += pk } }
            } else if max(first, 0) <= min(last, n - 1) {
                for k in max(first, 0)...min(last, n - 1) {
                    let lo = max(start, windowStart + Int64(k) * bm), hi = min(end, windowStart + Int64(k + 1) * bm)
                    let share = Double(hi - lo) / Double(end - start)
                    if share <= 0 { continue }
                    for g in groups { bytes[g][k] += by * share; packets[g][k] += pk * share }
                }
            }
            guard first >= 0 && first < n else { continue }
            for g in groups {
                flows[g][first] += 1
                seen[(g * n + first) * 2, default: []].insert(src)
                seen[(g * n + first) * 2 + 1, default: []].insert(dst)
            }
        }
        var out: [String: [Double]] = [:]
        for (g, name) in names.enumerated() {
            for metric in config.metrics {
                out["\(name).\(metric.rawValue)"] = (0..<n).map { k in
                    switch metric {
                    case .bytes: return bytes[g][k]
                    case .packets: return packets[g][k]
                    case .flows: return flows[g][k]
                    case .distinctSources: return Double(seen[(g * n + k) * 2]?.count ?? 0)
                    case .distinctDestinations: return Double(seen[(g * n + k) * 2 + 1]?.count ?? 0)
                    }
                }
            }
        }
        return out
    }

    func record(_ start: Int64, _ end: Int64, _ src: String, _ dst: String, _ sport: UInt16, _ dport: UInt16) throws -> FlowRecord {
        var r = FlowRecord()
        r.start = start
        r.end = end
        r.srcAddr = try #require(IPAddress(src))
        r.dstAddr = try #require(IPAddress(dst))
        r.srcPort = sport
        r.dstPort = dport
        r.proto = 6
        r.bytes = 123_457
        r.packets = 97
        return r
    }

    /// Generated flows plus edge rows, within [start, end).
    func flows(days: Int, seed: UInt64) throws -> (batch: FlowBatch, start: Int64, end: Int64) {
        let generator = try FlowGenerator(config: GeneratorConfig(rows: 40_000, days: days, seed: seed))
        var batch = generator.makeBatch()
        let start = generator.config.startMillis, end = generator.config.endMillis
        let minute: Int64 = 60_000
        let edges: [(Int64, Int64, String, String, UInt16, UInt16)] = [
            (start + 30_000, start + 47 * minute + 1_234, "10.0.0.7", "8.8.8.8", 50_000, 443),      // 47 min spread
            (start - 5 * minute, start + 3 * minute + 17, "10.0.0.8", "1.1.1.1", 53, 40_000),      // starts before the window
            (end - 90_000, end + 10 * minute, "2001:db8::5", "10.1.2.3", 443, 443),                 // ends after it
            (start + 2 * minute, start + 2 * minute, "::1", "::ffff:ffff:ffff:ffff", 1, 2),          // zero duration, odd v6
            (start + 2 * minute + 5, start + 2 * minute + 9, "ffff::1", "fd00:f10e::1:5", 80, 443),
            (start + 2 * minute + 7, start + 9 * minute, "255.255.255.255", "0.0.0.0", 443, 80),
            (start + 2 * minute + 8, start + 2 * minute + 70_000, "10.0.0.7", "8.8.8.8", 50_001, 443),  // same pair again
        ]
        for e in edges { batch.append(try record(e.0, e.1, e.2, e.3, e.4, e.5)) }
        return (batch, start, end)
    }

    func expectSame(_ got: SeriesSet, _ want: [String: [Double]], _ label: String) {
        #expect(Set(got.names) == Set(want.keys), "\(label): series names")
        for name in got.names {
            guard let a = got[name], let b = want[name] else { continue }
            let diffs = zip(a, b).enumerated().filter { $0.element.0 != $0.element.1 }
            #expect(diffs.isEmpty, "\(label) \(name): \(diffs.count) buckets differ, first \(diffs.first.map { "\($0.offset): \($0.element.0) vs \($0.element.1)" } ?? "")")
        }
    }

    @Test(arguments: [60, 300])
    func batchesMatchTheReference(bucketSeconds: Int) throws {
        let (batch, start, end) = try flows(days: 2, seed: 11)
        var config = SeriesConfig(bucketSeconds: bucketSeconds, servicePorts: [443, 53, 80, 443],
                                  subnets: [NetworkPrefix("10.0.0.0/16")!, NetworkPrefix("2001:db8::/32")!], topHosts: 3)
        config.coverageGapMinutes = 0
        var ranking = HostRanking(internalNetworks: config.internalNetworks)
        ranking.add(batch)
        let hosts = ranking.top(3)
        #expect(hosts.count == 3)
        for spreading in [SeriesConfig.Spreading.duration, .start] {
            config.spreading = spreading
            let aggregator = try SeriesAggregator(config: config, startMillis: start, endMillis: end, hosts: hosts)
            aggregator.add(batch)
            let want = Self.reference(config: config, start: start, end: end, hosts: hosts, batch: batch)
            expectSame(aggregator.result(), want, "\(bucketSeconds) s \(spreading)")
            #expect(want["total.distinct_sources"]!.reduce(0, +) > 1000)
        }
    }

    /// More than 64 groups: rows fall in groups of two 64-group chunks.
    @Test func manyGroupsMatchTheReference() throws {
        let (batch, start, end) = try flows(days: 1, seed: 12)
        var config = SeriesConfig(servicePorts: Array(1...90).map(UInt16.init) + [443, 53])
        config.coverageGapMinutes = 0
        let aggregator = try SeriesAggregator(config: config, startMillis: start, endMillis: end)
        #expect(aggregator.groups.count > 64)
        aggregator.add(batch)
        expectSame(aggregator.result(), Self.reference(config: config, start: start, end: end, hosts: [], batch: batch), "many groups")
    }

    /// Dataset files (text addresses through the fast parser, per-day flushes) give the
    /// reference's series too.
    @Test func datasetFilesMatchTheReference() throws {
        let (batch, start, end) = try flows(days: 2, seed: 13)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("floe-series-ref-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var byDay: [Int64: FlowBatch] = [:]
        for i in 0..<batch.count {
            var r = FlowRecord()
            r.start = batch.start[i]; r.end = batch.end[i]
            r.srcAddr = batch.srcAddr[i]; r.dstAddr = batch.dstAddr[i]
            r.srcPort = batch.srcPort[i]; r.dstPort = batch.dstPort[i]
            r.proto = 6
            r.bytes = batch.bytes[i]; r.packets = batch.packets[i]
            byDay[CivilTime.day(ofMillis: r.start), default: FlowBatch()].append(r)
        }
        for (day, part) in byDay {
            let folder = "\(dir)/date=\(CivilTime.dateString(day: day))"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            // Two files per day: the second half first, so rows are out of time order.
            let half = part.count / 2
            for (k, range) in [half..<part.count, 0..<half].enumerated() {
                var slice = FlowBatch()
                for i in range {
                    var r = FlowRecord()
                    r.start = part.start[i]; r.end = part.end[i]
                    r.srcAddr = part.srcAddr[i]; r.dstAddr = part.dstAddr[i]
                    r.srcPort = part.srcPort[i]; r.dstPort = part.dstPort[i]
                    r.proto = 6
                    r.bytes = part.bytes[i]; r.packets = part.packets[i]
                    slice.append(r)
                }
                let writer = try FlowArrowWriter(path: "\(folder)/part-0000\(k).arrow")
                try writer.write(slice)
                try writer.finish()
            }
        }
        var config = SeriesConfig(servicePorts: [443, 53], subnets: [NetworkPrefix("10.0.0.0/16")!])
        config.coverageGapMinutes = 0
        let got = try FlowDatasetSeries.aggregate(dataset: try DatasetListing(root: dir), startMillis: start, endMillis: end, config: config)
        // The reference in file order: per day, second half then first half.
        var ordered = FlowBatch()
        for day in byDay.keys.sorted() {
            let part = byDay[day]!
            let half = part.count / 2
            for i in Array(half..<part.count) + Array(0..<half) {
                var r = FlowRecord()
                r.start = part.start[i]; r.end = part.end[i]
                r.srcAddr = part.srcAddr[i]; r.dstAddr = part.dstAddr[i]
                r.srcPort = part.srcPort[i]; r.dstPort = part.dstPort[i]
                r.bytes = part.bytes[i]; r.packets = part.packets[i]
                ordered.append(r)
            }
        }
        expectSame(got, Self.reference(config: config, start: start, end: end, hosts: [], batch: ordered), "dataset")
    }

    /// Exact keys: equal exactly when the addresses are equal, across IPv4 and IPv6.
    @Test func exactKeysSeparateEveryAddress() throws {
        var keys = ExactAddressKeys()
        var addresses: [IPAddress] = (0..<3000).map { IPAddress(ipv4: UInt32($0) &* 2_654_435_761) }
        addresses += (0..<3000).map { IPAddress(high: 0x2001_0db8_0000_0000, low: UInt64($0)) }
        addresses += [IPAddress(high: 0, low: 1), IPAddress(high: 0, low: 1 << 48), IPAddress(high: 0, low: .max), IPAddress(high: 1, low: 1)]
        let unique = Array(Set(addresses))
        let first = unique.map { keys.key($0) }
        #expect(Set(first).count == unique.count)
        #expect(!first.contains(ExactAddressKeys.none))
        #expect(first.allSatisfy { $0 <= ExactAddressKeys.bits })
        #expect(unique.map { keys.key($0) } == first)
    }
}
