import FlowCore
import Foundation
import Testing
@testable import FlowColumnar
import FlowTestSupport

/// The sample of the pyarrow peer check (`ArrowPeerSample`, written by `floe-dev
/// arrow-sample` and checked by `floe-dev arrow-read` for scripts/check-arrow-pyarrow.sh):
/// what floe writes reads back as the sample rows with the expectations beside it, a file
/// with other rows is caught, and an uncompressed file is not mistaken for a refused one.
@Suite("Sample file for the pyarrow peer check")
struct PeerSampleTests {
    @Test func sampleReadsBackWithItsExpectations() throws {
        let path = temporaryPath("sample.arrow")
        try ArrowPeerSample.write(path: path)
        let batches = ArrowPeerSample.batches()
        let reader = try ArrowFileReader(path: path)
        #expect(reader.recordBatchCount == batches.count)
        for (i, b) in batches.enumerated() { #expect(try reader.readFlowBatch(at: i) == b) }
        #expect(try ArrowPeerSample.check(path: path).hasSuffix("3 record batches, 58 rows decoded and equal"))
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(readAll(path + ".expected.json"))) as? [String: Any])
        #expect(expected["count"] as? Int == 58 && (expected["rows"] as? [Any])?.count == 58)
        #expect((expected["schema"] as? [Any])?.count == FlowSchema.fields.count)
    }

    @Test func checkCatchesOtherRowsAndAFileThatIsNotRefused() throws {
        let path = temporaryPath("other.arrow")
        let writer = try FlowArrowWriter(path: path)
        try writer.write(ArrowPeerSample.sampleBatch(rows: 58, seed: 99))
        try writer.finish()
        #expect(throws: ArrowPeerSample.Mismatch.self) { try ArrowPeerSample.check(path: path) }
        #expect(throws: ArrowPeerSample.Mismatch.self) { try ArrowPeerSample.checkRefused(path: path) }
    }
}
