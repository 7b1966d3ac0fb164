import FlowColumnar
import FlowCore
import FlowIO
import Foundation
import Testing
@testable import FlowClean
import FlowTestSupport

/// floe-clean fails loudly when it keeps (almost) nothing, keeps its quarantine bounded,
/// and never merges two different records of one exporter.
@Suite struct CleanFailureTests {
    func engine(_ configure: (inout CleanConfig) -> Void = { _ in }) -> CleanEngine {
        var config = testConfig()
        configure(&config)
        return CleanEngine(config: config, toolVersion: "test")
    }

    @Test func keepingNothingIsAFailureWithReasonsAndExamples() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let raw = tmp.sub("raw")
        let future = t0 + 400 * CivilTime.millisPerDay
        try writeRaw((0..<20).map { flow(start: future + Int64($0) * 1000) }, to: raw + "/a.arrow")
        let m = try engine().run(inputs: [raw], output: tmp.path + "/flows")
        let failure = try #require(m.rejectFailure(maxShare: 0.5, quarantinePath: tmp.path + "/flows/quarantine.jsonl"))
        #expect(failure.hasPrefix("kept no rows of 20 (100 % rejected)"))
        #expect(failure.contains("future_skew: 20 rows, e.g. {"))
        #expect(failure.contains("--reference-time"))
    }

    @Test func theRejectShareDecides() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let raw = tmp.sub("raw")
        let future = t0 + 400 * CivilTime.millisPerDay
        let rows = (0..<6).map { flow(start: future + Int64($0)) } + (0..<4).map { flow(start: t0 + Int64($0) * 5000, srcPort: UInt16(1000 + $0)) }
        try writeRaw(rows, to: raw + "/a.arrow")
        let m = try engine().run(inputs: [raw], output: tmp.path + "/flows")
        let q = tmp.path + "/flows/quarantine.jsonl"
        #expect(m.totals.counts.rowsOut == 4)
        #expect(m.rejectFailure(maxShare: 0.5, quarantinePath: q)?.hasPrefix("rejected 6 of 10 rows (60 %)") == true)
        #expect(m.rejectFailure(maxShare: 0.7, quarantinePath: q) == nil)
    }

    @Test func anEmptyDayIsNoFailure() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let raw = tmp.sub("raw")
        try writeRaw([], to: raw + "/a.arrow")
        let m = try engine().run(inputs: [raw], output: tmp.path + "/flows")
        #expect(m.rejectFailure(maxShare: 0.5, quarantinePath: tmp.path + "/flows/quarantine.jsonl") == nil)
    }

    @Test func eachInputKeepsABoundedShareOfTheQuarantine() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let raw = tmp.sub("raw")
        let future = t0 + 400 * CivilTime.millisPerDay
        try writeRaw((0..<50).map { flow(start: future + Int64($0)) }, to: raw + "/a.arrow", perBatch: 7)
        try writeRaw((0..<5).map { flow(start: future + Int64($0)) }, to: raw + "/b.arrow")
        let m = try engine { $0.maxQuarantineRows = 10 }.run(inputs: [raw], output: tmp.path + "/flows")
        let lines = String(decoding: fileBytes(tmp.path + "/flows/quarantine.jsonl"), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 15)
        #expect(m.inputs[0].counts.rowsRejected == 50 && m.inputs[0].counts.rejectsNotQuarantined == 40)
        #expect(m.inputs[1].counts.rejectsNotQuarantined == 0)
        #expect(m.totals.counts.rejectsNotQuarantined == 40)
        let decoded = try CleanManifest.decode(Data(fileBytes(tmp.path + "/flows/manifest.json")))
        #expect(decoded.totals.counts.rejectsNotQuarantined == 40)
    }

    /// 25 ICMP echoes one second apart from one exporter are 25 flows; an exact copy of one
    /// (the same file read twice) and a copy seen by a second exporter 20 ms later are not.
    @Test func oneExporterNeverReportsOneFlowTwiceWithDifferentValues() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let echoes = (0..<25).map { flow(start: t0 + 1_000 + Int64($0) * 1_000, duration: 0, dst: "10.0.0.9", srcPort: 0, dstPort: 2048,
                                          proto: 1, flags: nil, packets: 1, bytes: 84) }
        try writeRaw(echoes, to: tmp.sub("raw1") + "/a.arrow")
        var second = echoes[3]
        second.exporter = IPAddress("10.0.255.2")
        second.start += 20
        second.end += 20
        try writeRaw([echoes[7], second], to: tmp.sub("raw2") + "/b.arrow")
        let m = try engine().run(inputs: [tmp.path + "/raw1", tmp.path + "/raw2"], output: tmp.path + "/flows")
        #expect(m.totals.counts.rowsOut == 25)
        #expect(m.totals.counts.duplicates == 2)
    }
}
