import FlowColumnar
import FlowCore
import FlowDataset
import FlowIO
import Foundation
import Testing
@testable import FlowClean
import FlowTestSupport

@Suite struct EngineTests {
    func engine(_ config: CleanConfig = testConfig()) -> CleanEngine { CleanEngine(config: config, toolVersion: "test") }

    @Test func dedupeWithinOneFileAndAcrossTwo() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let raw1 = tmp.sub("raw1"), raw2 = tmp.sub("raw2")
        let a = flow(start: t0 + 1_000)
        var aSecondExporter = a  // same flow from another exporter, 40 ms later
        aSecondExporter.start += 40
        aSecondExporter.end += 40
        aSecondExporter.exporter = IPAddress("10.0.255.2")
        let b = flow(start: t0 + 5_000, srcPort: 41_000)
        let bLate = flow(start: t0 + 5_000 + 1_001, srcPort: 41_000)  // beyond the 1 s tolerance: a new flow
        let c = flow(start: t0 + 9_000, srcPort: 42_000)
        try writeRaw([a, aSecondExporter, b, bLate], to: raw1 + "/part-0.arrow")
        try writeRaw([c, a, b], to: raw2 + "/part-0.arrow")  // overlapping archive: a and b again
        let out = tmp.path + "/flows"
        let m = try engine().run(inputs: [raw1, raw2], output: out)
        #expect(m.inputs.count == 2)
        #expect(m.inputs[0].counts.duplicates == 1)
        #expect(m.inputs[1].counts.duplicates == 2)
        #expect(m.inputs[0].counts.rowsOut == 3)
        #expect(m.inputs[1].counts.rowsOut == 1)
        #expect(m.totals.counts.rowsOut == 4)
        #expect(m.totals.counts.isBalanced)
        let p = try PartitionContents(path: partitionPath(out, day: day0))
        #expect(p.rowCount == 4)
        #expect(p.ints["start"] == [t0 + 1_000, t0 + 5_000, t0 + 6_001, t0 + 9_000])
        #expect(p.texts["exporter"]?[0] == "10.0.255.1")  // the first copy is kept

        // Dedupe off keeps everything.
        var noDedupe = testConfig()
        noDedupe.dedupeEnabled = false
        let m2 = try engine(noDedupe).run(inputs: [raw1, raw2], output: tmp.path + "/flows2")
        #expect(m2.totals.counts.rowsOut == 7)
        #expect(m2.totals.counts.duplicates == 0)
    }

    @Test func duplicateAcrossMidnightIsFound() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let late = flow(start: t0 + CivilTime.millisPerDay - 10)
        var copy = late  // the same flow seen by a second exporter, 20 ms later, after midnight
        copy.start += 20
        copy.end += 20
        copy.exporter = IPAddress("10.0.255.2")
        try writeRaw([late, copy], to: tmp.sub("raw") + "/a.arrow")
        let m = try engine().run(inputs: [tmp.path + "/raw"], output: tmp.path + "/flows")
        #expect(m.totals.counts.duplicates == 1)
        #expect(m.partitions.map(\.rows) == [1, 0])  // the next day exists in the input, so it is written (empty)
    }

    @Test func partitionsSplitAtMidnightUTCAndAreSorted() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let midnight = t0 + CivilTime.millisPerDay
        let records = [
            flow(start: midnight, src: "10.0.0.9"),
            flow(start: midnight - 1, duration: 1),
            flow(start: midnight, src: "10.0.0.2"),
            flow(start: t0, src: "2001:db8::5", dst: "2001:db8::9"),
            flow(start: t0, src: "10.0.0.1"),
        ]
        try writeRaw(records, to: tmp.sub("raw") + "/a.arrow", perBatch: 2)
        let out = tmp.path + "/flows"
        let m = try engine().run(inputs: [tmp.path + "/raw"], output: out)
        #expect(m.partitions.map(\.date) == ["2026-11-02", "2026-11-03"])
        #expect(m.partitions.map(\.path) == ["date=2026-11-02/part-00000.arrow", "date=2026-11-03/part-00000.arrow"])
        let first = try PartitionContents(path: partitionPath(out, day: day0))
        #expect(first.ints["start"] == [t0, t0, midnight - 1])
        // Same start: addresses in numeric order (IPv4, as v4-mapped, before 2001:db8::).
        #expect(first.texts["src_addr"] == ["10.0.0.1", "2001:db8::5", "10.0.0.5"])
        let second = try PartitionContents(path: partitionPath(out, day: day0 + 1))
        #expect(second.ints["start"] == [midnight, midnight])
        #expect(second.texts["src_addr"] == ["10.0.0.2", "10.0.0.9"])
        #expect(second.ints["hour_of_day"] == [0, 0])
        #expect(first.ints["hour_of_day"] == [0, 0, 23])
        #expect(first.ints["day_of_week"] == [1, 1, 1])  // Monday
        #expect(second.ints["day_of_week"] == [2, 2])
    }

    @Test func coverageRecordsEachInputsFlowStartsPerDay() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let midnight = t0 + CivilTime.millisPerDay
        let first = tmp.sub("raw") + "/a.arrow", second = tmp.path + "/raw/b.arrow"
        try writeRaw([flow(start: t0 + 7_000), flow(start: t0 + 2_000, srcPort: 40_001), flow(start: midnight + 5, srcPort: 40_002)], to: first)
        try writeRaw([flow(start: t0 + 9_000, srcPort: 40_003), flow(start: t0 + 4_000, srcPort: 40_004)], to: second)
        let out = tmp.path + "/flows"
        try engine().run(inputs: [tmp.path + "/raw"], output: out)
        func coverage(_ day: Int64) throws -> PartitionCoverage {
            let path = (partitionPath(out, day: day) as NSString).deletingLastPathComponent + "/" + PartitionCoverage.fileName
            return try JSONDecoder().decode(PartitionCoverage.self, from: try #require(FileManager.default.contents(atPath: path)))
        }
        #expect(try coverage(day0).spans == [
            PartitionCoverage.Span(input: first, firstStart: t0 + 2_000, lastStart: t0 + 7_000, rows: 2),
            PartitionCoverage.Span(input: second, firstStart: t0 + 4_000, lastStart: t0 + 9_000, rows: 2),
        ])
        #expect(try coverage(day0 + 1).spans == [PartitionCoverage.Span(input: first, firstStart: midnight + 5, lastStart: midnight + 5, rows: 1)])
    }

    @Test func recleaningADayLeavesOtherDaysUntouched() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let out = tmp.path + "/flows"
        let all = (0..<3).map { d in flow(start: t0 + Int64(d) * CivilTime.millisPerDay + 1_000) }
        try writeRaw(all, to: tmp.sub("raw") + "/a.arrow")
        try engine().run(inputs: [tmp.path + "/raw"], output: out)
        let fm = FileManager.default
        func stamp(_ day: Int64) throws -> (Date, [UInt8]) {
            let path = partitionPath(out, day: day)
            return (try fm.attributesOfItem(atPath: path)[.modificationDate] as! Date, fileBytes(path))
        }
        let before0 = try stamp(day0), before2 = try stamp(day0 + 2)
        let old1 = fileBytes(partitionPath(out, day: day0 + 1))
        Thread.sleep(forTimeInterval: 0.05)
        // Re-clean day 1 alone, now with two flows.
        let day1 = [flow(start: t0 + CivilTime.millisPerDay + 1_000), flow(start: t0 + CivilTime.millisPerDay + 2_000, srcPort: 5)]
        try writeRaw(day1, to: tmp.sub("raw-day1") + "/a.arrow")
        let m = try engine().run(inputs: [tmp.path + "/raw-day1"], output: out)
        #expect(m.partitions.map(\.date) == ["2026-11-03"])
        let after0 = try stamp(day0), after2 = try stamp(day0 + 2)
        #expect(after0.0 == before0.0 && after0.1 == before0.1)
        #expect(after2.0 == before2.0 && after2.1 == before2.1)
        #expect(fileBytes(partitionPath(out, day: day0 + 1)) != old1)
        #expect(try PartitionContents(path: partitionPath(out, day: day0 + 1)).rowCount == 2)
        // No staging or scratch folders are left behind.
        let hidden = try fm.contentsOfDirectory(atPath: out).filter { $0.hasPrefix(".") && $0 != OutputFolderClaim.lockFileName }
        #expect(hidden.isEmpty)
    }

    /// A backfill cleans one day at a time into one dataset: each run's rejects and manifest
    /// are kept in its own record, and cleaning the same inputs again replaces only theirs.
    @Test func eachRunKeepsItsQuarantineAndManifest() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let out = tmp.path + "/flows"
        func rawDay(_ d: Int64, rejects: Int) throws -> String {
            var records = [flow(start: t0 + d * CivilTime.millisPerDay + 1_000)]
            for k in 0..<rejects {
                var bad = flow(start: t0 + d * CivilTime.millisPerDay + 2_000 + Int64(k))
                bad.end = bad.start - 1
                records.append(bad)
            }
            let folder = tmp.sub("raw/\(CivilTime.dateString(day: day0 + d))")
            try writeRaw(records, to: folder + "/a.arrow")
            return folder
        }
        let first = try rawDay(0, rejects: 2), second = try rawDay(1, rejects: 3)
        try engine().run(inputs: [first], output: out)
        try engine().run(inputs: [second], output: out)
        let fm = FileManager.default
        let records = try fm.contentsOfDirectory(atPath: out + "/" + CleanRunRecord.folderName).sorted()
        #expect(records.count == 2)
        #expect(records.first?.hasPrefix("2026-11-02-") == true && records.last?.hasPrefix("2026-11-03-") == true)
        func lines(_ path: String) -> Int { String(decoding: fileBytes(path), as: UTF8.self).split(separator: "\n").count }
        #expect(lines(CleanRunRecord.folder(output: out, inputs: [first]) + "/quarantine.jsonl") == 2)
        #expect(lines(CleanRunRecord.folder(output: out, inputs: [second]) + "/quarantine.jsonl") == 3)
        #expect(lines(out + "/quarantine.jsonl") == 3)
        #expect(fileBytes(CleanRunRecord.folder(output: out, inputs: [second]) + "/manifest.json") == fileBytes(out + "/manifest.json"))
        // Cleaning the first day again replaces its record and keeps the second's.
        try engine().run(inputs: [first], output: out)
        #expect(try fm.contentsOfDirectory(atPath: out + "/" + CleanRunRecord.folderName).sorted() == records)
        #expect(lines(CleanRunRecord.folder(output: out, inputs: [second]) + "/quarantine.jsonl") == 3)
        // The record folder is not a partition.
        #expect(try DatasetListing(root: out).days == [day0, day0 + 1])
        let hidden = try fm.contentsOfDirectory(atPath: out + "/" + CleanRunRecord.folderName + "/" + records[0]).filter { $0.hasPrefix(".") }
        #expect(hidden.isEmpty)
    }

    @Test func interruptedSwapIsRecovered() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let out = tmp.path + "/flows"
        try writeRaw([flow()], to: tmp.sub("raw") + "/a.arrow")
        try engine().run(inputs: [tmp.path + "/raw"], output: out)
        let folder = out + "/" + DatasetLayout.partitionFolder(day: day0)
        let bytes = fileBytes(folder + "/part-00000.arrow")
        // Simulate a kill between the two renames of the fallback swap, plus a stale stage.
        #expect(rename(folder, out + "/.date=2026-11-02.old-99999") == 0)
        try FileManager.default.createDirectory(atPath: out + "/.date=2026-11-02.tmp-99999", withIntermediateDirectories: true)
        PartitionSwap.recover(in: out)
        #expect(fileBytes(folder + "/part-00000.arrow") == bytes)
        #expect(!FileManager.default.fileExists(atPath: out + "/.date=2026-11-02.tmp-99999"))
    }

    @Test func rerunIsByteIdenticalAndSpillingChangesNothing() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        var records: [FlowRecord] = []
        var labels: [String?] = []
        for i in 0..<3_000 {
            let start = t0 + Int64(i % 3) * CivilTime.millisPerDay + Int64((i * 7_919) % 86_000_000)
            var r = flow(start: start, src: "10.0.\(i % 7).\(i % 200 + 1)", srcPort: UInt16(30_000 + i % 5_000),
                         packets: UInt64(1 + i % 9), bytes: UInt64(60 * (1 + i % 9)))
            if i % 10 == 0 { r.srcAddr = IPAddress("2001:db8::\(i % 50 + 1)")!; r.dstAddr = IPAddress("2001:db8:1::1")! }
            if i % 97 == 0 { r.end = r.start - 1 }  // some rejects
            records.append(r)
            labels.append(i % 13 == 0 ? "portscan" : (i % 5 == 0 ? nil : "benign"))
            if i % 11 == 0 { records.append(r); labels.append(labels[labels.count - 1]) }  // some duplicates
        }
        try writeRaw(Array(records[0..<2_000]), to: tmp.sub("raw") + "/a.arrow", labels: Array(labels[0..<2_000]), perBatch: 300)
        try writeRaw(Array(records[2_000...]), to: tmp.path + "/raw/b.arrow", labels: Array(labels[2_000...]), perBatch: 300)
        var config = testConfig()
        config.rowsPerBatch = 500
        let m1 = try engine(config).run(inputs: [tmp.path + "/raw"], output: tmp.path + "/one")
        let m2 = try engine(config).run(inputs: [tmp.path + "/raw"], output: tmp.path + "/two")
        var single = config
        single.threads = 1
        var spilling = engine(single)
        spilling.spillLimitRows = 250
        spilling.sliceRows = 77
        let m3 = try spilling.run(inputs: [tmp.path + "/raw"], output: tmp.path + "/three")
        #expect(m3.spills > 3)
        #expect(m1.spills == 0)
        #expect(m1.totals.counts.duplicates > 0 && m1.totals.counts.rowsRejected > 0)
        #expect(m1.inputs == m2.inputs && m1.inputs == m3.inputs)
        #expect(m1.partitions == m3.partitions)
        for p in m1.partitions {
            let one = fileBytes(tmp.path + "/one/" + p.path)
            #expect(!one.isEmpty)
            #expect(one == fileBytes(tmp.path + "/two/" + p.path))
            #expect(one == fileBytes(tmp.path + "/three/" + p.path))
        }
        for name in ["quarantine.jsonl", "manifest.json"] {
            #expect(fileBytes(tmp.path + "/one/" + name) == fileBytes(tmp.path + "/two/" + name))
        }
        // Labels survive, nulls stay null.
        let p = try PartitionContents(path: tmp.path + "/one/" + m1.partitions[0].path)
        #expect(Set(p.texts["label"]!.compactMap { $0 }) == ["benign", "portscan"])
        #expect(p.texts["label"]!.contains(nil))
    }

    @Test func badInputAmongSeveral() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let raw = tmp.sub("raw")
        try writeRaw([flow(start: t0 + 1)], to: raw + "/a.arrow")
        try Array("not an arrow file at all".utf8).withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: raw + "/b.arrow")) }
        try writeRaw([flow(start: t0 + 2, srcPort: 9)], to: raw + "/c.arrow")
        let m = try engine().run(inputs: [raw, tmp.path + "/missing-dir"], output: tmp.path + "/flows")
        #expect(m.failedInputs.map { ($0.path as NSString).lastPathComponent } == ["b.arrow", "missing-dir"])
        #expect(m.failedInputs.allSatisfy { $0.error != nil })
        #expect(m.totals.files == 4 && m.totals.filesFailed == 2)
        #expect(m.totals.counts.rowsOut == 2)
        let decoded = try CleanManifest.decode(Data(fileBytes(tmp.path + "/flows/manifest.json")))
        #expect(decoded.failedInputs.count == 2)
    }

    /// The meter floe-clean publishes for `floe run`: input rows validated, and work that
    /// counts each row once validated and each accepted row once merged, ending at 100 %.
    @Test func progressCountsValidatedThenMergedRows() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let raw = tmp.sub("raw")
        try writeRaw([flow(start: t0 + 1), flow(start: t0 + 2, srcPort: 9), flow(start: t0 + CivilTime.millisPerDay + 5)],
                     to: raw + "/a.arrow")
        try writeRaw([flow(start: t0 + 1), flow(start: t0 + 9, duration: -5_000)], to: raw + "/b.arrow")
        var cleaner = engine()
        cleaner.progress = StageProgress(path: tmp.path + "/progress.json", interval: 0)
        let m = try cleaner.run(inputs: [raw], output: tmp.path + "/flows")
        let snapshot = try #require(StageProgressSnapshot.read(path: tmp.path + "/progress.json"))
        #expect(m.totals.counts.rowsIn == 5)
        #expect(m.totals.counts.rowsRejected == 1)
        #expect(snapshot.rows == 5)
        // 5 validated + 4 accepted rows merged (one of them a duplicate).
        #expect(snapshot.done == 9 && snapshot.total == 9 && snapshot.unit == "rows")
    }

    @Test func quarantineAndEnrichment() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        var bad = flow(start: t0 + 10)
        bad.end = bad.start - 3
        var sampled = flow(start: t0 + 20, src: "198.51.100.1", dst: "10.0.1.1", srcPort: 50_000, dstPort: 22, packets: 10, bytes: 4_000)
        sampled.samplingRate = 100
        sampled.revPackets = 8
        sampled.revBytes = 900
        let records = [
            bad,
            sampled,
            flow(start: t0 + 30, duration: 0, src: "10.0.0.1", dst: "10.0.1.1", srcPort: 123, dstPort: 40_000, proto: 17, flags: 0, packets: 1, bytes: 76),
            flow(start: t0 + 40, src: "198.51.100.1", dst: "203.0.113.1", srcPort: 0, dstPort: 8 << 8, proto: 1, flags: 0, packets: 1, bytes: 84),
            flow(start: t0 + 50, src: "::ffff:10.0.0.7", dst: "198.51.100.7", srcPort: 40_001, dstPort: 40_002),
        ]
        try writeRaw(records, to: tmp.sub("raw") + "/a.arrow")
        let out = tmp.path + "/flows"
        let m = try engine().run(inputs: [tmp.path + "/raw"], output: out)
        #expect(m.totals.counts.rejects(.endBeforeStart) == 1)
        let lines = String(decoding: fileBytes(out + "/quarantine.jsonl"), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 1)
        let q = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as! [String: Any]
        #expect(q["rule"] as? String == "end_before_start")
        #expect(q["row"] as? Int == 0 && q["batch"] as? Int == 0)
        #expect((q["source"] as? String)?.hasSuffix("a.arrow") == true)
        #expect((q["detail"] as? String)?.contains("3 ms") == true)
        let values = q["values"] as! [String: Any]
        #expect(values["src_addr"] as? String == "10.0.0.5")
        #expect(values["packets"] as? Int == 10)
        #expect(values["label"] is NSNull)

        let p = try PartitionContents(path: partitionPath(out, day: day0))
        #expect(p.rowCount == 4)
        #expect(p.texts["direction"] == ["inbound", "internal", "external", "outbound"])
        #expect(p.ints["service_port"] == [22, 123, -1, 40_001])
        #expect(p.texts["service"] == ["ssh", "ntp", "icmp", nil])
        #expect(p.ints["packets_scaled"]?[0] == 1_000 && p.ints["bytes_scaled"]?[0] == 400_000)
        #expect(p.ints["packets"]?[0] == 10)
        #expect(p.ints["duration_ms"] == [2_000, 0, 2_000, 2_000])
        #expect(p.doubles["bps"]?[0] == 400_000 * 8 / 2.0)
        #expect(p.doubles["pps"]?[1] == 1_000)  // 1 packet in max(0, 1) ms
        #expect(p.doubles["bytes_per_packet"]?[0] == 400)
        #expect(p.bools["bidirectional"] == [true, false, false, false])
        #expect(p.texts["src_addr"]?[3] == "10.0.0.7")  // normalized from ::ffff:10.0.0.7
    }

    @Test func outputSchemaIsFlowSchemaThenEnriched() throws {
        #expect(Array(DatasetSchema.fields.prefix(FlowSchema.fields.count)) == FlowSchema.fields)
        #expect(DatasetSchema.index(of: "direction") == FlowSchema.fields.count)
        #expect(Set(DatasetSchema.fields.map(\.name)).count == DatasetSchema.fields.count)
    }
}

@Suite struct InvalidValueTests {
    /// A raw file whose address texts are given as is (ingest never writes a bad one, but a
    /// foreign or damaged file may): `invalid_value` quarantines the row, the others pass.
    @Test func unparseableAddressIsQuarantined() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let records = [flow(start: t0 + 1), flow(start: t0 + 2, srcPort: 2), flow(start: t0 + 3, srcPort: 3)]
        var batch = FlowBatch()
        for r in records { batch.append(r) }
        let srcTexts = ["10.0.0.5", "10.0.0.300", "2001:db8::1"]
        var offsets: [Int32] = [0], data: [UInt8] = []
        for t in srcTexts { data += Array(t.utf8); offsets.append(Int32(data.count)) }
        var dstOffsets: [Int32] = [0], dstData: [UInt8] = []
        for r in records { r.dstAddr.appendText(to: &dstData); dstOffsets.append(Int32(dstData.count)) }
        var expOffsets: [Int32] = [0], expData: [UInt8] = []
        for r in records { r.exporter!.appendText(to: &expData); expOffsets.append(Int32(expData.count)) }
        let writer = try ArrowFileWriter(path: tmp.sub("raw") + "/a.arrow", fields: FlowSchema.fields)
        try writer.write(rowCount: 3, columns: [
            .values(batch.start), .values(batch.end), .utf8(offsets: offsets, data: data),
            .utf8(offsets: dstOffsets, data: dstData), .values(batch.srcPort), .values(batch.dstPort),
            .values(batch.proto), .values(batch.tcpFlags), .values(batch.packets), .values(batch.bytes),
            .allNull, .allNull, .allNull, .allNull, .allNull, .utf8(offsets: expOffsets, data: expData),
            .values(batch.samplingRate), .allNull, .allNull, .allNull, .allNull,
        ])
        try writer.finish()
        let m = try CleanEngine(config: testConfig(), toolVersion: "t").run(inputs: [tmp.path + "/raw"], output: tmp.path + "/flows")
        #expect(m.totals.counts.rejects(.invalidValue) == 1)
        #expect(m.totals.counts.rowsOut == 2)
        let line = String(decoding: fileBytes(tmp.path + "/flows/quarantine.jsonl"), as: UTF8.self)
        #expect(line.contains("\"rule\":\"invalid_value\"") && line.contains("10.0.0.300") && line.contains("\"row\":1"))
    }
}
