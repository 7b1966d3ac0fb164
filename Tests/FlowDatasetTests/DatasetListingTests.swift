import FlowColumnar
import FlowCore
import FlowDataset
import FlowIO
import Foundation
import Testing

/// A fresh folder under the temporary directory.
func freshFolder(_ name: String) throws -> String {
    let path = NSTemporaryDirectory() + "floe-dataset-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func write(_ text: String, _ path: String) throws {
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
}

@Suite struct DatasetLayoutTests {
    @Test func partitionFolderNamesRoundTrip() {
        let day = CivilTime.parseDate("2026-11-03")!
        #expect(DatasetLayout.partitionFolder(day: day) == "date=2026-11-03")
        #expect(DatasetLayout.day(ofPartitionFolder: "date=2026-11-03") == day)
        #expect(DatasetLayout.day(ofPartitionFolder: "date=2026-13-01") == nil)
        #expect(DatasetLayout.day(ofPartitionFolder: ".date=2026-11-03.tmp-12") == nil)
        #expect(DatasetLayout.day(ofPartitionFolder: "manifest.json") == nil)
        #expect(DatasetLayout.partFile(0) == "part-00000.arrow")
        #expect(DatasetLayout.partFile(42) == "part-00042.arrow")
        #expect(DatasetLayout.isDataFile("part-00000.arrow"))
        #expect(!DatasetLayout.isDataFile(".part-00000.arrow.tmp"))
        #expect(!DatasetLayout.isDataFile(".part-00000.arrow"))
        #expect(!DatasetLayout.isDataFile("coverage.json"))
    }

    @Test func daySelection() {
        let range = DaySelection(from: 10, to: 12)
        #expect(!range.contains(9) && range.contains(10) && range.contains(12) && !range.contains(13))
        #expect(DaySelection(from: 10).contains(1_000) && !DaySelection(to: 5).contains(6))
        let list = DaySelection(days: [3, 7])
        #expect(list.contains(3) && list.contains(7) && !list.contains(5))
        #expect(DaySelection.all.contains(.min) && DaySelection.day(4) == DaySelection(from: 4, to: 4))
    }
}

@Suite struct DatasetListingTests {
    /// Three days out of order on disk, a hidden temporary, a non-data file, a stray folder.
    func makeDataset() throws -> String {
        let root = try freshFolder("listing")
        try write("b", root + "/date=2026-11-02/part-00001.arrow")
        try write("a", root + "/date=2026-11-02/part-00000.arrow")
        try write("tmp", root + "/date=2026-11-02/.part-00002.arrow")
        try write("{}", root + "/date=2026-11-02/coverage.json")
        try write("c", root + "/date=2026-11-01/part-00000.arrow")
        try write("d", root + "/date=2026-11-04/part-00000.arrow")
        try FileManager.default.createDirectory(atPath: root + "/date=2026-11-03", withIntermediateDirectories: true)
        try write("x", root + "/.date=2026-11-05.tmp-1/part-00000.arrow")
        try write("x", root + "/notes/part-00000.arrow")
        try write("{}", root + "/manifest.json")
        return root
    }

    @Test func listsPartitionsByDayAndDataFilesByName() throws {
        let root = try makeDataset()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let listing = try DatasetListing(root: root)
        let d1 = CivilTime.parseDate("2026-11-01")!
        #expect(listing.partitions.map(\.day) == [d1, d1 + 1, d1 + 2, d1 + 3])
        #expect(listing.days == [d1, d1 + 1, d1 + 3])
        #expect(listing.files.map(\.relativePath) == [
            "date=2026-11-01/part-00000.arrow", "date=2026-11-02/part-00000.arrow",
            "date=2026-11-02/part-00001.arrow", "date=2026-11-04/part-00000.arrow",
        ])
        #expect(listing.files.allSatisfy { $0.path == root + "/" + $0.relativePath && $0.bytes == 1 })
    }

    @Test func selectsDaysWithoutListingAgain() throws {
        let root = try makeDataset()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let d1 = CivilTime.parseDate("2026-11-01")!
        let whole = try DatasetListing(root: root)
        let range = try DatasetListing(root: root, selection: DaySelection(from: d1 + 1, to: d1 + 2))
        #expect(range.partitions == whole.selecting(DaySelection(from: d1 + 1, to: d1 + 2)).partitions)
        #expect(range.days == [d1 + 1])
        // A new day written after the listing is not seen by its selections.
        try write("e", root + "/date=2026-11-05/part-00000.arrow")
        #expect(whole.selecting(.day(d1 + 4)).files.isEmpty)
        #expect(try DatasetListing(root: root).selecting(.day(d1 + 4)).files.count == 1)
    }

    @Test func emptySelectionsAndMissingFolders() throws {
        let root = try makeDataset()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let empty = try DatasetListing(root: root, selection: .day(CivilTime.parseDate("2026-11-03")!))
        #expect(empty.files.isEmpty && empty.days.isEmpty)
        #expect(throws: DatasetError.noFiles(path: root)) { try empty.requireFiles() }
        #expect(throws: DatasetError.noFolder(path: root + "/nope")) { try DatasetListing(root: root + "/nope") }
        #expect(throws: DatasetError.noFolder(path: root + "/manifest.json")) { try DatasetListing(root: root + "/manifest.json") }
        #expect(DatasetError.noFolder(path: "/d").description.hasPrefix("/d: no such dataset folder"))
    }

    @Test func eachFileIsHashedOncePerListing() throws {
        let root = try makeDataset()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let listing = try DatasetListing(root: root)
        let entry = listing.files[0]
        let first = try listing.fingerprint(of: entry)
        #expect(first == Fingerprint(xxh64: XXH64.hash(Array("c".utf8))))
        // The file changes after it was hashed: this listing and its selections keep the
        // fingerprint they computed (the file is not read again); a new listing sees the change.
        try write("changed", entry.path)
        #expect(try listing.fingerprint(of: entry) == first)
        #expect(try listing.selecting(.day(entry.day)).recordedFiles()[0].fingerprint == first)
        #expect(try DatasetListing(root: root).recordedFiles()[0].fingerprint == Fingerprint(xxh64: XXH64.hash(Array("changed".utf8))))
        let recorded = try listing.recordedFiles()
        #expect(recorded.map(\.path) == listing.files.map(\.path))
        #expect(recorded[1].fingerprint == Fingerprint(xxh64: XXH64.hash(Array("a".utf8))))
    }

    @Test func recordedCoverageIsReadPerDay() throws {
        let root = try makeDataset()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let d1 = CivilTime.parseDate("2026-11-01")!
        let coverage = PartitionCoverage(spans: [.init(input: "raw/a.arrow", firstStart: 5, lastStart: 9, rows: 3)])
        let folder = root + "/" + DatasetLayout.partitionFolder(day: d1)
        try JSONEncoder().encode(coverage).write(to: URL(fileURLWithPath: PartitionCoverage.path(inPartitionFolder: folder)))
        let listing = try DatasetListing(root: root)
        #expect(listing.recordedCoverage(days: [d1]) == [coverage])
        // Day 2 holds an unreadable coverage.json, day 4 none: nothing is half-recorded.
        #expect(listing.recordedCoverage(days: [d1, d1 + 1]) == nil)
        #expect(listing.recordedCoverage(days: [d1, d1 + 3]) == nil)
    }

    @Test func missingColumnsNameTheFileAndColumn() throws {
        let root = try freshFolder("columns")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/" + DatasetLayout.partitionFolder(day: 0) + "/" + DatasetLayout.partFile(0)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        var batch = FlowBatch()
        var record = FlowRecord()
        record.start = 1
        record.end = 2
        batch.append(record)
        let writer = try FlowArrowWriter(path: path)
        try writer.write(batch)
        try writer.finish()
        let reader = try ArrowFileReader(path: path)
        let names = DatasetColumnNames()
        #expect(try reader.datasetColumn(names.start) == FlowSchema.fields.firstIndex { $0.name == "start" })
        #expect(throws: DatasetError.missingColumn(path: path, column: names.service)) { try reader.datasetColumn(names.service) }
        // Every name the readers use is a column floe-clean writes.
        for name in [names.start, names.end, names.sourceAddress, names.destinationAddress, names.sourcePort, names.destinationPort,
                     names.proto, names.tcpFlags, names.packets, names.bytes, names.reverseBytes, names.samplingRate,
                     names.direction, names.durationMillis, names.servicePort, names.service, names.hourOfDay,
                     names.dayOfWeek, names.packetsScaled, names.bytesScaled] {
            #expect(DatasetSchema.index(of: name) != nil, "\(name)")
        }
    }
}
