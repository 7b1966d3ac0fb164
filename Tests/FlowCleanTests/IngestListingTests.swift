import FlowColumnar
import FlowCore
import FlowIO
import Foundation
import Testing
@testable import FlowClean
import FlowTestSupport

/// floe-clean reads exactly the files an ingest folder's manifest lists: no hidden file is
/// skipped, no stray file is added, and a listed file that is missing fails the run.
@Suite struct IngestListingTests {
    func engine() -> CleanEngine { CleanEngine(config: testConfig(), toolVersion: "test") }

    func writeManifest(_ folder: String, outputs: [[String]]) throws {
        let inputs = outputs.map { list in
            "{\"path\":\"x\",\"status\":\"ok\",\"outputs\":[" + list.map { "\"\($0)\"" }.joined(separator: ",") + "],\"extra\":1}"
        }
        let text = "{\"tool\":\"floe-ingest\",\"inputs\":[" + inputs.joined(separator: ",") + "]}"
        try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/manifest.json"))
    }

    @Test func listedHiddenFilesAreReadAndUnlistedFilesAreNot() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let raw = tmp.sub("raw")
        try writeRaw((0..<3).map { flow(start: t0 + Int64($0), srcPort: UInt16(100 + $0)) }, to: raw + "/.part1.csv-00000001.arrow")
        try writeRaw((0..<2).map { flow(start: t0 + 10 + Int64($0), srcPort: UInt16(200 + $0)) }, to: raw + "/part2.csv-00000002.arrow")
        try writeRaw([flow(start: t0 + 50, srcPort: 999)], to: raw + "/stray.arrow")
        try writeManifest(raw, outputs: [[".part1.csv-00000001.arrow"], [], ["part2.csv-00000002.arrow"]])
        #expect(try CleanEngine.inputFiles([raw]) == [raw + "/.part1.csv-00000001.arrow", raw + "/part2.csv-00000002.arrow"])
        let m = try engine().run(inputs: [raw], output: tmp.path + "/flows")
        #expect(m.totals.counts.rowsIn == 5)
        #expect(m.totals.counts.rowsOut == 5)
        #expect(m.failedInputs.isEmpty)
    }

    /// A bundle shared by several tiny inputs is listed by each of them and read once.
    @Test func aFileListedByManyInputsIsReadOnce() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let raw = tmp.sub("raw")
        try writeRaw((0..<4).map { flow(start: t0 + Int64($0), srcPort: UInt16(100 + $0)) }, to: raw + "/bundle+a.csv-00000001.arrow")
        try writeRaw([flow(start: t0 + 20, srcPort: 300)], to: raw + "/b.csv-00000002.arrow")
        try writeManifest(raw, outputs: [["bundle+a.csv-00000001.arrow"], ["bundle+a.csv-00000001.arrow"], [],
                                         ["b.csv-00000002.arrow"], ["bundle+a.csv-00000001.arrow"]])
        #expect(try CleanEngine.inputFiles([raw]) == [raw + "/bundle+a.csv-00000001.arrow", raw + "/b.csv-00000002.arrow"])
        let m = try engine().run(inputs: [raw], output: tmp.path + "/flows")
        #expect(m.totals.counts.rowsIn == 5)
        #expect(m.totals.counts.rowsOut == 5)
    }

    @Test func aListedFileThatIsMissingFailsTheInput() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let raw = tmp.sub("raw")
        try writeRaw([flow(start: t0 + 1)], to: raw + "/a.arrow")
        try writeManifest(raw, outputs: [["a.arrow", "gone.arrow"]])
        let m = try engine().run(inputs: [raw], output: tmp.path + "/flows")
        #expect(m.failedInputs.map(\.path) == [raw + "/gone.arrow"])
    }

    @Test func anUnreadableManifestStopsTheRun() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let raw = tmp.sub("raw")
        try writeRaw([flow(start: t0 + 1)], to: raw + "/a.arrow")
        try Data("{\"inputs\": 3}".utf8).write(to: URL(fileURLWithPath: raw + "/manifest.json"))
        #expect(throws: CleanError.self) { try engine().run(inputs: [raw], output: tmp.path + "/flows") }
        try writeManifest(raw, outputs: [["../escape.arrow"]])
        #expect(throws: CleanError.self) { try CleanEngine.inputFiles([raw]) }
    }

    /// Without a manifest (Arrow files put there by hand) every `*.arrow` file is read,
    /// hidden ones included.
    @Test func aFolderWithoutManifestGivesEveryArrowFile() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let raw = tmp.sub("raw")
        try writeRaw([flow(start: t0 + 1)], to: raw + "/b.arrow")
        try writeRaw([flow(start: t0 + 2)], to: raw + "/.a.arrow")
        #expect(try CleanEngine.inputFiles([raw]) == [raw + "/.a.arrow", raw + "/b.arrow"])
    }
}
