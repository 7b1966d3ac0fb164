import Testing
@testable import FlowIO

@Suite struct GzipEncoderTests {
    @Test func writesAGzipMember() throws {
        let member = try GzipEncoder().member(Array("hello\n".utf8))
        #expect(member.prefix(2) == [0x1f, 0x8b])
        #expect(member.count > 18)
    }
}
