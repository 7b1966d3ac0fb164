import Testing
import FlowCore
@testable import FlowFormats

@Suite struct PcapReaderTests {
    let message = SyntheticExport.v5(records: 3)

    @Test(arguments: [SyntheticExport.Link.ethernet, .vlan, .qinq, .sll, .sll2, .raw, .null, .loop])
    func linkTypesOverIPv4AndIPv6(_ link: SyntheticExport.Link) throws {
        for v6 in [false, true] {
            let file = SyntheticExport.pcap([SyntheticExport.frame(message, link: link, ipv6: v6)], linkType: SyntheticExport.linkType(link))
            let d = try BinaryTestSupport.decode(file, chunk: 7)
            #expect(d.batch.count == 3, "link \(link) v6 \(v6)")
            #expect(d.records.first?.exporter == (v6 ? IPAddress("2001:db8::1") : IPAddress("192.0.2.1")))
        }
    }

    @Test func byteOrdersAndNanosecondMagic() throws {
        for be in [false, true] {
            for ns in [false, true] {
                let file = SyntheticExport.pcap([SyntheticExport.frame(message, link: .ethernet)], linkType: 1, bigEndian: be, nanos: ns)
                #expect(try BinaryTestSupport.decode(file).batch.count == 3)
            }
        }
    }

    @Test func pcapngBothByteOrdersSeveralInterfacesAndSimpleBlocks() throws {
        let frames = [SyntheticExport.frame(message, link: .ethernet), SyntheticExport.frame(SyntheticExport.v5(records: 1, sequence: 3), link: .sll2)]
        for be in [false, true] {
            let two = try BinaryTestSupport.decode(SyntheticExport.pcapng(frames, linkTypes: [1, 276], bigEndian: be), chunk: 5)
            #expect(two.batch.count == 4)
            let spb = try BinaryTestSupport.decode(SyntheticExport.pcapng([frames[0]], linkTypes: [1], bigEndian: be))
            #expect(spb.batch.count == 6)  // the EPB and the SPB carry the same datagram
        }
    }

    @Test func portFilterNarrowsDatagrams() throws {
        let file = SyntheticExport.pcap([SyntheticExport.frame(message, link: .ethernet, port: 9999)], linkType: 1)
        var o = BinaryDecodeOptions()
        o.ports = [2055]
        let d = try BinaryTestSupport.decode(file, options: o)
        #expect(d.batch.count == 0)
        #expect(d.report.packetsSkipped == 1)
    }

    @Test func truncatedCaptureIsACountedReject() throws {
        let file = SyntheticExport.pcap([SyntheticExport.frame(message, link: .ethernet), SyntheticExport.frame(message, link: .ethernet)], linkType: 1)
        let d = try BinaryTestSupport.decode(Array(file.dropLast(30)))
        #expect(d.batch.count == 3)
        #expect(d.report.rejectedRecords[.badPacket] == 1)
        #expect(d.rejects.first?.offset == Int64(24 + 16 + SyntheticExport.frame(message, link: .ethernet).count))
    }

    @Test func caplenAboveSnapLength() throws {
        let frame = SyntheticExport.frame(message, link: .ethernet)
        let file = SyntheticExport.pcap([frame], linkType: 1, snap: 64)
        let d = try BinaryTestSupport.decode(file)
        #expect(d.batch.count == 0)
        #expect(d.report.rejectedRecords[.badPacket] == 1)
        // A record length that loses the framing is a clear error with the offset.
        let bad = SyntheticExport.pcap([frame], linkType: 1, caplenOverride: 0x7FFF_FFFF)
        #expect(throws: BinaryFormatError.self) { try BinaryTestSupport.decode(bad) }
    }

    @Test func ipv4FragmentsAreReassembled() throws {
        let big = SyntheticExport.v5(records: 30)  // 1464 bytes
        var whole = SyntheticExport.frame(big, link: .raw)
        let payload = Array(whole[20...])  // UDP header + message
        let cut = 800
        func fragment(_ part: ArraySlice<UInt8>, offset: Int, more: Bool) -> [UInt8] {
            var h = Array(whole[0..<20])
            let total = 20 + part.count
            h[2] = UInt8(total >> 8); h[3] = UInt8(total & 0xFF)
            let f = UInt16(offset / 8) | (more ? 0x2000 : 0)
            h[6] = UInt8(f >> 8); h[7] = UInt8(f & 0xFF)
            return h + part
        }
        let f1 = fragment(payload[0..<cut], offset: 0, more: true)
        let f2 = fragment(payload[cut...], offset: cut, more: false)
        whole = []
        let d = try BinaryTestSupport.decode(SyntheticExport.pcap([f2, f1], linkType: 101))
        #expect(d.batch.count == 30)
        #expect(d.report.reassembled == 1)
        let lonely = try BinaryTestSupport.decode(SyntheticExport.pcap([f1], linkType: 101))
        #expect(lonely.report.rejectedRecords[.unreassembledFragment] == 1)
    }

    @Test func detectsKinds() throws {
        for (name, kind) in [("softflowd-v5.pcap", BinaryInputKind.pcap), ("nfcapd-lz4.nfcapd", .nfcapd)] {
            let bytes = try BinaryTestSupport.fixture(name)
            #expect(bytes.withUnsafeBytes { BinaryInputKind.detect(prefix: $0) } == kind)
        }
        let ng = SyntheticExport.pcapng([], linkTypes: [1])
        #expect(ng.withUnsafeBytes { BinaryInputKind.detect(prefix: $0) } == .pcapng)
        #expect(Array("a,b,c\n1,2,3\n".utf8).withUnsafeBytes { BinaryInputKind.detect(prefix: $0) } == nil)
    }
}
