import FlowCore
import Testing
@testable import FlowFormats

/// nfcapd V3 records that repeat the previous record's element layout are read at the
/// layout's offsets (`NfcapdRecordLayout`); the records and counters must be exactly those
/// of element-by-element decoding, whatever the layouts: runs of one layout, changes,
/// repeated elements, both address families, elements too short to read, unknown ones.
@Suite struct NfcapdLayoutTests {
    /// (type, body length): generic, IPv4, IPv6, misc, counters, AS, received v4/v6, unknown.
    static let elements: [(UInt16, Int)] = [(1, 48), (2, 8), (3, 32), (4, 12), (5, 24), (7, 8), (12, 4), (13, 16), (99, 4), (1, 20), (4, 4)]

    static func record(_ kinds: [Int], sysid: UInt16, _ rng: inout SplitMix) -> [UInt8] {
        var w = WireWriter()
        w.le16(11); w.le16(0); w.le16(UInt16(kinds.count)); w.le16(0); w.le16(sysid); w.le16(0)
        for k in kinds {
            let (type, body) = Self.elements[k]
            w.le16(type); w.le16(UInt16(4 + body))
            for _ in 0..<body { w.u8(UInt8(truncatingIfNeeded: rng.next())) }
        }
        let size = w.bytes.count
        w.bytes[2] = UInt8(size & 0xFF); w.bytes[3] = UInt8(size >> 8)
        return w.bytes
    }

    /// An uncompressed nfcapd file (layout 2) of one data block per record list.
    static func file(_ blocks: [[[UInt8]]]) -> [UInt8] {
        var w = WireWriter()
        w.le16(0xA50C); w.le16(2); w.le32(0x0107_0100)
        w.bytes += [UInt8](repeating: 0, count: 8)  // nfdump's creation time
        w.u8(0); w.u8(0); w.le16(0)                 // compression, encryption, appendix blocks
        w.le32(1)                                   // creator
        w.bytes += [UInt8](repeating: 0, count: 8)  // offset of the appendix
        w.le32(0)                                   // block size
        w.le32(UInt32(blocks.count))
        for records in blocks {
            let payload = records.flatMap { $0 }
            w.le32(UInt32(records.count)); w.le32(UInt32(payload.count)); w.le16(3); w.le16(0)
            w.bytes += payload
        }
        return w.bytes
    }

    @Test func layoutsDecodeLikeTheElementWalk() throws {
        var rng = SplitMix(state: 77)
        let layouts: [[Int]] = [
            [0, 1, 3, 4, 5, 6], [0, 2, 3, 7], [0, 1], [1, 0, 8, 3], [0, 1, 1], [0, 1, 2], [0, 0, 1],
            [9, 1], [0, 1, 10], [0, 1, 6, 7], [0, 1, 3, 4, 5, 6, 8, 8, 8, 8, 8, 8, 8], [1, 3],
        ]
        var blocks: [[[UInt8]]] = []
        for _ in 0..<20 {
            var records: [[UInt8]] = []
            for _ in 0..<(1 + Int(rng.next() % 30)) {
                let kinds = layouts[Int(rng.next() % UInt64(layouts.count))]
                let sysid = UInt16(rng.next() % 2)
                for _ in 0..<(1 + Int(rng.next() % 5)) { records.append(Self.record(kinds, sysid: sysid, &rng)) }
            }
            blocks.append(records)
        }
        let bytes = Self.file(blocks)
        func decoded(layouts: Bool) throws -> BinaryTestSupport.Decoded {
            var reader = NfcapdReader()
            reader.usesLayouts = layouts
            var out = BinaryTestSupport.Decoded()
            try BinaryTestSupport.feedAll(&reader, bytes, chunk: 997, into: &out)
            return out
        }
        let fast = try decoded(layouts: true), walked = try decoded(layouts: false)
        #expect(fast.batch.count > 500)
        #expect(fast.batch == walked.batch)
        #expect(fast.report == walked.report)
        #expect(fast.rejects.count == walked.rejects.count && fast.rejects.count > 0)
    }
}
