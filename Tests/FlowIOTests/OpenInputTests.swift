import Testing
@testable import FlowIO

@Suite struct OpenInputTests {
    @Test func plainFileIsReadAsIs() throws {
        let folder = try TemporaryFolder()
        let content = sampleText(lines: 5000)
        // The name says gzip, the bytes do not: the bytes decide.
        let path = try folder.write("flows.csv.gz", content)
        let input = try openInput(path: path)
        #expect(input.compression == .none)
        #expect(input.fileSize == Int64(content.count))
        #expect(input.rawFingerprint == nil)
        #expect(same(try readAll(input.source, bufferSize: 1000), content))
        #expect(input.rawBytesConsumed == Int64(content.count))
        #expect(input.rawFingerprint == Fingerprint(xxh64: XXH64.hash(content)))
    }

    @Test func gzipFileIsDetectedByMagic() throws {
        let folder = try TemporaryFolder()
        let content = sampleText(lines: 5000)
        let compressed = try GzipEncoder().member(content) + GzipEncoder().member(content)
        let path = try folder.write("flows.csv", compressed)
        let input = try openInput(path: path)
        #expect(input.compression == .gzip)
        #expect(input.fileSize == Int64(compressed.count))
        #expect(same(try readAll(input.source), content + content))
        #expect(input.rawBytesConsumed == Int64(compressed.count))
        // The fingerprint is of the bytes on disk, not of the content.
        #expect(input.rawFingerprint == Fingerprint(xxh64: XXH64.hash(compressed)))
    }

    @Test func emptyAndOneByteFiles() throws {
        let folder = try TemporaryFolder()
        let empty = try openInput(path: try folder.write("empty", []))
        #expect(empty.compression == .none)
        #expect(try readAll(empty.source).isEmpty)
        #expect(empty.rawFingerprint == Fingerprint(xxh64: 0xEF46_DB37_51D8_E999))
        let lone = try openInput(path: try folder.write("lone", [0x1f]))
        #expect(lone.compression == .none)
        #expect(same(try readAll(lone.source), [0x1f]))
    }

    @Test func truncatedGzipFileErrorNamesPath() throws {
        let folder = try TemporaryFolder()
        let compressed = try GzipEncoder().member(sampleText(lines: 100))
        let path = try folder.write("cut.gz", Array(compressed.dropLast(5)))
        let input = try openInput(path: path)
        let error = flowIOError { _ = try readAll(input.source) }
        #expect(error == .gzipTruncated(path: path, offset: Int64(compressed.count - 5), memberOffset: 0, part: .trailer))
    }

    @Test func missingFileAndFolderCannotBeOpened() throws {
        let folder = try TemporaryFolder()
        guard case .cannotOpen(let path, _)? = flowIOError({ _ = try openInput(path: folder.path + "/nope") }) else {
            Issue.record("expected cannotOpen for a missing file")
            return
        }
        #expect(path == folder.path + "/nope")
        #expect(flowIOError({ _ = try openInput(path: folder.path) })
                == .cannotOpen(path: folder.path, reason: "not a regular file"))
    }
}
