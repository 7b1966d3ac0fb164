import Foundation
import FlowCore
@testable import FlowFormats
import FlowTestSupport

/// Helpers shared by the binary-format tests: fixture paths, whole-file decoding in small
/// chunks (to exercise the chunk boundaries), JSON lines of records.
enum BinaryTestSupport {
    static var fixtures: URL { URL(fileURLWithPath: Fixtures.path("data/tools/binary")) }

    /// A builder of `capacity` rows whose buffers hold junk in every column (`rows` junk rows
    /// appended, then dropped), as ingest's reused builders do: a decoder that leaves a
    /// column it claims to fill unstored shows the junk.
    static func dirtiedBuilder(capacity: Int, rows: Int) -> FlowBatchBuilder {
        let builder = FlowBatchBuilder(capacity: capacity)
        var junk = FlowRecord()
        junk.start = -1; junk.end = -1; junk.srcAddr = IPAddress(ipv4: 0xDEAD_BEEF); junk.dstAddr = junk.srcAddr
        junk.proto = 9; junk.packets = 9; junk.bytes = 9; junk.srcPort = 9; junk.dstPort = 9; junk.tcpFlags = 9
        junk.tos = 9; junk.inputInterface = 9; junk.outputInterface = 9; junk.srcAS = 9; junk.dstAS = 9
        junk.exporter = junk.srcAddr; junk.samplingRate = 9; junk.flowDirection = 1; junk.revPackets = 9; junk.revBytes = 9
        for _ in 0..<rows { builder.append(junk) }
        builder.removeAll()
        return builder
    }

    static func fixture(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: fixtures.appendingPathComponent(name)))
    }

    struct Decoded {
        var batch = FlowBatch()
        var report = BinaryDecodeReport()
        var rejects: [BinaryReject] = []
        var records: [FlowRecord] { batch.records }
    }

    /// Decodes a capture or nfcapd file fed in chunks of `chunk` bytes.
    static func decode(_ bytes: [UInt8], chunk: Int = 1000, options: BinaryDecodeOptions = BinaryDecodeOptions()) throws -> Decoded {
        var out = Decoded()
        let kind = bytes.withUnsafeBytes { BinaryInputKind.detect(prefix: UnsafeRawBufferPointer(rebasing: $0.prefix(16))) }
        switch kind {
        case .nfcapd:
            var reader = NfcapdReader(options: options)
            try feedAll(&reader, bytes, chunk: chunk, into: &out)
        case .ipfixStream:
            var reader = IPFIXStreamReader(options: options)
            try feedAll(&reader, bytes, chunk: chunk, into: &out)
        default:
            var reader = PcapReader(options: options)
            try feedAll(&reader, bytes, chunk: chunk, into: &out)
        }
        return out
    }

    /// Feeds `bytes` to `reader` in chunks of `chunk` bytes, finishes it and collects its
    /// records, counters and rejects into `out`.
    static func feedAll<R: BinaryFlowReader>(_ reader: inout R, _ bytes: [UInt8], chunk: Int, into out: inout Decoded) throws {
        try bytes.withUnsafeBytes { all in
            var o = 0
            while o < all.count {
                let n = min(chunk, all.count - o)
                try reader.feed(UnsafeRawBufferPointer(rebasing: all[o..<(o + n)]), into: &out.batch)
                o += n
            }
        }
        try reader.finish(into: &out.batch)
        out.report = reader.report
        out.rejects = reader.takeRejects()
    }
}
