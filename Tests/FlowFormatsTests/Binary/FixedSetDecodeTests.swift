import FlowCore
import Testing
@testable import FlowFormats

/// Data sets of fixed-length templates decode field by field across the set
/// (`decodeFixedDataSet`); templates with a variable-length field decode record by record.
/// The same records must come out of both: random templates (field order, widths, repeated
/// fields, ICMP type/code before and after the port, total counters, several time IEs,
/// sampling, fields floe skips) are sent once as they are and once with an empty
/// variable-length field appended to the template and to every record.
@Suite struct FixedSetDecodeTests {
    /// (IE, possible lengths, enterprise).
    static let pool: [(ie: UInt16, lengths: [UInt16], pen: UInt32?)] = [
        (8, [4], nil), (12, [4], nil), (27, [16], nil), (28, [16], nil),
        (7, [2], nil), (11, [2], nil), (32, [2], nil), (139, [2], nil), (4, [1], nil), (6, [1, 2], nil), (5, [1], nil),
        (2, [4, 8, 3], nil), (1, [4, 8], nil), (86, [8], nil), (85, [8, 4], nil),
        (10, [2, 4], nil), (14, [2, 4], nil), (16, [2, 4], nil), (17, [4], nil), (61, [1], nil),
        (152, [8], nil), (153, [8], nil), (150, [4], nil), (151, [4], nil), (158, [4], nil), (159, [4], nil),
        (34, [4], nil), (305, [4], nil), (306, [4], nil), (48, [1], nil),
        (2, [8], 29305), (1, [8], 29305), (7, [5], 9), (80, [6], nil), (8, [16], nil),
    ]

    @Test func fixedSetsMatchRecordByRecordDecoding() {
        var rng = SplitMix(state: 2026)
        // The fixed sets are also decoded into one builder whose buffers hold junk from
        // earlier rows, as ingest reuses them: a column taken as filled by the template
        // (`FlowTemplatePlan.filledColumns`) but not stored would show the junk.
        let dirty = BinaryTestSupport.dirtiedBuilder(capacity: 8, rows: 200)
        // All rounds in one batch, so that every column mixes valid and null rows (a
        // column that is null in every row of a batch does not store its slots).
        var reused = FlowBatch(), reference = FlowBatch()
        defer { #expect(reused == reference, "the fixed sets decoded into a reused builder") }
        for round in 0..<300 {
            var fields: [(UInt16, UInt16, UInt32?)] = []
            for _ in 0..<(3 + Int(rng.next() % 14)) {
                let f = Self.pool[Int(rng.next() % UInt64(Self.pool.count))]
                fields.append((f.ie, f.lengths[Int(rng.next() % UInt64(f.lengths.count))], f.pen))
            }
            let length = fields.reduce(0) { $0 + Int($1.1) }
            let records = 1 + Int(rng.next() % 40)
            var fixedBody: [UInt8] = [], variableBody: [UInt8] = []
            for _ in 0..<records {
                let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                fixedBody += bytes
                variableBody += bytes + [0]  // the appended variable-length field, empty
            }
            let fixed = SyntheticExport.ipfix(sets: [(2, SyntheticExport.template(300, fields)), (300, fixedBody)])
            let variable = SyntheticExport.ipfix(sets: [(2, SyntheticExport.template(300, fields + [(82, 0xFFFF, nil)])),
                                                        (300, variableBody)])
            func decoded(_ message: [UInt8]) -> (FlowBatch, Int) {
                var d = FlowExportDecoder()
                var batch = FlowBatch()
                message.withUnsafeBytes { d.decode(message: $0, exporter: IPAddress("192.0.2.1"), offset: 0, into: &batch) }
                d.finish()
                return (batch, d.report.rejectedTotal)
            }
            let (a, rejectedA) = decoded(fixed)
            let (b, rejectedB) = decoded(variable)
            #expect(a.count == records && rejectedA == 0 && rejectedB == 0, "round \(round)")
            #expect(a == b, "round \(round): template \(fields)")
            if a != b { return }
            var d = FlowExportDecoder()
            fixed.withUnsafeBytes { d.decode(message: $0, exporter: IPAddress("192.0.2.1"), offset: 0, into: dirty) }
            dirty.drain(into: &reused)
            for i in 0..<b.count { reference.append(b.record(at: i)) }
        }
    }

    /// Options data sets of a fixed-length template still teach the sampling rate.
    @Test func fixedOptionsSetsStillSetTheSamplingRate() {
        let options = SyntheticExport.template(301, [(149, 4, nil), (34, 4, nil)], scope: 1)
        var optionsRecord = WireWriter()
        optionsRecord.u32(1); optionsRecord.u32(100)
        let data = SyntheticExport.template(302, [(8, 4, nil), (12, 4, nil), (2, 4, nil)])
        var records = WireWriter()
        for i in 0..<3 { records.u32(0x0A00_0001); records.u32(0x0A00_0002 + UInt32(i)); records.u32(7) }
        let message = SyntheticExport.ipfix(sets: [(3, options), (2, data), (301, optionsRecord.bytes), (302, records.bytes)])
        var d = FlowExportDecoder()
        var batch = FlowBatch()
        message.withUnsafeBytes { d.decode(message: $0, exporter: IPAddress("192.0.2.1"), offset: 0, into: &batch) }
        #expect(batch.count == 3)
        #expect((0..<3).allSatisfy { batch.record(at: $0).samplingRate == 100 && batch.record(at: $0).packets == 7 })
        #expect(d.report.optionsRecords == 1)
    }
}
