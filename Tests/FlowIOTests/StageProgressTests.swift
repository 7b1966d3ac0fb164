import Foundation
import Testing
@testable import FlowIO

@Suite struct StageProgressTests {
    let path = NSTemporaryDirectory() + "floe-progress-\(UUID().uuidString).json"

    @Test func meterWritesWhatAReaderDecodes() throws {
        defer { unlink(path) }
        let meter = StageProgress(path: path, interval: 0)
        #expect(StageProgressSnapshot.read(path: path) == nil)
        meter.setTotal(1_000, unit: "bytes")
        meter.addRows(40)
        meter.setDone(250)
        meter.setDone(100)  // never backwards
        meter.addDone(50)
        let read = try #require(StageProgressSnapshot.read(path: path))
        #expect(read == StageProgressSnapshot(rows: 40, done: 300, total: 1_000, unit: "bytes"))
        #expect(read.fraction == 0.3)
        // No temporary file is left beside it.
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix(name + ".tmp") }.isEmpty)
    }

    @Test func updatesAreThrottledUntilFlush() throws {
        defer { unlink(path) }
        let meter = StageProgress(path: path, interval: 3_600)
        meter.addRows(1)   // first update writes (nothing written before)
        meter.addRows(10)  // within the interval: kept in memory only
        #expect(StageProgressSnapshot.read(path: path)?.rows == 1)
        #expect(meter.current.rows == 11)
        meter.flush()
        #expect(StageProgressSnapshot.read(path: path)?.rows == 11)
    }

    @Test func environmentNamesTheFile() {
        #expect(StageProgress.fromEnvironment([:]) == nil)
        #expect(StageProgress.fromEnvironment([StageProgress.environmentKey: ""]) == nil)
        #expect(StageProgress.fromEnvironment([StageProgress.environmentKey: path])?.path == path)
        #expect(StageProgressSnapshot(rows: 1).fraction == nil)
    }
}
