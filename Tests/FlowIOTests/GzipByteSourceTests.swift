import Foundation
import Testing
@testable import FlowIO

@Suite struct GzipByteSourceTests {
    static let path = "test.gz"

    /// The decoders tested: zlib always, ISA-L where it is installed (`isalIsTestedWhenInstalled`
    /// says when it is not).
    static let inflaters: [GzipInflater] = IsalLibrary.shared == nil ? [.zlib] : [.zlib, .isal]

    static func decompress(_ inflater: GzipInflater, _ file: [UInt8], rawReadSize: Int = .max, bufferSize: Int = 64 * 1024) throws -> [UInt8] {
        let source = try GzipByteSource(raw: MemorySource(file, maxRead: rawReadSize), path: path, inflater: inflater)
        #expect(source.inflater == inflater)
        return try readAll(source, bufferSize: bufferSize)
    }

    static func decompressError(_ inflater: GzipInflater, _ file: [UInt8], rawReadSize: Int = .max) -> FlowIOError? {
        flowIOError { _ = try decompress(inflater, file, rawReadSize: rawReadSize) }
    }

    /// A member like `GzipEncoder`'s but with FEXTRA, FNAME, FCOMMENT and (optionally) FHCRC.
    static func memberWithOptionalFields(_ content: [UInt8], headerCRC: Bool, corruptHeaderCRC: Bool = false) throws -> [UInt8] {
        let plain = try GzipEncoder().member(content)
        let body = plain[10...]  // deflate data + trailer
        var header: [UInt8] = [0x1f, 0x8b, 8, 0x04 | 0x08 | 0x10 | (headerCRC ? 0x02 : 0), 1, 2, 3, 4, 0, 3]
        header += [5, 0, 0x41, 0x42, 2, 0, 0x58, 0x59]  // XLEN 5 + one subfield "AB" len 2 "XY"
        header += Array("flows.csv".utf8) + [0]
        header += Array("a comment".utf8) + [0]
        if headerCRC {
            var crc = UInt32(truncatingIfNeeded: header.withUnsafeBytes {
                bitwiseCRC32($0)
            })
            if corruptHeaderCRC { crc ^= 1 }
            header += [UInt8(crc & 0xff), UInt8((crc >> 8) & 0xff)]
        }
        return header + body
    }

    @Test(arguments: [1, 7, 4096, 1 << 20], inflaters)
    func singleMember(bufferSize: Int, inflater: GzipInflater) throws {
        let content = sampleText(lines: bufferSize < 100 ? 300 : 20_000)
        let file = try GzipEncoder().member(content)
        #expect(same(try Self.decompress(inflater, file, bufferSize: bufferSize), content))
    }

    @Test(arguments: inflaters) func singleMemberWithOneByteRawReads(inflater: GzipInflater) throws {
        let content = sampleText(lines: 500)
        #expect(same(try Self.decompress(inflater, try GzipEncoder().member(content), rawReadSize: 1), content))
    }

    @Test(arguments: inflaters) func incompressibleLargeMember(inflater: GzipInflater) throws {
        let content = noiseBytes(count: 3_000_000)
        #expect(same(try Self.decompress(inflater, try GzipEncoder(level: 6).member(content)), content))
    }

    @Test(arguments: inflaters) func multipleMembersFromGzipEncoder(inflater: GzipInflater) throws {
        let parts = [sampleText(lines: 1000, seed: 1), sampleText(lines: 10, seed: 2), noiseBytes(count: 70_000)]
        var file: [UInt8] = []
        for part in parts { file += try GzipEncoder().member(part) }
        let source = try GzipByteSource(raw: MemorySource(file), path: Self.path, inflater: inflater)
        #expect(same(try readAll(source), parts.flatMap { $0 }))
        #expect(source.membersRead == 3)
        #expect(source.rawFingerprint == Fingerprint(xxh64: XXH64.hash(file)))
    }

    @Test(arguments: inflaters) func multipleMembersMixingSystemGzipAndEncoder(inflater: GzipInflater) throws {
        let folder = try TemporaryFolder()
        let first = sampleText(lines: 3000, seed: 3)
        let second = sampleText(lines: 200, seed: 4)
        var file = try GzipEncoder().member(first)
        var expected = first
        if let gzip = systemGzipPath {
            let plainPath = try folder.write("second.csv", second)
            let member = try systemGzip(gzip, file: plainPath)
            #expect(member[3] & 0x08 != 0, "gzip -c stores the file name (FNAME)")
            file += member + member
            expected += second + second
        }
        file += try GzipEncoder().member(second)
        expected += second
        #expect(same(try Self.decompress(inflater, file), expected))
        #expect(same(try Self.decompress(inflater, file, rawReadSize: 3), expected))
    }

    @Test(arguments: inflaters) func optionalHeaderFieldsAndHeaderCRC(inflater: GzipInflater) throws {
        let content = sampleText(lines: 50)
        for headerCRC in [false, true] {
            let member = try Self.memberWithOptionalFields(content, headerCRC: headerCRC)
            for readSize in [1, 2, 5, Int.max] {
                #expect(same(try Self.decompress(inflater, member + member, rawReadSize: readSize), content + content))
            }
        }
        let bad = try Self.memberWithOptionalFields(content, headerCRC: true, corruptHeaderCRC: true)
        guard case .gzipCorrupt(_, let offset, let reason)? = Self.decompressError(inflater, bad, rawReadSize: 1) else {
            Issue.record("expected gzipCorrupt")
            return
        }
        #expect(reason.contains("header CRC16"))
        #expect(offset == 10 + 8 + 10 + 10)  // fixed + extra + name + comment
    }

    @Test(arguments: inflaters) func emptyFileIsEmptyStream(inflater: GzipInflater) throws {
        let source = try GzipByteSource(raw: MemorySource([]), path: Self.path, inflater: inflater)
        #expect(try readAll(source).isEmpty)
        #expect(source.membersRead == 0)
    }

    @Test(arguments: inflaters) func emptyMembers(inflater: GzipInflater) throws {
        let empty = try GzipEncoder().member([UInt8]())
        #expect(try Self.decompress(inflater, empty).isEmpty)
        let content = sampleText(lines: 10)
        let file = empty + (try GzipEncoder().member(content)) + empty + empty
        #expect(same(try Self.decompress(inflater, file, rawReadSize: 4), content))
    }

    @Test(arguments: inflaters) func truncationAtEveryOffsetIsReportedWithOffset(inflater: GzipInflater) throws {
        let first = try GzipEncoder().member(sampleText(lines: 20, seed: 5))
        let second = try GzipEncoder().member(sampleText(lines: 20, seed: 6))
        let file = first + second
        for cut in 1..<file.count where cut != first.count {
            let memberStart = cut < first.count ? 0 : first.count
            let local = cut - memberStart
            let memberLength = cut < first.count ? first.count : second.count
            let expectedPart: GzipMemberPart = local < 10 ? .header : (local < memberLength - 8 ? .compressedData : .trailer)
            for readSize in [1, 64, Int.max] {
                let error = Self.decompressError(inflater, Array(file[0..<cut]), rawReadSize: readSize)
                #expect(error == .gzipTruncated(path: Self.path, offset: Int64(cut),
                                                memberOffset: Int64(memberStart), part: expectedPart),
                        "cut at \(cut) of \(file.count), reads of \(readSize)")
            }
        }
    }

    @Test(arguments: inflaters) func crcMismatchIsItsOwnError(inflater: GzipInflater) throws {
        var file = try GzipEncoder().member(sampleText(lines: 100))
        file[file.count - 8] ^= 0x01
        let error = Self.decompressError(inflater, file)
        guard case .gzipCRCMismatch(_, let offset, let stored, let computed)? = error else {
            Issue.record("expected gzipCRCMismatch, got \(String(describing: error))")
            return
        }
        #expect(offset == Int64(file.count - 8))
        #expect(stored ^ computed == 1)
    }

    @Test(arguments: inflaters) func lengthMismatchIsItsOwnError(inflater: GzipInflater) throws {
        let content = sampleText(lines: 100)
        var file = try GzipEncoder().member(content)
        file[file.count - 1] ^= 0x80
        #expect(Self.decompressError(inflater, file) == .gzipLengthMismatch(
            path: Self.path, offset: Int64(file.count - 4),
            stored: UInt32(content.count) ^ 0x8000_0000, computed: UInt32(content.count)))
    }

    @Test(arguments: inflaters) func corruptDeflateBlockType(inflater: GzipInflater) throws {
        var file = try GzipEncoder().member(sampleText(lines: 100))
        file[10] = 0xff  // BTYPE 11 is reserved
        guard case .gzipCorrupt(let path, let offset, _)? = Self.decompressError(inflater, file) else {
            Issue.record("expected gzipCorrupt")
            return
        }
        #expect(path == Self.path)
        // ISA-L reads its input 8 bytes at a time: it notices up to 8 bytes later.
        #expect(offset >= 10 && offset <= (inflater == .isal ? 20 : 12))
    }

    @Test(arguments: inflaters) func corruptBodyBytesNeverPassSilently(inflater: GzipInflater) throws {
        let content = sampleText(lines: 400)
        let file = try GzipEncoder().member(content)
        for position in stride(from: 11, to: file.count - 8, by: 37) {
            var damaged = file
            damaged[position] ^= 0x55
            let error = Self.decompressError(inflater, damaged)
            switch error {
            case .gzipCorrupt?, .gzipCRCMismatch?, .gzipLengthMismatch?, .gzipTruncated?, .gzipTrailingData?:
                break
            default:
                Issue.record("damage at \(position) gave \(String(describing: error))")
            }
        }
    }

    @Test(arguments: inflaters) func trailingGarbageIsAnError(inflater: GzipInflater) throws {
        let content = sampleText(lines: 30)
        let member = try GzipEncoder().member(content)
        #expect(Self.decompressError(inflater, member + Array("hello".utf8))
                == .gzipTrailingData(path: Self.path, offset: Int64(member.count)))
        // Zero padding alone is accepted …
        #expect(same(try Self.decompress(inflater, member + [UInt8](repeating: 0, count: 1000), rawReadSize: 100), content))
        // … but not zero padding followed by something else.
        #expect(Self.decompressError(inflater, member + [0, 0, 0, 7])
                == .gzipTrailingData(path: Self.path, offset: Int64(member.count + 3)))
        // A lone 1f after a member is the start of a truncated member.
        #expect(Self.decompressError(inflater, member + [0x1f])
                == .gzipTruncated(path: Self.path, offset: Int64(member.count + 1),
                                  memberOffset: Int64(member.count), part: .header))
        guard case .gzipCorrupt(_, let offset, _)? = Self.decompressError(inflater, member + [0x1f, 0x00, 0x08]) else {
            Issue.record("expected gzipCorrupt for a bad second magic")
            return
        }
        #expect(offset == Int64(member.count))
    }

    @Test(arguments: inflaters) func nonGzipInputIsRejectedAtOffsetZero(inflater: GzipInflater) throws {
        guard case .gzipCorrupt(_, let offset, let reason)? = Self.decompressError(inflater, Array("a,b,c\n".utf8)) else {
            Issue.record("expected gzipCorrupt")
            return
        }
        #expect(offset == 0)
        #expect(reason.contains("magic"))
        var wrongMethod = try GzipEncoder().member([1, 2, 3])
        wrongMethod[2] = 7
        #expect(Self.decompressError(inflater, wrongMethod) == .gzipCorrupt(
            path: Self.path, offset: 2, reason: "unknown compression method 7 (only 8, deflate, exists)"))
    }

    @Test(arguments: inflaters) func errorsRepeatOnLaterReads(inflater: GzipInflater) throws {
        let member = try GzipEncoder().member(sampleText(lines: 10))
        let source = try GzipByteSource(raw: MemorySource(Array(member.dropLast(3))), path: Self.path, inflater: inflater)
        let first = flowIOError { _ = try readAll(source) }
        let second = flowIOError { _ = try readAll(source) }
        #expect(first != nil)
        #expect(first == second)
        #expect(source.rawFingerprint == nil)
    }

    @Test(arguments: inflaters) func storedFixedAndDynamicBlocksAcrossEveryReadSize(inflater: GzipInflater) throws {
        // Level 0 writes stored blocks, a short member fixed-Huffman ones, the others dynamic
        // ones; raw reads of odd sizes end input buffers anywhere, also inside a trailer
        // that ISA-L has already read into its bit buffer.
        let parts = [sampleText(lines: 3000, seed: 3), Array("x\n".utf8), noiseBytes(count: 100_000), sampleText(lines: 50, seed: 4)]
        var file: [UInt8] = []
        for (k, part) in parts.enumerated() { file += try GzipEncoder(level: [0, 1, 6, 9][k]).member(part) }
        for readSize in [1, 3, 8, 9, 8191, Int.max] {
            #expect(same(try Self.decompress(inflater, file, rawReadSize: readSize, bufferSize: 5000), parts.flatMap { $0 }),
                    "reads of \(readSize)")
        }
    }

    @Test(.enabled(if: IsalLibrary.shared != nil,
                   "ISA-L (libisal.so.2) is not installed here: the gzip tests ran on zlib only"))
    func isalIsTestedWhenInstalled() throws {
        #expect(Self.inflaters == [.zlib, .isal])
        // Asking for ISA-L gets it; asking for zlib gets zlib.
        let member = try GzipEncoder().member(sampleText(lines: 10))
        #expect(try GzipByteSource(raw: MemorySource(member), path: Self.path, inflater: .isal).inflater == .isal)
        #expect(try GzipByteSource(raw: MemorySource(member), path: Self.path, inflater: .zlib).inflater == .zlib)
    }

    @Test func errorMessagesNameFileAndOffset() {
        let message = FlowIOError.gzipTruncated(path: "/data/x.gz", offset: 1234, memberOffset: 1000, part: .trailer)
            .description
        #expect(message.contains("/data/x.gz"))
        #expect(message.contains("1234"))
        #expect(message.contains("trailer"))
    }
}
