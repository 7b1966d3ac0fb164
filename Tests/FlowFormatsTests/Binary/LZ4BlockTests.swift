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

    /// Random sequences (short and long literal runs, matches of every length from every
    /// offset), written as an LZ4 block beside the bytes they stand for, decode to exactly
    /// those bytes with `limit` the exact output size (so the copies near the end of the
    /// buffer fall back to exact ones) and into one output buffer reused across blocks.
    @Test func randomSequencesAtTheExactLimit() throws {
        var rng = SplitMix(state: 5)
        var out: [UInt8] = []
        func length(_ extra: Int, into block: inout [UInt8]) {
            var rest = extra
            while rest >= 255 { block.append(255); rest -= 255 }
            block.append(UInt8(rest))
        }
        for round in 0..<300 {
            var block: [UInt8] = [], plain: [UInt8] = []
            for _ in 0..<(1 + Int(rng.next() % 40)) {
                let lit = rng.next() % 4 == 0 ? Int(rng.next() % 300) : Int(rng.next() % 17)
                let literals = (0..<lit).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                let offset = plain.count + lit == 0 ? 0 : 1 + Int(rng.next() % UInt64(min(plain.count + lit, 65_535)))
                let match = offset == 0 ? 0 : 4 + (rng.next() % 3 == 0 ? Int(rng.next() % 400) : Int(rng.next() % 20))
                guard offset > 0 else { continue }
                block.append(UInt8(min(lit, 15) << 4 | min(match - 4, 15)))
                if lit >= 15 { length(lit - 15, into: &block) }
                block += literals
                plain += literals
                block += [UInt8(offset & 0xFF), UInt8(offset >> 8)]
                if match - 4 >= 15 { length(match - 19, into: &block) }
                for _ in 0..<match { plain.append(plain[plain.count - offset]) }
            }
            // The last sequence: literals only.
            let tail = (0..<Int(rng.next() % 20)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            block.append(UInt8(min(tail.count, 15) << 4))
            if tail.count >= 15 { length(tail.count - 15, into: &block) }
            block += tail
            plain += tail
            let n = try block.withUnsafeBytes { try NfcapdBlockDecompressor.lz4($0, into: &out, limit: plain.count) }
            #expect(n == plain.count && Array(out[0..<n]) == plain, "round \(round)")
            // A limit one byte short is an error, never a short or overrunning output.
            var short: [UInt8] = []
            #expect(throws: NfcapdBlockDecompressor.Failure.self) {
                _ = try block.withUnsafeBytes { try NfcapdBlockDecompressor.lz4($0, into: &short, limit: plain.count - 1) }
            }
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
