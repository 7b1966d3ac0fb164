import FlowCore
import Testing
@testable import FlowColumnar
import FlowTestSupport

@Suite("Column views keep their file mapped")
struct ColumnViewLifetimeTests {
    /// Views taken from a batch whose reader (and batch) are gone: the views hold the
    /// mapping, so they still read the file's values. Before views held it, the file was
    /// unmapped with the reader and these reads touched unmapped memory.
    @Test func viewsOutliveTheirReader() throws {
        let path = temporaryPath("lifetime.arrow")
        let batch = ArrowPeerSample.sampleBatch(rows: 300, seed: 7)
        let writer = try FlowArrowWriter(path: path)
        try writer.write(batch)
        try writer.finish()

        func views() throws -> (ArrowValues<Int64>, ArrowUTF8View, ArrowBitmapView?) {
            let reader = try ArrowFileReader(path: path)
            let rb = try reader.recordBatch(at: 0)
            return (try rb.values(column: 0, as: Int64.self), try rb.utf8(column: 20), try rb.validity(column: 20))
        }
        let (start, labels, labelsValid) = try views()
        // Churn the address space so an unmapped range would be reused.
        var keep: [[UInt8]] = []
        for i in 0..<64 { keep.append([UInt8](repeating: UInt8(i), count: 1 << 16)) }
        #expect(Array(start) == batch.start)
        for i in 0..<batch.count {
            let expected = batch.label[i]
            let valid = labelsValid?[i] ?? true
            #expect((valid ? labels.string(at: i) : nil) == expected)
        }
        #expect(start.withUnsafeBufferPointer { $0.count } == batch.count)
        #expect(keep.count == 64)
    }
}
