import Testing
import FlowCore
@testable import FlowFormats

@Suite struct FlowExportDecoderTests {
    func decode(_ messages: [[UInt8]], options: BinaryDecodeOptions = BinaryDecodeOptions()) -> (FlowBatch, FlowExportDecoder) {
        var d = FlowExportDecoder(options: options)
        var batch = FlowBatch()
        for m in messages {
            m.withUnsafeBytes { d.decode(message: $0, exporter: IPAddress("192.0.2.1"), offset: 100, into: &batch) }
        }
        d.finish()
        return (batch, d)
    }

    @Test func v5FieldsAndUptimeWrap() throws {
        // FIRST 0xFFFFFF00 above the header uptime 1000: from before the wrap, 1256 ms old.
        let (b, d) = decode([SyntheticExport.v5(records: 2, uptime: 1000, first: 0xFFFF_FF00, sampling: 0x4000 | 100)])
        #expect(b.count == 2)
        let r = b.record(at: 0)
        let exportMs: Int64 = 1_700_000_000_500
        #expect(r.start == exportMs - 1256)
        #expect(r.end == exportMs - 10)
        #expect(r.srcAddr == IPAddress("10.0.0.1"))
        #expect(r.dstAddr == IPAddress("10.0.0.2"))
        #expect(r.packets == 10 && r.bytes == 1500)
        #expect(r.srcPort == 1234 && r.dstPort == 80 && r.proto == 6 && r.tcpFlags == 0x1B && r.tos == 0x20)
        #expect(r.srcAS == 65001 && r.dstAS == 65002 && r.inputInterface == 3 && r.outputInterface == 4)
        #expect(r.samplingRate == 100)
        #expect(r.exporter == IPAddress("192.0.2.1"))
        #expect(d.report.flows == 2)
    }

    @Test func v5CountDisagreesWithLength() {
        let (b, d) = decode([SyntheticExport.v5(records: 2, count: 5)])
        #expect(b.count == 0)
        #expect(d.report.rejectedRecords[.badExportHeader] == 5)
        #expect(d.pendingRejects.first?.offset == 100)
    }

    @Test func v5SequenceGapsAreCounted() {
        let (_, d) = decode([SyntheticExport.v5(records: 2, sequence: 0), SyntheticExport.v5(records: 2, sequence: 2), SyntheticExport.v5(records: 1, sequence: 10)])
        let s = d.report.sequences.first
        #expect(s?.gaps == 1)
        #expect(s?.lost == 6)
        #expect(s?.messages == 3)
    }

    @Test func v9TemplateThenDataWithPaddingAndUptimeWrap() {
        let tpl = SyntheticExport.template(300, [(8, 4, nil), (12, 4, nil), (22, 4, nil), (21, 4, nil), (2, 4, nil), (1, 8, nil), (7, 2, nil), (11, 2, nil), (4, 1, nil), (99, 3, nil)])
        var data = WireWriter()
        data.u32(0x0A00_0001); data.u32(0x0A00_0002); data.u32(0xFFFF_F000); data.u32(500); data.u32(3); data.u64(4_000_000_000); data.u16(53); data.u16(5353); data.u8(17); data.bytes += [1, 2, 3]
        data.bytes += [0, 0, 0]  // padding
        let msg = SyntheticExport.v9(sets: [(0, tpl), (300, data.bytes)], uptime: 1000)
        let (b, d) = decode([msg])
        #expect(b.count == 1)
        let r = b.record(at: 0)
        #expect(r.start == 1_700_000_000_000 - (1000 + 4096))
        #expect(r.end == 1_700_000_000_000 - 500)
        #expect(r.bytes == 4_000_000_000 && r.packets == 3 && r.proto == 17 && r.dstPort == 5353)
        #expect(d.report.rejectedTotal == 0)
    }

    @Test func flowSetLengthZeroOrPastTheEnd() {
        var zero = SyntheticExport.v9(sets: [], uptime: 1)
        zero += [1, 44, 0, 0]
        var past = SyntheticExport.v9(sets: [], uptime: 1)
        past += [1, 44, 0, 200, 0, 0]
        let (_, d) = decode([zero, past])
        #expect(d.report.rejectedRecords[.badFlowset] == 2)
        #expect(d.pendingRejects.map(\.offset) == [120, 120])
    }

    @Test func templatesWithZeroOrAbsurdFieldCounts() {
        var zero = WireWriter(); zero.u16(300); zero.u16(0); zero.u32(0)
        var absurd = WireWriter(); absurd.u16(301); absurd.u16(60000); absurd.u32(0x0008_0004)
        let (_, d) = decode([SyntheticExport.v9(sets: [(0, zero.bytes)], uptime: 1), SyntheticExport.v9(sets: [(0, absurd.bytes)], uptime: 1),
                             SyntheticExport.ipfix(sets: [(2, absurd.bytes)])])
        #expect(d.report.rejectedRecords[.badTemplate] == 3)
        #expect(d.report.templates == 0)
    }

    @Test func ipfixVariableLengthEnterpriseReducedSizeAndBiflow() {
        // srcIPv6, dstIPv6, flowStartMilliseconds, flowEndMilliseconds, a variable-length
        // string, an unknown enterprise IE, octetDeltaCount reduced to 4 bytes, reverse
        // packets/octets (PEN 29305), packetDeltaCount reduced to 2 bytes.
        let tpl = SyntheticExport.template(400, [(27, 16, nil), (28, 16, nil), (152, 8, nil), (153, 8, nil), (82, 0xFFFF, nil), (7, 5, 9), (1, 4, nil), (2, 8, 29305), (1, 8, 29305), (2, 2, nil)])
        var rec = WireWriter()
        rec.u64(0x2001_0DB8_0000_0000); rec.u64(1); rec.u64(0x2001_0DB8_0000_0000); rec.u64(2)
        rec.u64(1_700_000_000_123); rec.u64(1_700_000_000_456)
        rec.u8(3); rec.bytes += Array("eth".utf8)
        rec.bytes += [9, 9, 9, 9, 9]
        rec.u32(7000); rec.u64(4); rec.u64(900); rec.u16(5)
        var long = rec  // second record: variable field with the 3-byte length form
        long.bytes = []
        long.u64(0x2001_0DB8_0000_0000); long.u64(3); long.u64(0x2001_0DB8_0000_0000); long.u64(4)
        long.u64(1_700_000_001_000); long.u64(1_700_000_002_000)
        long.u8(255); long.u16(300); long.bytes += [UInt8](repeating: 65, count: 300)
        long.bytes += [9, 9, 9, 9, 9]
        long.u32(1); long.u64(0); long.u64(0); long.u16(1)
        let msg = SyntheticExport.ipfix(sets: [(2, tpl), (400, rec.bytes + long.bytes)])
        let (b, d) = decode([msg])
        #expect(b.count == 2)
        let r = b.record(at: 0)
        #expect(r.srcAddr == IPAddress("2001:db8::1") && r.dstAddr == IPAddress("2001:db8::2"))
        #expect(r.start == 1_700_000_000_123 && r.end == 1_700_000_000_456)
        #expect(r.bytes == 7000 && r.packets == 5)
        #expect(r.revPackets == 4 && r.revBytes == 900)
        #expect(b.record(at: 1).dstAddr == IPAddress("2001:db8::4"))
        #expect(d.report.rejectedTotal == 0)
    }

    @Test func ipfixDataBeforeTemplateIsHeldThenDecoded() {
        let tpl = SyntheticExport.template(500, [(8, 4, nil), (12, 4, nil), (150, 4, nil), (151, 4, nil), (2, 4, nil), (1, 4, nil)])
        var rec = WireWriter(); rec.u32(1); rec.u32(2); rec.u32(1_700_000_000); rec.u32(1_700_000_005); rec.u32(1); rec.u32(60)
        let early = SyntheticExport.ipfix(sets: [(500, rec.bytes)], sequence: 0)
        let late = SyntheticExport.ipfix(sets: [(2, tpl)], sequence: 1)
        let (b, d) = decode([early, late])
        #expect(b.count == 1)
        #expect(b.record(at: 0).end == 1_700_000_005_000)
        #expect(d.report.heldSetsDecoded == 1)
        #expect(d.report.rejectedTotal == 0)
    }

    @Test func dataWhoseTemplateNeverComesIsRejected() {
        let (b, d) = decode([SyntheticExport.ipfix(sets: [(600, [1, 2, 3, 4])])])
        #expect(b.count == 0)
        #expect(d.report.rejectedRecords[.missingTemplate] == 1)
    }

    @Test func holdBufferIsBounded() {
        var o = BinaryDecodeOptions()
        o.maxHeldBytes = 10
        let (_, d) = decode([SyntheticExport.ipfix(sets: [(600, [UInt8](repeating: 1, count: 40))])], options: o)
        #expect(d.report.rejectedRecords[.missingTemplate] == 1)
        #expect(d.heldBytes == 0)
    }

    @Test func ipfixSysUpTimesUseSystemInitFromOptions() {
        // Options template 256: scope meteringProcessId, systemInitTimeMilliseconds,
        // samplingPacketInterval, samplingPacketSpace (1 in 4 sampling).
        let opt = SyntheticExport.template(256, [(143, 4, nil), (160, 8, nil), (305, 4, nil), (306, 4, nil)], scope: 1)
        var od = WireWriter(); od.u32(1); od.u64(1_699_999_000_000); od.u32(1); od.u32(3)
        let tpl = SyntheticExport.template(700, [(8, 4, nil), (12, 4, nil), (22, 4, nil), (21, 4, nil), (2, 4, nil), (1, 4, nil)])
        var rec = WireWriter(); rec.u32(1); rec.u32(2); rec.u32(1000); rec.u32(2500); rec.u32(1); rec.u32(60)
        // Data first (held for its time base), options afterwards.
        let msg1 = SyntheticExport.ipfix(sets: [(2, tpl), (700, rec.bytes)])
        let msg2 = SyntheticExport.ipfix(sets: [(3, opt), (256, od.bytes)])
        let (b, d) = decode([msg1, msg2])
        #expect(b.count == 1)
        #expect(b.record(at: 0).start == 1_699_999_001_000)
        #expect(b.record(at: 0).end == 1_699_999_002_500)
        #expect(b.record(at: 0).samplingRate == 4)
        #expect(d.report.rejectedTotal == 0)
    }

    @Test func ipfixNtpAndDeltaTimes() {
        let tpl = SyntheticExport.template(710, [(8, 4, nil), (12, 4, nil), (154, 8, nil), (159, 4, nil)])
        var rec = WireWriter(); rec.u32(1); rec.u32(2)
        rec.u32(UInt32(1_700_000_000 + 2_208_988_800)); rec.u32(0x8000_0000)  // .5 s
        rec.u32(2_000_000)  // ended 2 s before export
        let (b, _) = decode([SyntheticExport.ipfix(sets: [(2, tpl), (710, rec.bytes)], exportTime: 1_700_000_010)])
        #expect(b.record(at: 0).start == 1_700_000_000_500)
        #expect(b.record(at: 0).end == 1_700_000_008_000)
    }

    @Test func templateWithdrawalMakesLaterDataMissing() {
        let tpl = SyntheticExport.template(800, [(8, 4, nil)])
        var withdraw = WireWriter(); withdraw.u16(800); withdraw.u16(0)
        let (b, d) = decode([SyntheticExport.ipfix(sets: [(2, tpl), (800, [1, 2, 3, 4])]),
                             SyntheticExport.ipfix(sets: [(2, withdraw.bytes), (800, [1, 2, 3, 4])])])
        #expect(b.count == 1)
        #expect(d.report.rejectedRecords[.missingTemplate] == 1)
    }

    @Test func ipfixLengthMismatchIsRejected() {
        var m = SyntheticExport.ipfix(sets: [])
        m += [0, 0, 0, 0]
        let (_, d) = decode([m])
        #expect(d.report.rejectedRecords[.badExportHeader] == 1)
    }

    @Test func truncatedVariableLengthRecord() {
        let tpl = SyntheticExport.template(900, [(8, 4, nil), (82, 0xFFFF, nil)])
        let (b, d) = decode([SyntheticExport.ipfix(sets: [(2, tpl), (900, [1, 2, 3, 4, 200, 1, 2])])])
        #expect(b.count == 0)
        #expect(d.report.rejectedRecords[.truncatedRecord] == 1)
    }
}
