import Foundation
import Testing
@testable import FlowIO

@Suite struct InputDiscoveryTests {
    /// root/
    ///   a.csv, b.csv.gz, .hidden.csv, notes.txt
    ///   day1/x.csv, day1/y.log, day1/deep/z.csv, day1/.git/config
    ///   .cache/c.csv
    static func makeTree() throws -> TemporaryFolder {
        let folder = try TemporaryFolder()
        for name in ["a.csv", "b.csv.gz", ".hidden.csv", "notes.txt", "day1/x.csv", "day1/y.log",
                     "day1/deep/z.csv", "day1/.git/config", ".cache/c.csv"] {
            try folder.write(name, Array(name.utf8))
        }
        return folder
    }

    @Test func folderIsWalkedRecursivelySkippingHidden() throws {
        let tree = try Self.makeTree()
        let root = tree.path
        #expect(try InputDiscovery.expand([root]) == [
            "\(root)/a.csv", "\(root)/b.csv.gz", "\(root)/day1/deep/z.csv", "\(root)/day1/x.csv",
            "\(root)/day1/y.log", "\(root)/notes.txt",
        ])
        #expect(try InputDiscovery.expand([root + "/"]).first == "\(root)/a.csv")
    }

    @Test func explicitFilesAreKeptEvenIfHidden() throws {
        let tree = try Self.makeTree()
        #expect(try InputDiscovery.expand([tree.path + "/.hidden.csv"]) == [tree.path + "/.hidden.csv"])
    }

    @Test func globsExpandAndSkipHidden() throws {
        let tree = try Self.makeTree()
        let root = tree.path
        #expect(try InputDiscovery.expand([root + "/*.csv"]) == ["\(root)/a.csv"])
        #expect(try InputDiscovery.expand([root + "/*.csv*"]) == ["\(root)/a.csv", "\(root)/b.csv.gz"])
        // A glob matching a folder expands that folder.
        #expect(try InputDiscovery.expand([root + "/day?"]) == [
            "\(root)/day1/deep/z.csv", "\(root)/day1/x.csv", "\(root)/day1/y.log",
        ])
    }

    @Test func doubleStarMatchesAnyDepth() throws {
        let tree = try Self.makeTree()
        let root = tree.path
        #expect(try InputDiscovery.expand([root + "/**/*.csv"]) == [
            "\(root)/a.csv", "\(root)/day1/deep/z.csv", "\(root)/day1/x.csv",
        ])
        #expect(try InputDiscovery.expand([root + "/**/deep/*"]) == ["\(root)/day1/deep/z.csv"])
        #expect(try InputDiscovery.expand([root + "/day1/**"]) == [
            "\(root)/day1/deep/z.csv", "\(root)/day1/x.csv", "\(root)/day1/y.log",
        ])
    }

    @Test func resultIsSortedAndDeduplicated() throws {
        let tree = try Self.makeTree()
        let root = tree.path
        let found = try InputDiscovery.expand([root + "/notes.txt", root + "/day1", root + "/*.csv", root + "/a.csv", root])
        #expect(found == found.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        #expect(Set(found).count == found.count)
        #expect(found.count == 6)
    }

    @Test func symlinksToFilesCountOnceAndFolderLinksAreNotFollowed() throws {
        let tree = try Self.makeTree()
        let root = tree.path
        try FileManager.default.createSymbolicLink(atPath: root + "/link.csv", withDestinationPath: root + "/a.csv")
        try FileManager.default.createSymbolicLink(atPath: root + "/day1/loop", withDestinationPath: root)
        let found = try InputDiscovery.expand([root])
        // link.csv and a.csv are the same file: the first path in byte order is kept.
        #expect(found.contains("\(root)/a.csv"))
        #expect(!found.contains("\(root)/link.csv"))
        #expect(!found.contains { $0.contains("/loop/") })
    }

    @Test func specMatchingNothingIsAnErrorNamingIt() throws {
        let tree = try Self.makeTree()
        let missing = tree.path + "/nope.csv"
        #expect(flowIOError({ _ = try InputDiscovery.expand([tree.path, missing]) }) == .noInputMatched(spec: missing))
        let noMatch = tree.path + "/*.parquet"
        #expect(flowIOError({ _ = try InputDiscovery.expand([noMatch]) }) == .noInputMatched(spec: noMatch))
        // A hidden folder named explicitly is walked (only its own hidden entries are skipped).
        let hiddenFolder = tree.path + "/.cache"
        #expect(try InputDiscovery.expand([hiddenFolder]) == [hiddenFolder + "/c.csv"])
        try FileManager.default.createDirectory(atPath: tree.path + "/void", withIntermediateDirectories: false)
        #expect(flowIOError({ _ = try InputDiscovery.expand([tree.path + "/void"]) })
                == .noInputMatched(spec: tree.path + "/void"))
    }

    @Test func matchesNamesFilesAndFoldersWithoutWalking() throws {
        let tree = try Self.makeTree()
        let root = tree.path
        #expect(try InputDiscovery.matches(of: root + "/day1") == [root + "/day1"])
        #expect(try InputDiscovery.matches(of: root + "/.hidden.csv") == [root + "/.hidden.csv"])
        #expect(try InputDiscovery.matches(of: root + "/*") == [
            "\(root)/a.csv", "\(root)/b.csv.gz", "\(root)/day1", "\(root)/notes.txt",
        ])
        #expect(try InputDiscovery.matches(of: root + "/**/*.csv") == [
            "\(root)/a.csv", "\(root)/day1/deep/z.csv", "\(root)/day1/x.csv",
        ])
        // Nothing matched is an empty list, not an error.
        #expect(try InputDiscovery.matches(of: root + "/nope.csv") == [])
        #expect(try InputDiscovery.matches(of: root + "/*.parquet") == [])
    }
}
