import FlowCore
import Testing
@testable import FlowFormats

@Suite struct QuotingDecodeTests {
    /// A quote still open when the input ends is rejected with its one line (records may
    /// span lines, so it is only known to be unclosed at the end, or past the length limit).
    @Test func quotedFieldsAndUnterminatedQuotes() throws {
        let text = "src_ip,dst_ip,proto,start_ms,pkts,bytes,label\n"
            + "\"10.0.0.1\",10.0.0.2,tcp,1704164645123,3,180,\"quoted \"\"label\"\", with comma\"\n"
            + "10.0.0.1,10.0.0.2,tcp,1704164645123,3,180,\"x\"y\n"
            + "10.0.0.1,10.0.0.2,tcp,1704164645123,3,180,\"unclosed label\n"
        let d = try decode(text, dialect: .genericCSV)
        #expect(d.rejects == [.unterminatedQuote, .unterminatedQuote])
        #expect(d.batch.count == 1)
        #expect(d.batch.label[0] == #"quoted "label", with comma"#)
        #expect(d.records.first?.srcAddr == ip("10.0.0.1"))
    }
}
