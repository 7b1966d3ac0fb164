import Foundation
import Testing
@testable import FlowIO

@Suite struct AtomicFileTests {
    static func contents(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    @Test func commitWritesAndLeavesNoTemporary() throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/out.arrow"
        let file = try AtomicFile(path: path)
        let temporaryName = (file.temporaryPath as NSString).lastPathComponent
        #expect(temporaryName.hasPrefix(".out.arrow.tmp-\(getpid())-"))
        #expect((file.temporaryPath as NSString).deletingLastPathComponent == folder.path)
        try file.write([1, 2, 3])
        try file.write(Array(repeating: 9, count: 100_000))
        #expect(file.bytesWritten == 100_003)
        // Before commit the final name does not exist yet.
        #expect(try folder.entries() == [temporaryName])
        try file.commit()
        #expect(try folder.entries() == ["out.arrow"])
        #expect(try Self.contents(path) == [1, 2, 3] + Array(repeating: 9, count: 100_000))
    }

    @Test func replacesExistingFileAtomically() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("manifest.json", Array("old".utf8))
        let file = try AtomicFile(path: path)
        try file.write(Array("new content".utf8))
        // Until commit, readers still see the old file.
        #expect(try Self.contents(path) == Array("old".utf8))
        try file.commit()
        #expect(try Self.contents(path) == Array("new content".utf8))
        #expect(try folder.entries() == ["manifest.json"])
    }

    @Test func abortRemovesTemporaryAndKeepsOldFile() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("keep.txt", Array("old".utf8))
        let file = try AtomicFile(path: path)
        try file.write(Array("partial".utf8))
        file.abort()
        file.abort()
        #expect(try folder.entries() == ["keep.txt"])
        #expect(try Self.contents(path) == Array("old".utf8))
        #expect(flowIOError({ try file.write([1]) }) != nil)
        #expect(flowIOError({ try file.commit() }) != nil)
        #expect(try folder.entries() == ["keep.txt"])
    }

    @Test func droppingUncommittedFileRemovesTemporary() throws {
        let folder = try TemporaryFolder()
        do {
            let file = try AtomicFile(path: folder.path + "/never.txt")
            try file.write([1, 2, 3])
        }
        #expect(try folder.entries().isEmpty)
    }

    @Test func failedCommitLeavesNothingBehind() throws {
        let folder = try TemporaryFolder()
        // The final name is an existing non-empty folder: rename fails.
        try folder.write("target/inside.txt", [1])
        let file = try AtomicFile(path: folder.path + "/target")
        try file.write([1, 2, 3])
        guard case .writeFailed(let path, let reason)? = flowIOError({ try file.commit() }) else {
            Issue.record("expected writeFailed")
            return
        }
        #expect(path == folder.path + "/target")
        #expect(reason.contains("rename"))
        #expect(try folder.entries() == ["target"])
    }

    @Test func missingFolderIsAnError() throws {
        let folder = try TemporaryFolder()
        let error = flowIOError { try writeAtomically(path: folder.path + "/no/such/file", bytes: [1]) }
        guard case .writeFailed? = error else {
            Issue.record("expected writeFailed, got \(String(describing: error))")
            return
        }
        #expect(try folder.entries().isEmpty)
    }

    @Test func writeAtomicallyHelperAndRelativePath() throws {
        let folder = try TemporaryFolder()
        try writeAtomically(path: folder.path + "/a.bin", bytes: [7, 8])
        #expect(try Self.contents(folder.path + "/a.bin") == [7, 8])
        let file = try AtomicFile(path: "relative-name.txt")
        #expect(file.temporaryPath.hasPrefix(".relative-name.txt.tmp-"))
        file.abort()
        #expect(!FileManager.default.fileExists(atPath: file.temporaryPath))
    }

    @Test func temporaryNamesAreUnique() throws {
        let folder = try TemporaryFolder()
        let first = try AtomicFile(path: folder.path + "/same")
        let second = try AtomicFile(path: folder.path + "/same")
        #expect(first.temporaryPath != second.temporaryPath)
        try first.write([1])
        try second.write([2])
        try first.commit()
        try second.commit()
        #expect(try Self.contents(folder.path + "/same") == [2])
        #expect(try folder.entries() == ["same"])
    }
}

@Suite struct MappedFileTests {
    @Test func mapsWholeFile() throws {
        let folder = try TemporaryFolder()
        let content = noiseBytes(count: 123_457)
        let mapped = try MappedFile(path: try folder.write("data.bin", content))
        #expect(mapped.bytes.count == content.count)
        #expect(same(Array(mapped.bytes), content))
    }

    @Test func emptyAndMissingFiles() throws {
        let folder = try TemporaryFolder()
        let empty = try MappedFile(path: try folder.write("empty", []))
        #expect(empty.bytes.isEmpty)
        guard case .cannotOpen? = flowIOError({ _ = try MappedFile(path: folder.path + "/missing") }) else {
            Issue.record("expected cannotOpen")
            return
        }
    }
}
