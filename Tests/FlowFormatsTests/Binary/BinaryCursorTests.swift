import Testing
import FlowCore
@testable import FlowFormats

@Suite("Bounds-checked binary cursor")
struct BinaryCursorTests {
    @Test func checkedReadsThrowTheInputOffset() throws {
        let bytes: [UInt8] = [0x00, 0x09, 0x12, 0x34, 0x56, 0x78, 0xAB]
        try bytes.withUnsafeBytes { (p: UnsafeRawBufferPointer) throws in
            var c = BinaryCursor(p, origin: 1000)
            let first = try c.readBE16(), second = try c.readBE32()
            #expect(first == 9)
            #expect(second == 0x1234_5678)
            #expect(c.inputOffset == 1006)
            #expect(throws: BinaryBoundsError(offset: 1006, needed: 2, available: 1)) { try c.readBE16() }
            #expect(c.position == 6, "a read that does not fit does not move")
            #expect(throws: BinaryBoundsError(offset: 1006, needed: 4, available: 1)) { try c.take(4) }
            let last = try c.take(1)
            #expect(last.first == 0xAB)
            #expect(c.remaining == 0)
        }
    }

    @Test func exportSetRefusesLengthsOutsideTheMessage() throws {
        // Set 256, length 12 in a 10-byte message; then set 0 with length 2.
        let long: [UInt8] = [0x01, 0x00, 0x00, 0x0C, 1, 2, 3, 4, 5, 6]
        long.withUnsafeBytes { (p: UnsafeRawBufferPointer) in
            var c = BinaryCursor(p, origin: 20)
            do {
                _ = try c.exportSet()
                Issue.record("a set past the message end was read")
            } catch let error as ExportSetError {
                #expect(error.id == 256 && error.length == 12 && error.offset == 20 && error.left == 10)
            } catch {
                Issue.record("unexpected \(error)")
            }
            #expect(c.position == 0)
        }
        let short: [UInt8] = [0x00, 0x00, 0x00, 0x02, 0, 0]
        short.withUnsafeBytes { p in
            var c = BinaryCursor(p)
            #expect(throws: ExportSetError.self) { try c.exportSet() }
        }
        let fits: [UInt8] = [0x00, 0x01, 0x00, 0x06, 7, 8, 9]
        try fits.withUnsafeBytes { (p: UnsafeRawBufferPointer) throws in
            var c = BinaryCursor(p, origin: 40)
            let set = try c.exportSet()
            #expect(set.id == 1 && Array(set.body) == [7, 8] && set.bodyOffset == 44)
            #expect(c.remaining == 1)
        }
    }

    /// A v9 template FlowSet whose field list runs past the set: a counted reject at the
    /// template's offset, no read past the set.
    @Test func truncatedV9TemplateIsARejectAtItsOffset() {
        var message: [UInt8] = [0x00, 0x09, 0x00, 0x01] + [UInt8](repeating: 0, count: 16)
        // FlowSet 0 (templates), length 12: template 300 with 4 fields (16 bytes) but 4 left.
        message += [0x00, 0x00, 0x00, 0x0C, 0x01, 0x2C, 0x00, 0x04, 0x00, 0x08, 0x00, 0x04]
        var d = FlowExportDecoder()
        var batch = FlowBatch()
        message.withUnsafeBytes { d.decode(message: $0, exporter: nil, offset: 500, into: &batch) }
        #expect(batch.count == 0)
        #expect(d.report.rejectedRecords[.badTemplate] == 1)
        #expect(d.pendingRejects.first?.offset == 524)
    }
}
