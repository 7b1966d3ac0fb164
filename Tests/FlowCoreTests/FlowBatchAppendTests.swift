import Testing
@testable import FlowCore

/// Appending whole batches (`FlowBatch.append(contentsOf:)`) gives the same batch as
/// appending the same rows one by one, whatever mix of null, uniform and mixed columns the
/// parts have and wherever their boundaries fall in a bitmap byte.
@Suite struct FlowBatchAppendTests {
    /// Row `i` of part `part`: each column null in a pattern of its own, some columns null
    /// (or valid) for a whole part.
    static func record(_ part: Int, _ i: Int, _ random: inout SplitMix) -> (FlowRecord, String?) {
        var r = FlowRecord()
        r.start = Int64(part * 1000 + i)
        r.end = r.start + 5
        r.srcAddr = IPAddress(ipv4: UInt32(truncatingIfNeeded: random.next()))
        r.dstAddr = IPAddress(ipv4: UInt32(i))
        r.proto = UInt8(i % 3 == 0 ? 6 : 17)
        r.packets = UInt64(i)
        r.bytes = random.next() % 10_000
        r.srcPort = random.chance(0.8) ? UInt16(i) : nil          // mixed
        r.dstPort = part % 2 == 0 ? 443 : nil                     // uniform per part
        r.tcpFlags = part == 1 ? nil : UInt8(i & 0x3F)            // one all-null part
        r.exporter = part >= 2 ? IPAddress(ipv4: 0x0A00_0001) : nil // null parts first
        r.revBytes = random.chance(0.1) ? random.next() % 100 : nil
        let label: String? = part == 3 && i % 4 == 0 ? "scan" : nil
        return (r, label)
    }

    func append(_ r: FlowRecord, _ label: String?, to batch: inout FlowBatch) {
        guard var text = label else { return batch.append(r, label: nil) }
        text.withUTF8 { batch.append(r, label: $0) }
    }

    @Test func appendingBatchesEqualsAppendingRows() {
        var random = SplitMix(state: 11)
        var rowByRow = FlowBatch()
        var whole = FlowBatch()
        // Part sizes cross bitmap bytes and words at odd places; one part is empty.
        for (part, size) in [13, 1, 0, 64, 7, 130].enumerated() {
            var piece = FlowBatch()
            for i in 0..<size {
                let (r, label) = Self.record(part, i, &random)
                append(r, label, to: &rowByRow)
                append(r, label, to: &piece)
            }
            whole.append(contentsOf: piece)
            #expect(whole == rowByRow, "after part \(part)")
        }
        #expect(whole.count == 215)
        #expect(whole.tcpFlags.validity.nullCount == 1)
        #expect(whole.label[whole.count - 130] == nil)
        #expect(whole.approximateBytes >= whole.count * 100)
    }

    /// A batch whose label column has no rows (read that way: all null) appends as nulls,
    /// before or after labelled rows.
    @Test func anEmptyLabelColumnMeansNullLabels() {
        var random = SplitMix(state: 5)
        var labelled = FlowBatch()
        var unlabelled = FlowBatch()
        for i in 0..<10 {
            let (r, _) = Self.record(0, i, &random)
            append(r, "x\(i)", to: &labelled)
            unlabelled.append(r)
        }
        unlabelled.label = StringColumn()  // no rows: all null
        var a = FlowBatch()
        a.append(contentsOf: unlabelled)
        a.append(contentsOf: labelled)
        a.append(contentsOf: unlabelled)
        #expect(a.count == 30 && a.label.count == 30)
        #expect(a.label[0] == nil && a.label[10] == "x0" && a.label[19] == "x9" && a.label[29] == nil)
        #expect(a.label.validity.nullCount == 20)
    }
}
