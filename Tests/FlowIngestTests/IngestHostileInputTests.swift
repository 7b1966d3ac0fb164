import FlowColumnar
import FlowCore
import FlowFormats
import FlowIO
import Foundation
import Testing
@testable import FlowIngest
import FlowTestSupport

@Suite struct IngestHostileInputTests {
    let header = "start,end,src_addr,dst_addr,src_port,dst_port,protocol,packets,bytes\n"
    func row(_ i: Int, src: String = "10.0.0.1") -> String {
        "2026-11-01T00:00:\(String(format: "%02d", i % 60)).000Z,2026-11-01T00:01:00.000Z,\(src),192.0.2.\(i % 250 + 1),\(1000 + i),443,6,3,180\n"
    }

    /// Bad rows are rejected one by one with their line, offset, reason and original bytes;
    /// the rows around them are kept.
    @Test func badRowsGoToTheQuarantineWithTheirPlace() throws {
        let dir = temporaryFolder()
        var text = header
        for i in 0..<50 { text += row(i) }
        let badLines = [
            "2026-11-01T00:00:00Z,2026-11-01T00:01:00Z,10.0.0.01,192.0.2.1,1,443,6,3,180",  // leading zero
            "2026-11-01T00:00:00Z,2026-11-01T00:01:00Z,10.0.0.1,192.0.2.1,70000,443,6,3,180",  // port range
            "2026-11-01T00:00:00Z,2026-11-01T00:01:00Z,10.0.0.1,192.0.2.1,1,443,6,1e3,180",  // 1e3 counter
            "2026-11-01T00:00:00Z,2026-11-01T00:01:00Z,10.0.0.1,192.0.2.1,1,443,6,3",  // field count
            "2026-11-01T00:00:00Z,\"2026-11-01T00:01:00Z,10.0.0.1,192.0.2.1,1,443,6,3,180",  // open quote
        ]
        var expectedOffsets: [Int] = []
        for bad in badLines {
            expectedOffsets.append(text.utf8.count)
            text += bad + "\r\n"
        }
        let invalidUTF8Offset = text.utf8.count
        var bytes = Array(text.utf8) + [0x31, 0xFF, 0xFE, 0x0A]
        bytes += Array(row(7).utf8)
        writeFile(dir + "/in.csv", bytes)
        let manifest = try ingest([dir + "/in.csv"], into: dir + "/raw")
        let counts = manifest.inputs[0].counts
        #expect(counts.rowsWritten == 51)
        #expect(counts.rowsRejected == 6)
        #expect(counts.rejectsByReason == ["bad_address": 1, "bad_port": 1, "bad_number": 1, "field_count": 1,
                                           "unterminated_quote": 1, "invalid_utf8": 1])
        #expect(manifest.inputs[0].status == .partial)
        let q = try quarantineLines(dir + "/raw")
        #expect(q.count == 6)
        for (k, bad) in badLines.enumerated() {
            #expect(q[k]["line"] as? Int == 52 + k)
            #expect(q[k]["offset"] as? Int == expectedOffsets[k])
            #expect(q[k]["raw"] as? String == bad)
            #expect(q[k]["file"] as? String == dir + "/in.csv")
        }
        #expect(q[5]["raw_base64"] as? String == Data([0x31, 0xFF, 0xFE]).base64EncodedString())
        #expect(q[5]["offset"] as? Int == invalidUTF8Offset)
        #expect((q[0]["detail"] as? String)?.contains("10.0.0.01") == true)
    }

    /// A file that ends inside a line never turns that partial line into a record.
    @Test func unterminatedLastLineIsRejected() throws {
        let dir = temporaryFolder()
        let text = header + row(1) + row(2) + String(row(3).dropLast(3))
        writeFile(dir + "/cut.csv", text)
        let manifest = try ingest([dir + "/cut.csv"], into: dir + "/raw")
        #expect(manifest.inputs[0].counts.rowsWritten == 2)
        #expect(manifest.inputs[0].counts.rejectsByReason == ["truncated_line": 1])
    }

    /// A line over the limit is rejected without being kept in memory; the next rows are fine.
    @Test func overlongLineIsRejected() throws {
        let dir = temporaryFolder()
        let long = String(repeating: "9", count: 300_000)
        writeFile(dir + "/long.csv", header + row(1) + long + "\n" + row(2))
        let manifest = try ingest([dir + "/long.csv"], into: dir + "/raw") { $0.maxLineLength = 1024 }
        #expect(manifest.inputs[0].counts.rowsWritten == 2)
        #expect(manifest.inputs[0].counts.rejectsByReason == ["line_too_long": 1])
        let q = try quarantineLines(dir + "/raw")
        #expect((q.first?["detail"] as? String)?.contains("300000") == true)
    }

    /// Truncated or corrupt gzip: the file fails, nothing from it is kept, its rows are
    /// accounted as rolled back, the error names the offset, and other files are ingested.
    @Test func corruptGzipFailsOnlyThatFile() throws {
        let dir = temporaryFolder()
        var text = header
        for i in 0..<3000 { text += row(i) }
        let good = try GzipEncoder().member(Array(text.utf8))
        writeFile(dir + "/good.csv.gz", good)
        writeFile(dir + "/truncated.csv.gz", Array(good.prefix(good.count - 6)))
        var crc = good
        crc[crc.count - 8] ^= 0xFF
        writeFile(dir + "/crc.csv.gz", crc)
        writeFile(dir + "/junk.csv", (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) })
        writeFile(dir + "/empty.csv", [])
        let manifest = try ingest([dir], into: dir + "/raw")
        let byName = Dictionary(uniqueKeysWithValues: manifest.inputs.map { (($0.path as NSString).lastPathComponent, $0) })
        #expect(byName["good.csv.gz"]?.status == .ok)
        #expect(byName["good.csv.gz"]?.counts.rowsWritten == 3000)
        for name in ["truncated.csv.gz", "crc.csv.gz", "junk.csv"] {
            let r = try #require(byName[name])
            #expect(r.status == .failed, "\(name)")
            #expect(r.outputs.isEmpty)
            #expect(r.counts.rowsWritten == 0)
            #expect(r.counts.isBalanced)
            #expect(r.error?.contains(name) == true, "\(name): \(r.error ?? "")")
        }
        #expect(byName["crc.csv.gz"]?.counts.rejectsByReason[RowCounts.inputFailed] == 3000)
        #expect(byName["crc.csv.gz"]?.error?.lowercased().contains("crc") == true)
        #expect(byName["empty.csv"]?.status == .failed, "a 0-byte file is what a failed export leaves")
        #expect(manifest.totals.filesFailed == 4)
        #expect(manifest.totals.counts.isBalanced)
        let arrows = try FileManager.default.contentsOfDirectory(atPath: dir + "/raw").filter { $0.contains(".arrow") }
        #expect(arrows.count == 1, "only good.csv.gz has an output, no temporaries: \(arrows)")
        let q = try quarantineLines(dir + "/raw")
        #expect(q.contains { ($0["reason"] as? String) == RowCounts.inputFailed && ($0["rows"] as? Int) == 3000 })
    }

    /// Concatenated gzip members are read whole.
    @Test func multiMemberGzipIsReadWhole() throws {
        let dir = temporaryFolder()
        var first = header
        for i in 0..<100 { first += row(i) }
        var second = ""
        for i in 100..<250 { second += row(i) }
        let bytes = try GzipEncoder().member(Array(first.utf8)) + GzipEncoder(level: 6).member(Array(second.utf8))
        writeFile(dir + "/multi.gz", bytes)
        let manifest = try ingest([dir + "/multi.gz"], into: dir + "/raw")
        #expect(manifest.inputs[0].counts.rowsWritten == 250)
        #expect(manifest.inputs[0].compression == "gzip")
    }

    /// Zeek logs concatenated with a different column order in the second header block,
    /// split into tiny chunks parsed on two threads.
    @Test func zeekHeaderRedeclarationMidFile() throws {
        let dir = temporaryFolder()
        func block(_ fields: [String], _ rows: [[String]]) -> String {
            var s = "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n"
            s += "#fields\t" + fields.joined(separator: "\t") + "\n#types\t" + fields.map { _ in "string" }.joined(separator: "\t") + "\n"
            for r in rows { s += r.joined(separator: "\t") + "\n" }
            return s + "#close\t2026-11-01-01-00-00\n"
        }
        let f1 = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "duration", "orig_pkts", "orig_ip_bytes", "resp_pkts", "resp_ip_bytes"]
        let f2 = ["uid", "ts", "id.resp_h", "id.resp_p", "id.orig_h", "id.orig_p", "proto", "duration", "resp_pkts", "resp_ip_bytes", "orig_pkts", "orig_ip_bytes"]
        var rows1: [[String]] = [], rows2: [[String]] = []
        for i in 0..<200 {
            rows1.append(["1700000000.\(100 + i)", "C\(i)", "10.0.0.\(i % 200 + 1)", "\(40000 + i)", "192.0.2.1", "443", "tcp", "1.5", "3", "180", "2", "120"])
            rows2.append(["D\(i)", "1700000100.\(100 + i)", "192.0.2.2", "53", "10.0.1.\(i % 200 + 1)", "\(50000 + i)", "udp", "-", "1", "90", "1", "60"])
        }
        writeFile(dir + "/conn.log", block(f1, rows1) + block(f2, rows2))
        let manifest = try ingest([dir + "/conn.log"], into: dir + "/raw", chunkBytes: 256)
        #expect(manifest.inputs[0].counts.rowsWritten == 400)
        #expect(manifest.inputs[0].counts.rowsRejected == 0)
        let got = try readRecords(dir + "/raw", manifest.inputs[0])
        #expect(got.record(at: 250).srcAddr == IPAddress("10.0.1.51"))
        #expect(got.record(at: 250).dstPort == 53)
        #expect(got.record(at: 250).bytes == 60 && got.record(at: 250).revBytes == 90)
        #expect(got.record(at: 10).srcPort == 40010)
    }

    /// nfdump's Summary block at the end is not data, whatever the chunking.
    @Test(arguments: [64, 97, 4096])
    func nfdumpSummaryTrailerIsSkipped(chunk: Int) throws {
        let dir = temporaryFolder("summary\(chunk)")
        let (bytes, expected) = try generated(.nfdumpCSV, rows: 1200)
        #expect(String(decoding: bytes.suffix(200), as: UTF8.self).contains("Summary"))
        writeFile(dir + "/nf.csv", bytes)
        let manifest = try ingest([dir + "/nf.csv"], into: dir + "/raw", chunkBytes: chunk)
        #expect(manifest.inputs[0].counts.rowsWritten == Int64(expected.count))
        #expect(manifest.inputs[0].counts.rowsRejected == 0)
    }

    /// A spec that matches nothing is a failed input; the others are ingested.
    @Test func missingInputIsNamed() throws {
        let dir = temporaryFolder()
        writeFile(dir + "/a.csv", header + row(1))
        let manifest = try ingest([dir + "/nope/*.csv", dir + "/a.csv"], into: dir + "/raw")
        #expect(manifest.inputs.count == 2)
        #expect(manifest.inputs[0].status == .failed)
        #expect(manifest.inputs[0].error?.contains("nope") == true)
        #expect(manifest.inputs[1].counts.rowsWritten == 1)
    }
}
