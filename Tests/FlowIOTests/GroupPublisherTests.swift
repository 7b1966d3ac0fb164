import Foundation
import Testing
@testable import FlowIO

@Suite struct GroupPublisherTests {
    /// A finished temporary file in `folder` for `name`, as a writer leaves it.
    static func temporary(_ folder: TemporaryFolder, _ name: String, _ bytes: [UInt8]) throws -> GroupPublisher<Int>.File {
        let path = folder.path + "/" + name
        let temporary = try AtomicFile.temporaryPath(for: path)
        #expect(FileManager.default.createFile(atPath: temporary, contents: Data(bytes)))
        return (temporary, path)
    }

    @Test func publishesEveryFileAndReturnsTagsInOrder() throws {
        let folder = try TemporaryFolder()
        let publisher = GroupPublisher<Int>(folder: folder.path, capacity: 4)
        var tags: [Int] = []
        for k in 0..<50 {
            // Every third item has no file; it still comes back in its place.
            let file = k % 3 == 0 ? nil : try Self.temporary(folder, "f\(k)", [UInt8(k)])
            try publisher.add(file, tag: k)
            tags += try publisher.takePublished()
        }
        tags += try publisher.finish()
        #expect(tags == Array(0..<50))
        let names = (0..<50).filter { $0 % 3 != 0 }.map { "f\($0)" }.sorted()
        #expect(try folder.entries() == names)
        for k in 0..<50 where k % 3 != 0 {
            #expect(try AtomicFileTests.contents(folder.path + "/f\(k)") == [UInt8(k)])
        }
        // Finishing twice and abandoning afterwards change nothing.
        #expect(try publisher.finish().isEmpty)
        publisher.abandon()
        #expect(try folder.entries() == names)
    }

    @Test func failedPublicationIsThrownAndLeavesNoTemporaries() throws {
        let folder = try TemporaryFolder()
        let publisher = GroupPublisher<Int>(folder: folder.path, capacity: 1000)
        // The rename into a missing subfolder fails.
        let bad = try Self.temporary(folder, "bad", [1])
        try publisher.add((bad.temporary, folder.path + "/missing/bad"), tag: 0)
        var caught: Error?
        do {
            for k in 1..<20 {
                try publisher.add(try Self.temporary(folder, "f\(k)", [2]), tag: k)
                _ = try publisher.takePublished()
            }
            _ = try publisher.finish()
        } catch {
            caught = error
        }
        guard case .writeFailed? = caught as? FlowIOError else {
            Issue.record("expected writeFailed, got \(String(describing: caught))")
            return
        }
        publisher.abandon()
        // Files published before the failure stay; no temporary is left.
        #expect(try folder.entries().allSatisfy { !$0.hasPrefix(".") })
    }

    @Test func abandonRemovesWhatIsStillQueued() throws {
        let folder = try TemporaryFolder()
        let publisher = GroupPublisher<Int>(folder: folder.path, capacity: 1000)
        for k in 0..<30 { try publisher.add(try Self.temporary(folder, "f\(k)", [3]), tag: k) }
        publisher.abandon()
        // Whatever was published is complete; nothing else is left.
        #expect(try folder.entries().allSatisfy { !$0.hasPrefix(".") })
    }
}

/// A file shared by several inputs is published once, with all their tags, in its place.
@Suite struct GroupPublisherSharedFileTests {
    @Test func aSharedFileCarriesEveryTagInOrder() throws {
        let folder = try TemporaryFolder()
        let publisher = GroupPublisher<Int>(folder: folder.path, capacity: 2)
        var tags: [Int] = []
        try publisher.add(try GroupPublisherTests.temporary(folder, "own0", [0]), tag: 0)
        try publisher.add(try GroupPublisherTests.temporary(folder, "shared", [1, 2, 3]), tags: [1, 2, 3])
        try publisher.add(nil, tags: [4, 5])
        try publisher.add(try GroupPublisherTests.temporary(folder, "own6", [6]), tag: 6)
        tags += try publisher.takePublished()
        tags += try publisher.finish()
        #expect(tags == Array(0...6))
        #expect(try folder.entries() == ["own0", "own6", "shared"])
        #expect(try AtomicFileTests.contents(folder.path + "/shared") == [1, 2, 3])
    }
}
