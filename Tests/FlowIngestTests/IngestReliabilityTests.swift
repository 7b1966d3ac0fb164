import FlowCore
import FlowIO
import Foundation
import Testing
@testable import FlowIngest
import FlowTestSupport

/// Defects found by a hostile-input campaign: hidden outputs, an unbounded quarantine, a
/// file of rejects that passed, a failed file with no quarantine line.
@Suite struct IngestReliabilityTests {
    let header = "start,end,src_addr,dst_addr,src_port,dst_port,protocol,packets,bytes\n"
    func row(_ i: Int) -> String {
        "2026-11-01T00:00:\(String(format: "%02d", i % 60)).000Z,2026-11-01T00:01:00.000Z,10.0.0.1,192.0.2.\(i % 250 + 1),\(1000 + i),443,6,3,180\n"
    }

    /// An input named with a leading dot gives a visible output file, listed in the manifest.
    @Test func dotNamedInputsGiveVisibleOutputs() throws {
        let dir = temporaryFolder()
        writeFile(dir + "/.part1.csv", header + (0..<20).map(row).joined())
        writeFile(dir + "/part2.csv", header + (20..<50).map(row).joined())
        let manifest = try ingest([dir + "/.part1.csv", dir + "/part2.csv"], into: dir + "/raw")
        let names = manifest.inputs.flatMap(\.outputs)
        #expect(names.count == 2)
        #expect(names.allSatisfy { !$0.hasPrefix(".") })
        #expect(names[0].hasPrefix("part1.csv-"))
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: dir + "/raw").filter { $0.hasSuffix(".arrow") }
        #expect(Set(onDisk) == Set(names))
        #expect(manifest.totals.counts.rowsWritten == 50)
    }

    /// A flood of short bad lines keeps only the first `maxQuarantineRows` reject lines
    /// (in input order, the same on every run and thread count), counts the rest by reason,
    /// and says in the manifest how many were not kept.
    @Test(arguments: [1, 2]) func theQuarantineIsBounded(threads: Int) throws {
        let dir = temporaryFolder()
        var text = header
        for i in 0..<200 { text += row(i) }
        text += String(repeating: "x\n", count: 30_000)
        for i in 0..<50 { text += row(i) }
        writeFile(dir + "/in.csv", text)
        let manifest = try ingest([dir + "/in.csv"], into: dir + "/raw", chunkBytes: 8192, threads: threads) {
            $0.maxQuarantineRows = 1_000
            $0.maxRejectShare = 1
        }
        let counts = manifest.inputs[0].counts
        #expect(counts.rowsRejected == 30_000)
        #expect(counts.rowsWritten == 250)
        #expect(counts.rejectsNotQuarantined == 29_000)
        #expect(manifest.totals.counts.rejectsNotQuarantined == 29_000)
        let q = try quarantineLines(dir + "/raw")
        #expect(q.count == 1_000)
        #expect(q.map { $0["line"] as? Int } == (0..<1_000).map { 202 + $0 })
        let json = String(decoding: try manifest.encoded(), as: UTF8.self)
        #expect(json.contains("\"rejects_not_quarantined\" : 29000"))
    }

    /// With the default share, a file that is mostly rejects is a failed input: nothing of
    /// it is kept, the message names the top reasons, and the quarantine says so.
    @Test func aFileOfMostlyRejectsFails() throws {
        let dir = temporaryFolder()
        writeFile(dir + "/bad.csv", header + row(1) + String(repeating: "x\n", count: 10))
        writeFile(dir + "/good.csv", header + (0..<10).map(row).joined())
        let manifest = try ingest([dir + "/bad.csv", dir + "/good.csv"], into: dir + "/raw")
        let bad = manifest.inputs[0]
        #expect(bad.status == .failed)
        #expect(bad.outputs.isEmpty)
        #expect(bad.counts.rowsWritten == 0)
        #expect(bad.counts.rowsRejected == 11)
        #expect(bad.error?.contains("10 of 11 rows (91 %) were rejected") == true)
        #expect(bad.error?.contains("field_count 10") == true)
        #expect(manifest.inputs[1].status == .ok)
        let q = try quarantineLines(dir + "/raw")
        #expect(q.last?["reason"] as? String == "input_failed")
        #expect(q.last?["file"] as? String == dir + "/bad.csv")
    }

    /// A file that fails before any row (unknown format) still gets its quarantine line.
    @Test func anUnknownFormatHasAQuarantineLine() throws {
        let dir = temporaryFolder()
        writeFile(dir + "/notes.csv", "hello,world\n1,2\n")
        let manifest = try ingest([dir + "/notes.csv"], into: dir + "/raw")
        #expect(manifest.inputs[0].status == .failed)
        let q = try quarantineLines(dir + "/raw")
        #expect(q.count == 1)
        #expect(q.first?["file"] as? String == dir + "/notes.csv")
        #expect(q.first?["rows"] as? Int == 0)
        #expect((q.first?["detail"] as? String)?.contains("notes.csv") == true)
    }

    /// Leftovers of an ingest killed mid-write are removed by the next run into the folder.
    @Test func temporariesOfAKilledRunAreRemoved() throws {
        let dir = temporaryFolder()
        writeFile(dir + "/in.csv", header + row(1))
        try FileManager.default.createDirectory(atPath: dir + "/raw", withIntermediateDirectories: true)
        writeFile(dir + "/raw/.in.csv-00000000.arrow.tmp-999999-1", [UInt8](repeating: 7, count: 4096))
        writeFile(dir + "/raw/.quarantine.jsonl.tmp-999999-2", "{}\n")
        _ = try ingest([dir + "/in.csv"], into: dir + "/raw")
        let left = try FileManager.default.contentsOfDirectory(atPath: dir + "/raw").filter { $0.contains(".tmp-") }
        #expect(left.isEmpty)
    }
}
