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

    @Test func longMatchesRepeatTheirPatternAtEveryOffset() throws {
        // 40 literal bytes, then a match of 37 bytes (4 + 15 + 18) from `offset` back: the
        // 16-byte steps (offset >= 16), the 8-byte steps (8...15) and the byte copy (< 8),
        // overlapping whenever the offset is under 37, then the literal "!".
        let text = (0..<40).map { UInt8(65 + $0 % 26) }
        for offset in [1, 3, 7, 8, 9, 15, 16, 17, 20, 31, 36, 37, 40] {
            let block: [UInt8] = [0xFF, 25] + text + [UInt8(offset), 0, 18, 0x10, 33]
            var expected = text
            for _ in 0..<37 { expected.append(expected[expected.count - offset]) }
            expected.append(33)
            #expect(try inflate(block) == expected, "offset \(offset)")
        }
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
