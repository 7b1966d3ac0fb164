#if canImport(Glibc)
import Glibc
#endif
import FlowCore
import Testing
@testable import FlowFormats
@testable import FlowIO

/// Hand-made LZ4 blocks: literal runs, overlapping matches (offset < length, copied byte by
/// byte) and non-overlapping ones (copied whole) must give exactly the original bytes, with
/// floe's own decoder and with liblz4 where it is installed (`liblz4IsTestedWhenInstalled`
/// says when it is not).
@Suite struct LZ4BlockTests {
    static let decoders: [LZ4Decoder] = LZ4Decoder.libraryLoaded ? [.swift, .liblz4] : [.swift]

    private func inflate(_ block: [UInt8], limit: Int = 1000, _ decoder: LZ4Decoder) throws -> [UInt8] {
        let out = NfcapdBlockBuffer()
        let n = try block.withUnsafeBytes { try NfcapdBlockDecompressor.lz4($0, into: out, limit: limit, decoder: decoder) }
        return Array(out.bytes[0..<n])
    }

    /// The outcome of decoding `block` with `decoder`: the bytes, or the failure.
    private func outcome(_ block: [UInt8], limit: Int, _ decoder: LZ4Decoder) -> Result<[UInt8], LZ4Failure> {
        var out = [UInt8](repeating: 0xEE, count: limit + LZ4Block.slack)
        return block.withUnsafeBytes { b in
            out.withUnsafeMutableBytes { o in
                do throws(LZ4Failure) {
                    let n = try LZ4Block.decompress(b, into: o, limit: limit, decoder: decoder)
                    return .success(Array(o[0..<n]))
                } catch {
                    return .failure(error)
                }
            }
        }
    }

    @Test(arguments: decoders) func overlappingMatchRepeatsThePattern(_ decoder: LZ4Decoder) throws {
        // "abcd", then 8 bytes from 4 back (overlapping), then the literal "z".
        let block: [UInt8] = [0x44] + Array("abcd".utf8) + [4, 0, 0x10] + Array("z".utf8)
        #expect(try inflate(block, decoder) == Array("abcdabcdabcdz".utf8))
    }

    @Test(arguments: decoders) func runLengthMatchOfOneByteBack(_ decoder: LZ4Decoder) throws {
        // "x" then a match of 4 + 15 + 6 = 25 bytes at offset 1: 26 x in all.
        let block: [UInt8] = [0x1F, 0x78, 1, 0, 6]
        #expect(try inflate(block, decoder) == [UInt8](repeating: 0x78, count: 26))
    }

    @Test(arguments: decoders) func nonOverlappingMatchAndLongLiterals(_ decoder: LZ4Decoder) throws {
        // 20 literal bytes (15 + 5), then "hello" again from 20 back, then an empty last sequence.
        let text = Array("hello world, hello!!".utf8)
        let block: [UInt8] = [0xF1, 5] + text + [20, 0, 0x00]
        #expect(try inflate(block, decoder) == text + Array("hello".utf8))
    }

    @Test(arguments: decoders) func longMatchesRepeatTheirPatternAtEveryOffset(_ decoder: LZ4Decoder) throws {
        // 40 literal bytes, then a match of 37 bytes (4 + 15 + 18) from `offset` back: the
        // 16-byte steps (offset >= 16), the 8-byte steps (8...15) and the byte copy (< 8),
        // overlapping whenever the offset is under 37, then the literal "!".
        let text = (0..<40).map { UInt8(65 + $0 % 26) }
        for offset in [1, 3, 7, 8, 9, 15, 16, 17, 20, 31, 36, 37, 40] {
            let block: [UInt8] = [0xFF, 25] + text + [UInt8(offset), 0, 18, 0x10, 33]
            var expected = text
            for _ in 0..<37 { expected.append(expected[expected.count - offset]) }
            expected.append(33)
            #expect(try inflate(block, decoder) == expected, "offset \(offset)")
        }
    }

    /// Random sequences (short and long literal runs, matches of every length from every
    /// offset), written as an LZ4 block beside the bytes they stand for, decode to exactly
    /// those bytes with `limit` the exact output size (so the copies near the end of the
    /// buffer fall back to exact ones) and into one output buffer reused across blocks.
    @Test(arguments: decoders) func randomSequencesAtTheExactLimit(_ decoder: LZ4Decoder) throws {
        var rng = SplitMix(state: 5)
        let out = NfcapdBlockBuffer()
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
            let n = try block.withUnsafeBytes { try NfcapdBlockDecompressor.lz4($0, into: out, limit: plain.count, decoder: decoder) }
            #expect(n == plain.count && Array(out.bytes[0..<n]) == plain, "round \(round)")
            // A limit one byte short is an error, never a short or overrunning output.
            let short = NfcapdBlockBuffer()
            #expect(throws: NfcapdBlockDecompressor.Failure.self) {
                _ = try block.withUnsafeBytes { try NfcapdBlockDecompressor.lz4($0, into: short, limit: plain.count - 1, decoder: decoder) }
            }
        }
    }

    @Test(arguments: decoders) func reusedOutputBufferIsOverwritten(_ decoder: LZ4Decoder) throws {
        let out = NfcapdBlockBuffer()
        let first: [UInt8] = [0x60] + Array("zzzzzz".utf8)
        _ = try first.withUnsafeBytes { try NfcapdBlockDecompressor.lz4($0, into: out, limit: 64, decoder: decoder) }
        let block: [UInt8] = [0x30] + Array("abc".utf8)
        let n = try block.withUnsafeBytes { try NfcapdBlockDecompressor.lz4($0, into: out, limit: 64, decoder: decoder) }
        #expect(n == 3 && Array(out.bytes[0..<3]) == Array("abc".utf8))
    }

    @Test(arguments: decoders) func emptyOutputWithInputThrows(_ decoder: LZ4Decoder) {
        let out = NfcapdBlockBuffer()
        #expect(throws: NfcapdBlockDecompressor.Failure.self) {
            try [UInt8]([0x10, 65]).withUnsafeBytes { _ = try NfcapdBlockDecompressor.lz4($0, into: out, limit: 0, decoder: decoder) }
        }
    }

    /// Random blocks as a compressor writes them (ending in five literals, the last match
    /// at least 12 bytes before the end, which liblz4 itself decodes), then the same blocks
    /// with bytes changed, cut short, or an output limit too small: both decoders give the
    /// same bytes or both refuse, with the same message.
    @Test func libraryAndOwnDecoderAgreeOnValidAndDamagedBlocks() throws {
        var rng = SplitMix(state: 11)
        var damagedRefused = 0
        for round in 0..<400 {
            var block: [UInt8] = [], plain: [UInt8] = []
            func length(_ extra: Int) {
                var rest = extra
                while rest >= 255 { block.append(255); rest -= 255 }
                block.append(UInt8(rest))
            }
            for _ in 0..<(1 + Int(rng.next() % 30)) {
                let lit = rng.next() % 4 == 0 ? Int(rng.next() % 300) : Int(rng.next() % 17)
                let literals = (0..<lit).map { _ in UInt8(truncatingIfNeeded: rng.next() % 7) }
                guard plain.count + lit > 0 else { continue }
                let offset = 1 + Int(rng.next() % UInt64(min(plain.count + lit, 65_535)))
                let match = 4 + (rng.next() % 3 == 0 ? Int(rng.next() % 400) : Int(rng.next() % 20))
                block.append(UInt8(min(lit, 15) << 4 | min(match - 4, 15)))
                if lit >= 15 { length(lit - 15) }
                block += literals
                plain += literals
                block += [UInt8(offset & 0xFF), UInt8(offset >> 8)]
                if match - 4 >= 15 { length(match - 19) }
                for _ in 0..<match { plain.append(plain[plain.count - offset]) }
            }
            let tail = (0..<(12 + Int(rng.next() % 20))).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            block.append(UInt8(min(tail.count, 15) << 4))
            if tail.count >= 15 { length(tail.count - 15) }
            block += tail
            plain += tail
            for limit in [plain.count, plain.count + 7, plain.count - 1] {
                let mine = outcome(block, limit: limit, .swift)
                #expect(mine == outcome(block, limit: limit, .liblz4), "round \(round), limit \(limit)")
                #expect((try? mine.get()) == (limit >= plain.count ? plain : nil), "round \(round), limit \(limit)")
            }
            var damaged = block
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                damaged[Int(rng.next() % UInt64(damaged.count))] = UInt8(truncatingIfNeeded: rng.next())
            }
            if rng.next() % 4 == 0 { damaged.removeLast(1 + Int(rng.next() % UInt64(damaged.count))) }
            let mine = outcome(damaged, limit: plain.count + 64, .swift)
            #expect(mine == outcome(damaged, limit: plain.count + 64, .liblz4), "damaged round \(round)")
            if case .failure = mine { damagedRefused += 1 }
        }
        #expect(damagedRefused > 50)
    }

    /// A match offset of 0 is corrupt (LZ4 block format); liblz4 would decode it from
    /// whatever the output buffer held, so it never gets such a block.
    @Test(arguments: decoders) func zeroOffsetIsRefused(_ decoder: LZ4Decoder) {
        let block: [UInt8] = [0x80] + Array("abcdefgh".utf8) + [0, 0, 0x50] + Array("12345".utf8)
        #expect(LZ4Block.hasZeroOffset(block.withUnsafeBytes { $0 }))
        guard case .failure(let failure) = outcome(block, limit: 100, decoder) else {
            Issue.record("offset 0 decoded")
            return
        }
        #expect(failure.detail.contains("offset 0"))
        let fine: [UInt8] = [0x80] + Array("abcdefgh".utf8) + [8, 0, 0x50] + Array("12345".utf8)
        #expect(!LZ4Block.hasZeroOffset(fine.withUnsafeBytes { $0 }))
        #expect(outcome(fine, limit: 100, decoder) == .success(Array("abcdefghabcd12345".utf8)))
    }

    /// A malformed block in an nfcapd file is a counted reject naming the block, with
    /// either decoder (not a crash, not a silent drop).
    @Test(arguments: decoders) func malformedBlockInAFileIsARejectedBlock(_ decoder: LZ4Decoder) throws {
        var file = [UInt8](repeating: 0, count: 40)
        file[0] = 0x0C; file[1] = 0xA5; file[2] = 2; file[16] = 3
        let payload: [UInt8] = [0x10, 65, 9, 0, 0x50] + Array("12345".utf8)
        file += [3, 0, 0, 0] + [UInt8(payload.count), 0, 0, 0] + [3, 0, 0, 0] + payload
        var reader = NfcapdReader()
        reader.lz4Decoder = decoder
        var batch = FlowBatch()
        try file.withUnsafeBytes { try reader.feed($0, into: &batch) }
        try reader.finish(into: &batch)
        #expect(batch.count == 0)
        #expect(reader.report.rejectedRecords[.badBlock] == 3)
        let rejects = reader.takeRejects()
        #expect(rejects.count == 1 && rejects.first?.offset == 40)
        #expect(rejects.first?.detail.contains("does not decompress: LZ4 match offset 9 points before the output start") == true)
    }

    /// Writes LZ4 sequences beside the bytes they stand for.
    struct Sequences {
        var block: [UInt8] = []
        var plain: [UInt8] = []

        private mutating func length(_ extra: Int) {
            var rest = extra
            while rest >= 255 { block.append(255); rest -= 255 }
            block.append(UInt8(rest))
        }

        /// `literals`, then a match of `match` bytes (4 or more) from `offset` back.
        mutating func add(_ literals: [UInt8], offset: Int, match: Int) {
            block.append(UInt8(min(literals.count, 15) << 4 | min(match - 4, 15)))
            if literals.count >= 15 { length(literals.count - 15) }
            block += literals
            plain += literals
            block += [UInt8(offset & 0xFF), UInt8(offset >> 8)]
            if match - 4 >= 15 { length(match - 19) }
            for _ in 0..<match { plain.append(plain[plain.count - offset]) }
        }

        /// The last sequence: literals only.
        mutating func end(_ literals: [UInt8]) {
            block.append(UInt8(min(literals.count, 15) << 4))
            if literals.count >= 15 { length(literals.count - 15) }
            block += literals
            plain += literals
        }
    }

    /// Decodes `block` into a buffer of exactly `limit` bytes followed by guard bytes;
    /// the outcome, and whether the guard bytes are untouched.
    private func guarded(_ block: [UInt8], limit: Int, _ decoder: LZ4Decoder) -> (Result<[UInt8], LZ4Failure>, Bool) {
        var out = [UInt8](repeating: 0xEE, count: limit + 64)
        let result = block.withUnsafeBytes { b in
            out.withUnsafeMutableBytes { o -> Result<[UInt8], LZ4Failure> in
                let room = UnsafeMutableRawBufferPointer(rebasing: o[0..<limit])
                do throws(LZ4Failure) {
                    let n = try LZ4Block.decompress(b, into: room, limit: limit, decoder: decoder)
                    return .success(Array(room[0..<n]))
                } catch {
                    return .failure(error)
                }
            }
        }
        return (result, out[limit...].allSatisfy { $0 == 0xEE })
    }

    /// Long blocks of the sequences nfdump's blocks are made of (0-3 literals, matches of
    /// 4-18 bytes from every offset 1-20 and further back) and of long matches (19-80
    /// bytes, 1-40 back and further): most are decoded with fixed-size stores and only the
    /// offset checked, the last ones with every check. Decoded into a buffer of exactly
    /// the output's size (and one with room to spare), they give the original bytes, and
    /// nothing past the buffer is written.
    @Test(arguments: decoders) func shortAndLongSequencesAtEveryOffset(_ decoder: LZ4Decoder) throws {
        var s = Sequences()
        var rng = SplitMix(state: 17)
        func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next() % 5) } }
        s.add(bytes(40), offset: 7, match: 4)
        for offset in Array(1...20) + [31, 32, 33, 64, 300] {
            for match in 4...18 {
                s.add(bytes(match % 4), offset: offset, match: match)
            }
        }
        for offset in Array(1...40) + [100, 1000] {
            for match in [19, 20, 31, 32, 33, 47, 64, 80] {
                s.add(bytes(offset % 3), offset: offset, match: match)
            }
        }
        s.end(bytes(5))
        for limit in [s.plain.count, s.plain.count + 200] {
            let (result, intact) = guarded(s.block, limit: limit, decoder)
            #expect(result == .success(s.plain), "limit \(limit)")
            #expect(intact, "limit \(limit): bytes written past the buffer")
        }
        let (short, intact) = guarded(s.block, limit: s.plain.count - 1, decoder)
        #expect(throws: LZ4Failure.self) { try short.get() }
        #expect(intact)
    }

    /// A plain decoder written for this test: every length checked before it is used,
    /// matches copied byte by byte. nil for a block it refuses.
    private func reference(_ b: [UInt8], limit: Int) -> [UInt8]? {
        var out: [UInt8] = []
        var i = 0
        func more(_ value: inout Int) -> Bool {
            while true {
                guard i < b.count else { return false }
                let x = Int(b[i])
                i += 1
                value += x
                if x != 255 { return true }
            }
        }
        while i < b.count {
            let token = Int(b[i])
            i += 1
            var lit = token >> 4
            if lit == 15 && !more(&lit) { return nil }
            guard lit <= b.count - i, out.count + lit <= limit else { return nil }
            out += b[i..<(i + lit)]
            i += lit
            if i == b.count { break }
            guard b.count - i >= 2 else { return nil }
            let offset = Int(b[i]) | Int(b[i + 1]) << 8
            i += 2
            guard offset > 0, offset <= out.count else { return nil }
            var len = (token & 15) + 4
            if token & 15 == 15 && !more(&len) { return nil }
            guard out.count + len <= limit else { return nil }
            for _ in 0..<len { out.append(out[out.count - offset]) }
        }
        return out
    }

    /// Long blocks of random short and long sequences, then the same blocks damaged (bytes
    /// changed, cut short) and decoded at limits around their size: the same outcome as the
    /// plain reference decoder, and never a byte written past the buffer.
    @Test(arguments: decoders) func damagedLongBlocksMatchAPlainDecoder(_ decoder: LZ4Decoder) throws {
        var rng = SplitMix(state: 23)
        var refused = 0
        for round in 0..<150 {
            var s = Sequences()
            s.add((0..<20).map { UInt8($0) }, offset: 3, match: 9)
            for _ in 0..<(50 + Int(rng.next() % 400)) {
                let lit = rng.next() % 10 == 0 ? Int(rng.next() % 40) : Int(rng.next() % 4)
                let literals = (0..<lit).map { _ in UInt8(truncatingIfNeeded: rng.next() % 6) }
                let reach = s.plain.count + lit
                let offset = 1 + Int(rng.next() % UInt64(min(reach, rng.next() % 2 == 0 ? 24 : 65_535)))
                let match = rng.next() % 4 == 0 ? 19 + Int(rng.next() % 100) : 4 + Int(rng.next() % 15)
                s.add(literals, offset: offset, match: match)
            }
            s.end((0..<Int(rng.next() % 30)).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
            var block = s.block
            if round % 3 != 0 {
                for _ in 0..<(1 + Int(rng.next() % 3)) {
                    block[Int(rng.next() % UInt64(block.count))] = UInt8(truncatingIfNeeded: rng.next())
                }
                if rng.next() % 4 == 0 { block.removeLast(1 + Int(rng.next() % UInt64(block.count))) }
            }
            for limit in [s.plain.count, s.plain.count - 1, s.plain.count + 100] {
                let (result, intact) = guarded(block, limit: limit, decoder)
                #expect(intact, "round \(round), limit \(limit): bytes written past the buffer")
                #expect((try? result.get()) == reference(block, limit: limit), "round \(round), limit \(limit)")
                if case .failure = result { refused += 1 }
            }
        }
        #expect(refused > 100)
    }

    @Test(.enabled(if: dlopen(LZ4Library.soname, RTLD_NOW | RTLD_LOCAL) != nil,
                   "liblz4 (liblz4.so.1) is not installed here: the LZ4 tests ran floe's own decoder only"))
    func liblz4IsTestedWhenInstalled() {
        #expect(LZ4Decoder.libraryLoaded)
        #expect(Self.decoders == [.swift, .liblz4])
    }
}
