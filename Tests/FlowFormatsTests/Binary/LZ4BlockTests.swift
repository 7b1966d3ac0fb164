import Testing
@testable import FlowFormats

/// Hand-made LZ4 blocks: literal runs, overlapping matches (offset < length, copied byte by
/// byte) and non-overlapping ones (copied whole) must give exactly the original bytes.
@Suite struct LZ4BlockTests {
    private func inflate(_ block: [UInt8], limit: Int = 1000) throws -> [UInt8] {
        var out: [UInt8] = []
        let n = try block.withUnsafeBytes { try NfcapdBlockDecompressor.lz4($0, into: &out, limit: limit) }
        return Array(out[0..<n])
    }

    @Test func overlappingMatchRepeatsThePattern() throws {
        // "abcd", then 8 bytes from 4 back (overlapping), then the literal "z".
        let block: [UInt8] = [0x44] + Array("abcd".utf8) + [4, 0, 0x10] + Array("z".utf8)
        #expect(try inflate(block) == Array("abcdabcdabcdz".utf8))
    }

    @Test func runLengthMatchOfOneByteBack() throws {
        // "x" then a match of 4 + 15 + 6 = 25 bytes at offset 1: 26 x in all.
        let block: [UInt8] = [0x1F, 0x78, 1, 0, 6]
        #expect(try inflate(block) == [UInt8](repeating: 0x78, count: 26))
    }

    @Test func nonOverlappingMatchAndLongLiterals() throws {
        // 20 literal bytes (15 + 5), then "hello" again from 20 back, then an empty last sequence.
        let text = Array("hello world, hello!!".utf8)
        let block: [UInt8] = [0xF1, 5] + text + [20, 0, 0x00]
        #expect(try inflate(block) == text + Array("hello".utf8))
    }

    @Test func reusedOutputBufferIsOverwritten() throws {
        var out = [UInt8](repeating: 0xEE, count: 64)
        let block: [UInt8] = [0x30] + Array("abc".utf8)
        let n = try block.withUnsafeBytes { try NfcapdBlockDecompressor.lz4($0, into: &out, limit: 64) }
        #expect(n == 3 && Array(out[0..<3]) == Array("abc".utf8))
    }

    @Test func emptyOutputWithInputThrows() {
        var out: [UInt8] = []
        #expect(throws: NfcapdBlockDecompressor.Failure.self) {
            try [UInt8]([0x10, 65]).withUnsafeBytes { _ = try NfcapdBlockDecompressor.lz4($0, into: &out, limit: 0) }
        }
    }
}
