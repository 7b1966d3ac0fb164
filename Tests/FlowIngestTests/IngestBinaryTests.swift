import FlowColumnar
import FlowCore
import FlowFormats
import FlowIO
import Foundation
import Testing
@testable import FlowIngest
import FlowTestSupport

/// Binary inputs through the whole engine: the committed real captures and nfcapd files
/// (data/tools/binary, made by softflowd, tcpdump and nfcapd; see its README for the
/// record counts), damaged copies of them, and the manifest keys they add.
@Suite struct IngestBinaryTests {
    static let fixtures = Fixtures.path("data/tools/binary")

    static func fixture(_ name: String) -> [UInt8] { readBytes(fixtures + "/" + name) }

    /// The records a reader yields for `bytes`, decoded in one piece without the engine.
    static func decodedDirectly(_ bytes: [UInt8]) throws -> [FlowRecord] {
        var batch = FlowBatch()
        let kind = bytes.withUnsafeBytes { BinaryInputKind.detect(prefix: UnsafeRawBufferPointer(rebasing: $0.prefix(16))) }
        switch kind {
        case .nfcapd:
            var r = NfcapdReader()
            try bytes.withUnsafeBytes { try r.feed($0, into: &batch) }
            try r.finish(into: &batch)
        default:
            var r = PcapReader()
            try bytes.withUnsafeBytes { try r.feed($0, into: &batch) }
            try r.finish(into: &batch)
        }
        return batch.records
    }

    /// The capture records of a little- or big-endian pcap: (offset, length incl. header).
    static func pcapRecords(_ bytes: [UInt8]) -> [(offset: Int, length: Int)] {
        let big = bytes[0] == 0xA1
        func u32(_ o: Int) -> Int {
            let v = bytes[o..<(o + 4)].reduce(0) { $0 << 8 | Int($1) }
            return big ? v : Int(UInt32(v).byteSwapped)
        }
        var out: [(Int, Int)] = []
        var o = 24
        while o + 16 <= bytes.count {
            let n = 16 + u32(o + 8)
            out.append((o, n))
            o += n
        }
        return out
    }

    static let expectations: [(name: String, format: String, versions: [String], flows: Int64)] = [
        ("softflowd-v5.pcap", "pcap", ["netflow-v5"], 49),
        ("softflowd-v9.pcap", "pcap", ["netflow-v9"], 59),
        ("softflowd-ipfix.pcap", "pcap", ["ipfix"], 59),
        ("softflowd-ipfix-biflow.pcap", "pcap", ["ipfix"], 59),
        ("nfcapd-none.nfcapd", "nfcapd", [], 59),
        ("nfcapd-lz4.nfcapd", "nfcapd", [], 59),
        ("nfcapd-lzo.nfcapd", "nfcapd", [], 59),
        ("nfcapd-bz2.nfcapd", "nfcapd", [], 59),
    ]

    /// Each fixture: the README's record count, exact accounting, the same records in the
    /// Arrow file as the decoder gives on its own, and the manifest's binary keys.
    @Test(arguments: 0..<8)
    func fixtureIngestsWithExactCounts(_ index: Int) throws {
        let e = Self.expectations[index]
        let dir = temporaryFolder("fixture\(index)")
        let manifest = try ingest([Self.fixtures + "/" + e.name], into: dir + "/raw", chunkBytes: 97) { $0.batchRows = 16 }
        let input = try #require(manifest.inputs.first)
        #expect(input.status == .ok, "\(input.error ?? "")")
        #expect(input.format == e.format)
        #expect(input.counts.rowsRead == e.flows)
        #expect(input.counts.rowsWritten == e.flows)
        #expect(input.counts.rowsRejected == 0)
        #expect(manifest.totals.counts.isBalanced)
        if e.format == "nfcapd" {
            #expect(input.exportVersions == nil)
            #expect(input.decode == nil)
            let nf = try #require(input.nfcapd)
            #expect(nf.compression == e.name.split(separator: "-")[1].split(separator: ".")[0].description)
            #expect(nf.statFlows == 59)
            #expect(nf.nfdumpVersion == "1.7.1")
        } else {
            #expect(input.exportVersions == e.versions)
            #expect(input.nfcapd == nil)
            #expect(input.decode?.packets ?? 0 > 0)
        }
        #expect(input.exportLoss?.isEmpty == false)
        #expect(input.exportLoss?.allSatisfy { $0.exporter == "127.0.0.1" } == true)
        let got = try readRecords(dir + "/raw", input)
        let want = try Self.decodedDirectly(Self.fixture(e.name))
        #expect(got.records == want)
        // Record batches of batchRows up to twice that many rows, the last one shorter.
        let arrow = try ArrowFileReader(path: dir + "/raw/" + input.outputs[0])
        let sizes = try (0..<arrow.recordBatchCount).map { try arrow.recordBatch(at: $0).rowCount }
        #expect(sizes.reduce(0, +) == Int(e.flows))
        #expect(sizes.dropLast().allSatisfy { (16..<32).contains($0) }, "\(sizes)")
        #expect((1..<32).contains(sizes.last ?? 0), "\(sizes)")
    }

    /// A gzipped capture is detected after inflating; offsets count decompressed bytes.
    @Test func gzippedPcap() throws {
        let dir = temporaryFolder()
        writeFile(dir + "/v9.pcap.gz", try GzipEncoder().member(Self.fixture("softflowd-v9.pcap")))
        let manifest = try ingest([dir + "/v9.pcap.gz"], into: dir + "/raw")
        let input = try #require(manifest.inputs.first)
        #expect(input.status == .ok)
        #expect(input.compression == "gzip")
        #expect(input.format == "pcap")
        #expect(input.exportVersions == ["netflow-v9"])
        #expect(input.counts.rowsWritten == 59)
        let got = try readRecords(dir + "/raw", input)
        #expect(got.records == (try Self.decodedDirectly(Self.fixture("softflowd-v9.pcap"))))
    }

    /// softflowd's IPFIX biflow capture has a sequence jump (it numbers messages by flows
    /// sent including the current one): the manifest must show it, per input and in totals.
    @Test func exportLossOfRealCapture() throws {
        let dir = temporaryFolder()
        let path = Self.fixtures + "/softflowd-ipfix-biflow.pcap"
        let manifest = try ingest([path], into: dir + "/raw")
        let loss = try #require(manifest.inputs.first?.exportLoss?.first)
        #expect(loss.version == "ipfix" && loss.unit == "records")
        #expect(loss.gaps == 1 && loss.lost == 4 && loss.messages == 3)
        #expect(loss.firstGapOffset == 1520)
        let total = try #require(manifest.totals.exportLoss?.first)
        #expect(total.gaps == 1 && total.firstGapFile == path && total.firstGapOffset == 1520)
    }

    /// A v9 capture with one export datagram removed: one gap of one datagram, at the
    /// message after the hole; fewer records, still balanced.
    @Test func droppedDatagramIsReportedAsLoss() throws {
        let dir = temporaryFolder()
        let bytes = Self.fixture("softflowd-v9.pcap")
        let records = Self.pcapRecords(bytes)
        try #require(records.count == 3)
        let hole = records[1]
        let cut = Array(bytes[0..<hole.offset] + bytes[(hole.offset + hole.length)...])
        writeFile(dir + "/gap.pcap", cut)
        let manifest = try ingest([dir + "/gap.pcap"], into: dir + "/raw")
        let input = try #require(manifest.inputs.first)
        #expect(input.counts.isBalanced)
        #expect(input.counts.rowsWritten < 59)
        let loss = try #require(input.exportLoss?.first)
        #expect(loss.version == "netflow-v9" && loss.unit == "datagrams")
        #expect(loss.messages == 2 && loss.gaps == 1 && loss.lost == 1 && loss.resets == 0)
        let offset = try #require(loss.firstGapOffset)
        #expect(offset > Int64(hole.offset) && offset < Int64(cut.count))
        #expect(manifest.totals.exportLoss?.first?.hasLoss == true)
    }

    /// A capture cut inside its last packet: the packets before it are kept, the cut one
    /// is a counted `bad_packet` reject with its offset (the decoder's definition).
    @Test func truncatedPcapIsPartial() throws {
        let dir = temporaryFolder()
        let bytes = Self.fixture("softflowd-v5.pcap")
        let records = Self.pcapRecords(bytes)
        let last = try #require(records.last)
        writeFile(dir + "/cut.pcap", Array(bytes[0..<(last.offset + 40)]))
        let manifest = try ingest([dir + "/cut.pcap"], into: dir + "/raw")
        let input = try #require(manifest.inputs.first)
        #expect(input.status == .partial)
        #expect(input.counts.isBalanced)
        #expect(input.counts.rejectsByReason == ["bad_packet": 1])
        #expect(input.counts.rowsWritten > 0 && input.counts.rowsWritten < 49)
        let lines = try quarantineLines(dir + "/raw")
        #expect(lines.count == 1)
        #expect(lines.first?["reason"] as? String == "bad_packet")
        #expect(lines.first?["offset"] as? Int == last.offset)
        #expect(lines.first?["records"] as? Int == 1)
        #expect((lines.first?["file"] as? String)?.hasSuffix("cut.pcap") == true)
    }

    /// A capture that ends inside its file header cannot be read: failed, error names the
    /// file and the offset.
    @Test func pcapCutInHeaderFails() throws {
        let dir = temporaryFolder()
        writeFile(dir + "/head.pcap", Array(Self.fixture("softflowd-v5.pcap")[0..<20]))
        let manifest = try ingest([dir + "/head.pcap"], into: dir + "/raw")
        let input = try #require(manifest.inputs.first)
        #expect(input.status == .failed)
        #expect(input.format == "pcap")
        #expect(input.error?.contains("head.pcap: byte 0") == true)
        #expect(input.outputs.isEmpty)
        #expect(manifest.totals.filesFailed == 1)
    }

    /// Junk after a valid pcap header loses the framing: the file fails with the offset of
    /// the junk, and nothing of it is kept.
    @Test func junkAfterPcapHeaderFails() throws {
        let dir = temporaryFolder()
        let bytes = Array(Self.fixture("softflowd-v5.pcap")[0..<24]) + [UInt8](repeating: 0xFF, count: 300)
        writeFile(dir + "/junk.pcap", bytes)
        let manifest = try ingest([dir + "/junk.pcap"], into: dir + "/raw")
        let input = try #require(manifest.inputs.first)
        #expect(input.status == .failed)
        #expect(input.error?.contains("junk.pcap: byte 24") == true)
        #expect(input.counts.isBalanced)
        #expect(!FileManager.default.fileExists(atPath: dir + "/raw/" + FileIngestor.outputName(for: dir + "/junk.pcap")))
    }

    /// Valid packets, then a broken record header: rows decoded before it are rolled back
    /// as `input_failed` (as for a corrupt text file), and the accounting still balances.
    @Test func corruptRecordAfterGoodPacketsRollsBack() throws {
        let dir = temporaryFolder()
        let bytes = Self.fixture("softflowd-v9.pcap") + [UInt8](repeating: 0xFF, count: 64)
        writeFile(dir + "/tail.pcap", bytes)
        let manifest = try ingest([dir + "/tail.pcap"], into: dir + "/raw", chunkBytes: 1 << 20) { $0.batchRows = 10 }
        let input = try #require(manifest.inputs.first)
        #expect(input.status == .failed)
        #expect(input.counts.rowsWritten == 0)
        #expect(input.counts.rejectsByReason["input_failed"] == 59)
        #expect(input.counts.isBalanced)
        let lines = try quarantineLines(dir + "/raw")
        #expect(lines.last?["reason"] as? String == "input_failed")
        #expect(lines.last?["rows"] as? Int == 59)
    }

    /// An nfcapd file flagged ZSTD-compressed: a clear error naming the compression and the
    /// nfdump command that rewrites it.
    @Test func nfcapdZstdIsAClearError() throws {
        let dir = temporaryFolder()
        var bytes = Self.fixture("nfcapd-none.nfcapd")
        bytes[16] = 4
        writeFile(dir + "/zstd.nfcapd", bytes)
        let manifest = try ingest([dir + "/zstd.nfcapd"], into: dir + "/raw")
        let input = try #require(manifest.inputs.first)
        #expect(input.status == .failed)
        #expect(input.format == "nfcapd")
        let error = try #require(input.error)
        #expect(error.contains("zstd.nfcapd: byte 16"))
        #expect(error.contains("ZSTD"))
        #expect(error.contains("nfdump -r FILE"))
        #expect(input.nfcapd?.compression == "zstd")
    }

    /// Packets longer than the capture's snapshot length are rejected one by one, each
    /// quarantine line quoting the first bytes at its offset; a capture none of whose
    /// packets could be read is a failed input (its last quarantine line says so).
    @Test func rejectedPacketsAreQuotedInHex() throws {
        let dir = temporaryFolder()
        var bytes = Self.fixture("softflowd-v5.pcap")
        let big = bytes[0] == 0xA1
        let snap: [UInt8] = big ? [0, 0, 0, 64] : [64, 0, 0, 0]
        bytes.replaceSubrange(16..<20, with: snap)
        writeFile(dir + "/snap.pcap", bytes)
        let manifest = try ingest([dir + "/snap.pcap"], into: dir + "/raw")
        let input = try #require(manifest.inputs.first)
        let records = Self.pcapRecords(bytes)
        #expect(input.status == .failed)
        #expect(input.counts.rowsWritten == 0)
        #expect(input.counts.rejectsByReason == ["bad_packet": Int64(records.count)])
        let lines = try quarantineLines(dir + "/raw")
        #expect(lines.count == records.count + 1)
        #expect(lines.last?["reason"] as? String == "input_failed")
        for (line, record) in zip(lines, records) {
            #expect(line["offset"] as? Int == record.offset)
            let hex = bytes[record.offset..<(record.offset + 64)].map { String(format: "%02x", $0) }.joined()
            #expect(line["raw_hex"] as? String == hex)
        }
    }

    /// --export-port narrows captures to the export port; other datagrams are skipped.
    @Test func exportPortFilter() throws {
        let dir = temporaryFolder()
        let path = Self.fixtures + "/softflowd-v5.pcap"
        let matching = try ingest([path], into: dir + "/a") { $0.exportPorts = [29991] }
        #expect(matching.inputs.first?.counts.rowsWritten == 49)
        #expect(matching.parameters["export_ports"] == "29991")
        let other = try ingest([path], into: dir + "/b") { $0.exportPorts = [2055, 4739] }
        let input = try #require(other.inputs.first)
        #expect(input.counts.rowsRead == 0)
        #expect(input.status == .ok)
        #expect(input.decode?.packetsSkipped == input.decode?.packets)
        #expect(other.parameters["export_ports"] == "2055,4739")
    }

    /// Text and binary inputs in one run: totals add up, text inputs get no binary keys,
    /// and a forced --dialect does not stop binary detection.
    @Test func mixedRunWithForcedDialect() throws {
        let dir = temporaryFolder()
        let (csv, expected) = try generated(.nfdumpCSV, rows: 1200)
        writeFile(dir + "/flows.csv", csv)
        let manifest = try ingest([dir + "/flows.csv", Self.fixtures + "/nfcapd-lz4.nfcapd", Self.fixtures + "/softflowd-v5.pcap"],
                                  into: dir + "/raw") { $0.dialect = .nfdumpCSV }
        #expect(manifest.inputs.map(\.status) == [.ok, .ok, .ok])
        #expect(manifest.inputs.map(\.format) == ["nfdump-csv", "nfcapd", "pcap"])
        #expect(manifest.inputs[0].exportLoss == nil && manifest.inputs[0].exportVersions == nil)
        #expect(manifest.totals.counts.rowsWritten == Int64(expected.count) + 59 + 49)
        #expect(manifest.totals.counts.isBalanced)
        #expect(manifest.totals.exportLoss?.count == 2)
        let data = try manifest.encoded()
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"export_loss\""))
        #expect(text.contains("\"first_gap_offset\" : null"))
        #expect(try IngestManifest.decode(data) == manifest)
    }

    /// A manifest written before binary inputs existed still decodes, without the new keys.
    @Test func oldManifestStillDecodes() throws {
        let old = """
        {"tool":"floe-ingest","version":"0","schema_version":1,"parameters":{},"quarantine":"quarantine.jsonl",
         "duration_seconds":0.1,
         "inputs":[{"path":"a.csv","format":"generic-csv","compression":"none","status":"ok","error":null,
                    "bytes":10,"fingerprint":null,"outputs":["a.arrow"],"rows_read":1,"rows_written":1,
                    "rows_rejected":0,"rejects_by_reason":{}}],
         "totals":{"files":1,"files_failed":0,"bytes":10,"rows_read":1,"rows_written":1,"rows_rejected":0,
                   "rejects_by_reason":{}}}
        """
        let manifest = try IngestManifest.decode(Data(old.utf8))
        #expect(manifest.inputs.first?.exportLoss == nil)
        #expect(manifest.inputs.first?.nfcapd == nil)
        #expect(manifest.totals.exportLoss == nil)
        #expect(manifest.totals.counts.rowsRead == 1)
    }
}
