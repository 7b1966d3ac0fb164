import Foundation
import Testing
import FlowCore
import FlowDataset
import FlowColumnar
import FlowGenerate
@testable import FlowModels
@testable import FlowTimeSeries

@Suite("Series aggregation")
struct SeriesAggregationTests {
    func record(_ start: Int64, _ end: Int64, _ src: String, _ dst: String, sport: UInt16, dport: UInt16, bytes: UInt64, packets: UInt64) -> FlowRecord {
        var r = FlowRecord()
        r.start = start
        r.end = end
        r.srcAddr = IPAddress(src)!
        r.dstAddr = IPAddress(dst)!
        r.srcPort = sport
        r.dstPort = dport
        r.proto = 6
        r.bytes = bytes
        r.packets = packets
        return r
    }

    @Test func spreadsByDurationAndCountsAtStart() throws {
        var config = SeriesConfig(servicePorts: [443])
        config.coverageGapMinutes = 0
        let agg = try SeriesAggregator(config: config, startMillis: 0, endMillis: 5 * 60_000)
        var batch = FlowBatch()
        // 90 s from 30 s: a third in each of buckets 0, 1 (half) … exactly: 30 s, 60 s.
        batch.append(record(30_000, 120_000, "10.0.0.1", "8.8.8.8", sport: 50000, dport: 443, bytes: 900, packets: 9))
        batch.append(record(61_000, 61_000, "8.8.8.8", "10.0.0.2", sport: 53, dport: 40000, bytes: 100, packets: 1))
        batch.append(record(62_000, 63_000, "10.0.0.1", "10.0.0.2", sport: 40000, dport: 443, bytes: 10, packets: 1))
        agg.add(batch)
        let set = agg.result()
        let bytes = try #require(set["total.bytes"])
        #expect(bytes[0] == 300)
        #expect(bytes[1] == 600 + 100 + 10)
        #expect(set["total.flows"]! == [1, 2, 0, 0, 0])
        #expect(set["total.distinct_sources"]![1] == 2)
        #expect(set["total.distinct_destinations"]![1] == 1)
        #expect(set["direction:outbound.flows"]![0] == 1)
        #expect(set["direction:inbound.bytes"]![1] == 100)
        #expect(set["direction:internal.flows"]![1] == 1)
        #expect(set["port:443.bytes"]![1] == 610)
        #expect(set["port:443.flows"]![1] == 1)

        var startConfig = config
        startConfig.spreading = .start
        let agg2 = try SeriesAggregator(config: startConfig, startMillis: 0, endMillis: 5 * 60_000)
        agg2.add(batch)
        #expect(agg2.result()["total.bytes"]![0] == 900)
    }

    @Test func coverageGapsAreMissingNotZero() throws {
        let flows: [Double] = [5, 5] + [Double](repeating: 0, count: 40) + [5] + [0, 0] + [5]
        let mask = SeriesCoverage(inferredGapMinutes: 30).missingMask(startMillis: 0, bucketMillis: 60_000, flowsPerBucket: flows)
        #expect(mask[2..<42].allSatisfy { $0 })
        #expect(!mask[0] && !mask[42] && !mask[43] && !mask[44])
        let explicit = SeriesCoverage(missingRanges: [(start: 90_000, end: 120_000)], inferredGapMinutes: 0)
            .missingMask(startMillis: 0, bucketMillis: 60_000, flowsPerBucket: [1, 1, 1, 1])
        #expect(explicit == [false, true, false, false])
        let records = VolumeDetector.coverageGaps(missing: mask, from: 0, startMillis: 0, bucketMillis: 60_000)
        #expect(records.count == 1)
        #expect(records[0].kind == "coverage_gap" && records[0].start == 120_000 && records[0].end == 42 * 60_000)
    }

    @Test func subnetsAndTopHosts() throws {
        var config = SeriesConfig(metrics: [.bytes, .flows], byDirection: false, subnets: [NetworkPrefix("10.0.1.0/24")!], topHosts: 1)
        config.coverageGapMinutes = 0
        var batch = FlowBatch()
        batch.append(record(0, 1, "10.0.1.5", "8.8.8.8", sport: 1000, dport: 80, bytes: 1000, packets: 2))
        batch.append(record(0, 1, "10.0.2.5", "8.8.8.8", sport: 1000, dport: 80, bytes: 10, packets: 2))
        var ranking = HostRanking(internalNetworks: config.internalNetworks)
        ranking.add(batch)
        #expect(ranking.top(1) == [IPAddress("10.0.1.5")!])
        let agg = try SeriesAggregator(config: config, startMillis: 0, endMillis: 60_000, hosts: ranking.top(1))
        agg.add(batch)
        let set = agg.result()
        #expect(set["subnet:10.0.1.0/24.bytes"] == [1000])
        #expect(set["host:10.0.1.5.flows"] == [1])
        #expect(set.names.contains("total.bytes"))
        #expect(NetworkPrefix("10.0.0.0/33") == nil && NetworkPrefix("fd00::/8") != nil)
    }

    /// The dataset path (Arrow partitions, columns by name, no enrichment columns) gives
    /// the same series as the in-memory path.
    @Test func datasetFilesMatchBatches() throws {
        let generator = try FlowGenerator(config: GeneratorConfig(rows: 20_000, days: 2, seed: 9))
        let batch = generator.makeBatch()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("floe-series-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Split rows by start day into date=… partitions, two parts per day.
        var perDay: [Int64: [FlowBatch]] = [:]
        for i in 0..<batch.count {
            let day = CivilTime.day(ofMillis: batch.start[i])
            var parts = perDay[day] ?? [FlowBatch(), FlowBatch()]
            parts[i % 2].append(batch.record(at: i))
            perDay[day] = parts
        }
        for (day, parts) in perDay {
            let partition = "\(dir)/date=\(CivilTime.dateString(day: day))"
            try FileManager.default.createDirectory(atPath: partition, withIntermediateDirectories: true)
            for (k, part) in parts.enumerated() {
                let writer = try FlowArrowWriter(path: "\(partition)/part-0000\(k).arrow")
                try writer.write(part)
                try writer.finish()
            }
        }
        let config = SeriesConfig(servicePorts: [443, 53])
        let start = generator.config.startMillis, end = generator.config.endMillis
        let fromFiles = try FlowDatasetSeries.aggregate(dataset: try DatasetListing(root: dir), startMillis: start, endMillis: end, config: config)
        let agg = try SeriesAggregator(config: config, startMillis: start, endMillis: end)
        agg.add(batch)
        let fromBatch = agg.result()
        #expect(fromFiles.names == fromBatch.names)
        for name in fromBatch.names {
            let a = fromFiles[name]!, b = fromBatch[name]!
            let same = zip(a, b).allSatisfy { ($0.isNaN && $1.isNaN) || abs($0 - $1) <= 1e-6 * max(1, abs($1)) }
            #expect(same, "\(name)")
        }
        #expect(fromBatch["total.flows"]!.reduce(0) { $0 + ($1.isNaN ? 0 : $1) } == Double(batch.count))
        #expect(throws: DatasetError.noFolder(path: dir + "/nope")) {
            try FlowDatasetSeries.aggregate(dataset: try DatasetListing(root: dir + "/nope"), startMillis: start, endMillis: end,
                                            config: config)
        }
    }
}
