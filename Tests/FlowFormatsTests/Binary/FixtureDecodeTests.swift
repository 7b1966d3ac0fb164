import Testing
import FlowCore
@testable import FlowFormats

/// The committed real captures and nfcapd files (softflowd → tcpdump / nfcapd); field-level
/// agreement with tshark and nfdump is checked by scripts/peers/check-binary.sh.
@Suite struct FixtureDecodeTests {
    @Test(arguments: ["softflowd-v5.pcap", "softflowd-v9.pcap", "softflowd-ipfix.pcap", "softflowd-ipfix-biflow.pcap"])
    func capturesDecodeTheSameInAnyChunking(_ name: String) throws {
        let bytes = try BinaryTestSupport.fixture(name)
        let small = try BinaryTestSupport.decode(bytes, chunk: 3)
        let whole = try BinaryTestSupport.decode(bytes, chunk: bytes.count)
        #expect(small.batch == whole.batch)
        #expect(whole.batch.count == (name.contains("v5") ? 49 : 59))
        #expect(whole.report.rejectedTotal == 0)
        #expect(whole.records.allSatisfy { $0.exporter == IPAddress("127.0.0.1") && $0.start <= $0.end })
    }

    @Test func v9CaptureWithWrappedUptimeHasPlausibleTimes() throws {
        // softflowd replayed without -a: FIRST/LAST are just below 2^32 while the header
        // uptime is near 0, so every flow is from before the wrap (seconds, not 49.7 days).
        let d = try BinaryTestSupport.decode(try BinaryTestSupport.fixture("softflowd-v9.pcap"))
        let v5 = try BinaryTestSupport.decode(try BinaryTestSupport.fixture("softflowd-v5.pcap"))
        let span = d.records.map(\.start).max()! - d.records.map(\.start).min()!
        #expect(span < 60_000)
        #expect(abs(d.records[0].start - v5.records[0].start) < 60_000)
    }

    @Test func biflowKeepsReverseCountersApart() throws {
        let d = try BinaryTestSupport.decode(try BinaryTestSupport.fixture("softflowd-ipfix-biflow.pcap"))
        let uni = try BinaryTestSupport.decode(try BinaryTestSupport.fixture("softflowd-ipfix.pcap"))
        #expect(d.records.allSatisfy { $0.revPackets != nil && $0.revBytes != nil })
        #expect(d.records.contains { ($0.revPackets ?? 0) > 0 })
        #expect(uni.records.allSatisfy { $0.revPackets == nil })
    }

    @Test func nfcapdCompressionsDecodeAlike() throws {
        let none = try BinaryTestSupport.decode(try BinaryTestSupport.fixture("nfcapd-none.nfcapd"), chunk: 100)
        #expect(none.batch.count == 59)
        for c in ["lz4", "lzo", "bz2"] {
            let d = try BinaryTestSupport.decode(try BinaryTestSupport.fixture("nfcapd-\(c).nfcapd"), chunk: 77)
            #expect(d.batch == none.batch, "nfcapd-\(c)")
            #expect(d.report.rejectedTotal == 0)
        }
        #expect(none.records.allSatisfy { $0.exporter == IPAddress("127.0.0.1") })
    }

    @Test func nfcapdReaderReportsAppendix() throws {
        var r = NfcapdReader()
        var batch = FlowBatch()
        try BinaryTestSupport.fixture("nfcapd-lz4.nfcapd").withUnsafeBytes { try r.feed($0, into: &batch) }
        try r.finish(into: &batch)
        #expect(r.info.compression == 3)
        #expect(r.info.statFlows == 59)
    }

    @Test func nfcapdBlockPastEndOfFile() throws {
        let bytes = try BinaryTestSupport.fixture("nfcapd-none.nfcapd")
        let d = try BinaryTestSupport.decode(Array(bytes[0..<3000]))
        #expect(d.batch.count == 0)
        #expect(d.rejects.first?.reason == .badBlock)
        #expect(d.rejects.first?.offset == 40)
        #expect(d.rejects.first?.records == 61)
    }

    @Test func nfcapdCorruptCompressedBlockIsRejectedNotFatal() throws {
        var bytes = try BinaryTestSupport.fixture("nfcapd-lzo.nfcapd")
        for i in 60..<200 { bytes[i] = 0xFF }
        let d = try BinaryTestSupport.decode(bytes)
        #expect(d.report.rejectedRecords[.badBlock] ?? 0 >= 1)
    }

    @Test func nfcapdZstdIsAClearError() throws {
        var bytes = try BinaryTestSupport.fixture("nfcapd-none.nfcapd")
        bytes[16] = 4
        do {
            _ = try BinaryTestSupport.decode(bytes)
            Issue.record("ZSTD file decoded")
        } catch let e as BinaryFormatError {
            #expect(e.description.contains("ZSTD"))
            #expect(e.description.contains("nfdump -r FILE -y -w"))
        }
    }

    @Test func lz4AndLzoRejectBadReferences() {
        let out = NfcapdBlockBuffer()
        // LZ4: one literal then a match 5 bytes back (before the output start).
        #expect(throws: NfcapdBlockDecompressor.Failure.self) {
            try [UInt8]([0x10, 65, 5, 0]).withUnsafeBytes { _ = try NfcapdBlockDecompressor.lz4($0, into: out, limit: 100) }
        }
        // LZ4 output limit.
        #expect(throws: NfcapdBlockDecompressor.Failure.self) {
            try [UInt8]([0xF0, 200] + [UInt8](repeating: 1, count: 215)).withUnsafeBytes { _ = try NfcapdBlockDecompressor.lz4($0, into: out, limit: 100) }
        }
        #expect(throws: NfcapdBlockDecompressor.Failure.self) {
            try [UInt8]([0x00, 0x00, 0x00]).withUnsafeBytes { _ = try NfcapdBlockDecompressor.lzo1x($0, into: out, limit: 100) }
        }
    }
}
