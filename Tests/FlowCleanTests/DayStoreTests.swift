import FlowCore
import Foundation
import Testing
@testable import FlowClean
import FlowTestSupport

/// The day store counts the memory its chunks hold, not the rows in them: one row on
/// each of many days holds a chunk per day, and that must trigger a spill (a day count
/// that grows must not grow memory past the limit).
@Suite struct DayStoreTests {
    @Test func partlyFilledChunksCountAgainstTheSpillLimit() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let store = DayStore(scratchFolder: tmp.path, spillLimitRows: 3 * DayStore.chunkRows, threads: 1)
        var rows: [CleanRow] = []
        for day in 0..<10 {
            let r = flow(start: t0 + Int64(day) * 86_400_000, duration: 1_000, src: "10.0.0.1", dst: "198.51.100.7",
                         srcPort: 1234, dstPort: 443, proto: 6, flags: 0x1b, packets: 3, bytes: 300, exporter: nil)
            rows.append(CleanRow(r, input: 0, label: nil))
        }
        // One row per day, one add per day: three days' chunks reach the limit.
        for r in rows {
            try [r].withUnsafeBufferPointer { try store.add($0) }
            try store.spillIfFull()
        }
        #expect(store.spills == 3)
        #expect(store.heldRows <= 3 * DayStore.chunkRows)
        // Every row is still there, in order, per day.
        var total = 0
        for day in store.days {
            let (chunks, runs) = store.take(day: day)
            total += chunks.reduce(0) { $0 + $1.count } + runs.reduce(0) { $0 + $1.rowCount }
        }
        #expect(total == 10)
        #expect(store.heldRows == 0)
    }
}
