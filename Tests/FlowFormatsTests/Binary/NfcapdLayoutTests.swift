import FlowCore
import Testing
@testable import FlowFormats

/// nfcapd V3 records that repeat the previous record's element layout are decoded in runs,
/// column by column, at the layout's offsets (`NfcapdRecordLayout`, `NfcapdRun`); the
/// records must be exactly what a plain element walk of each record says (the oracle
/// below), and the counters those of decoding every record alone, whatever the layouts:
/// runs of one layout, changes, repeated elements (the later wins), both address
/// families, elements too short to read, unknown ones.
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

    /// The oracle: what record `bytes` holds, read element by element as nfxV3.h lays the
    /// elements out (later elements replace earlier ones); nil without a generic element.
    /// The address of sysid 2, from the exporter info record that opens the first block.
    static let exporterTwo = IPAddress(ipv4: 0x0A00_0002)

    /// An exporter info record (type 7) naming `exporterTwo` as sysid 2.
    static func exporterInfo() -> [UInt8] {
        var w = WireWriter()
        w.le16(7); w.le16(32); w.le32(9)                    // type, size, NetFlow version
        w.bytes += [UInt8](repeating: 0, count: 8)          // high half of a v6 address
        w.le32(0x0A00_0002); w.le32(0)                      // the IPv4 address, padding
        w.le16(2); w.le16(2); w.le32(0)                     // family AF_INET, sysid 2
        return w.bytes
    }

    static func expected(_ bytes: [UInt8]) -> FlowRecord? {
        func le16(_ o: Int) -> UInt16 { UInt16(bytes[o]) | UInt16(bytes[o + 1]) << 8 }
        func le32(_ o: Int) -> UInt32 { UInt32(le16(o)) | UInt32(le16(o + 2)) << 16 }
        func le64(_ o: Int) -> UInt64 { UInt64(le32(o)) | UInt64(le32(o + 4)) << 32 }
        guard bytes.count >= 12 else { return nil }
        var f = FlowRecord()
        var generic = false
        var at = 12
        for _ in 0..<Int(le16(4)) {
            guard bytes.count - at >= 4 else { break }
            let type = le16(at), e = at + 4, body = Int(le16(at + 2)) - 4
            guard body >= 0, body <= bytes.count - e else { return nil }  // runs past the record
            switch type {
            case 1 where body >= 48:
                generic = true
                f.start = Int64(bitPattern: le64(e)); f.end = Int64(bitPattern: le64(e + 8))
                f.packets = le64(e + 24); f.bytes = le64(e + 32)
                f.srcPort = le16(e + 40); f.dstPort = le16(e + 42)
                f.proto = bytes[e + 44]; f.tcpFlags = bytes[e + 45]; f.tos = bytes[e + 47]
            case 2 where body >= 8: f.srcAddr = IPAddress(ipv4: le32(e)); f.dstAddr = IPAddress(ipv4: le32(e + 4))
            case 3 where body >= 32:
                f.srcAddr = IPAddress(high: le64(e), low: le64(e + 8)); f.dstAddr = IPAddress(high: le64(e + 16), low: le64(e + 24))
            case 4 where body >= 12: f.inputInterface = le32(e); f.outputInterface = le32(e + 4); f.flowDirection = bytes[e + 10]
            case 5 where body >= 24: f.revPackets = le64(e + 8); f.revBytes = le64(e + 16)
            case 7 where body >= 8: f.srcAS = le32(e); f.dstAS = le32(e + 4)
            case 12 where body >= 4: f.exporter = IPAddress(ipv4: le32(e))
            case 13 where body >= 16: f.exporter = IPAddress(high: le64(e), low: le64(e + 8))
            default: break
            }
            at = e + body
        }
        // The sysid's exporter, when an exporter info record named it, wins over the address
        // the record came from.
        if le16(8) == 2 { f.exporter = Self.exporterTwo }
        return generic ? f : nil
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
                let sysid = UInt16(rng.next() % 3)
                for _ in 0..<(1 + Int(rng.next() % 5)) { records.append(Self.record(kinds, sysid: sysid, &rng)) }
                switch rng.next() % 12 {
                case 0: records.append([11, 0, 8, 0, 0, 0, 0, 0])  // a V3 record shorter than its header
                case 1:
                    // An element whose length runs past its record.
                    var bad = Self.record(kinds, sysid: sysid, &rng)
                    bad[14] = 0xFF; bad[15] = 0x7F
                    records.append(bad)
                default: break
                }
            }
            blocks.append(blocks.isEmpty ? [Self.exporterInfo()] + records : records)
        }
        let bytes = Self.file(blocks)
        func decoded(layouts: Bool) throws -> BinaryTestSupport.Decoded {
            var reader = NfcapdReader()
            reader.usesLayouts = layouts
            var out = BinaryTestSupport.Decoded()
            try BinaryTestSupport.feedAll(&reader, bytes, chunk: 997, into: &out)
            return out
        }
        let fast = try decoded(layouts: true), alone = try decoded(layouts: false)
        let expected = blocks.flatMap { $0 }.filter { $0[0] == 11 }.map(Self.expected)
        var oracle = FlowBatch()
        for r in expected.compactMap({ $0 }) { oracle.append(r) }
        #expect(fast.batch.count > 500)
        #expect(fast.records == expected.compactMap { $0 })
        #expect(fast.batch == alone.batch)
        #expect(fast.report == alone.report)
        #expect(fast.rejects.count == expected.count { $0 == nil } && fast.rejects.count > 20)
        #expect(alone.rejects.count == fast.rejects.count)

        // One builder for the whole file, its buffers dirtied first (rows of junk, dropped)
        // and drained every few chunks, as ingest reuses them: a column wrongly taken as
        // filled would show the junk, which the whole-batch comparison (null slots
        // included) sees.
        let builder = BinaryTestSupport.dirtiedBuilder(capacity: 64, rows: 300)
        var reader = NfcapdReader()
        var reused = FlowBatch()
        try bytes.withUnsafeBytes { all in
            var o = 0, chunks = 0
            while o < all.count {
                let n = min(997, all.count - o)
                try reader.feed(UnsafeRawBufferPointer(rebasing: all[o..<(o + n)]), into: builder)
                o += n
                chunks += 1
                if chunks % 3 == 0 { builder.drain(into: &reused) }
            }
        }
        try reader.finish(into: builder)
        builder.drain(into: &reused)
        #expect(reused == oracle)
    }
}
