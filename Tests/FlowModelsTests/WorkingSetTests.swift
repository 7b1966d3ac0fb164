import FlowCore
import Foundation
import Testing
@testable import FlowDetection
@testable import FlowFeatures
@testable import FlowModels

/// The smaller working sets of training give the results of the whole-table passes they
/// replace: host profiles and host history a day at a time (`WindowSegments`, falling back
/// to one run when a day comes back), the graph's per-host medians by sorting, distinct
/// rows without an array per row.
@Suite struct WorkingSetTests {
    static let hour: Int64 = 3_600_000
    static let day: Int64 = 86_400_000

    /// Three days of flows among 6 hosts, rows in day order (as `FlowTable.load` reads the
    /// partitions), hosts reappearing across days and windows.
    static func threeDays() -> FlowTable {
        var flows: [(Int32, Int32, UInt64, Int64)] = []
        var x: UInt64 = 7
        for d in 0..<3 {
            for k in 0..<200 {
                x = x &* 6364136223846793005 &+ 1442695040888963407
                let s = Int32((x >> 33) % 6), t = Int32((x >> 40) % 6)
                let at = Int64(d) * day + Int64(k) * 431_000 + Int64((x >> 20) % 60_000)
                flows.append((s, s == t ? (t + 1) % 6 : t, 100 + (x >> 50), at))
            }
        }
        var t = table(flows, hosts: 6)
        for i in 0..<t.count where i % 3 == 0 { t.destinationPort[i] = Int32(20 + i % 7) }
        for i in 0..<t.count where i % 5 == 0 { t.tcpFlags[i] = 0x02 }
        return t
    }

    @Test func dayOrderedRowsSplitIntoOneRunPerDay() {
        let t = Self.threeDays()
        let runs = WindowSegments.split(t.start, windowMillis: Self.hour)
        #expect(runs.count == 3)
        #expect(runs.map(\.count) == [200, 200, 200])
        // 7-minute windows do not divide a day: blocks of 205 windows, still contiguous here.
        let odd = WindowSegments.split(t.start, windowMillis: 7 * 60_000)
        #expect(odd.reduce(0) { $0 + $1.count } == t.count)
        #expect(odd.count > 1)
    }

    @Test func aDayThatComesBackGivesOneRun() {
        var t = Self.threeDays()
        t.start[450] = t.start[10]   // a day-0 flow inside day 2's rows
        #expect(WindowSegments.split(t.start, windowMillis: Self.hour) == [0..<t.count])
        #expect(WindowSegments.split([], windowMillis: Self.hour).isEmpty)
    }

    @Test func segmentedProfilesEqualOnePass() {
        for late in [false, true] {
            var t = Self.threeDays()
            if late { t.start[450] = t.start[10] }
            for window in [Self.hour, 7 * 60_000, 15 * 60_000] as [Int64] {
                let segmented = HostProfiles.build(t, windowMillis: window)
                let whole = HostProfiles.build(t, rows: 0..<t.count, windowMillis: window)
                #expect(segmented.count > 0)
                #expect(segmented.host == whole.host)
                #expect(segmented.windowStart == whole.windowStart)
                #expect(segmented.features == whole.features)
                #expect(segmented.bytesOut == whole.bytesOut)
                #expect(segmented.bytesIn == whole.bytesIn)
                #expect(segmented.failedOut == whole.failedOut)
            }
        }
    }

    @Test func dayByDayHistoryEqualsOnePass() throws {
        var t = Self.threeDays()
        t.hostIsInternal = [true, true, true, false, false, true]
        t.direction = (0..<t.count).map {
            .from(sourceInternal: t.hostIsInternal[Int(t.source[$0])], destinationInternal: t.hostIsInternal[Int(t.destination[$0])])
        }
        #expect(WindowSegments.split(t.start, blockMillis: Self.day).count == 3)
        let (byDay, pairs) = HostHistory.build(t, days: 3)
        let (whole, wholePairs) = HostHistory.build(t, days: 3, runs: [0..<t.count])
        #expect(pairs.count > 3)
        #expect(pairs.map(\.0) == wholePairs.map(\.0))
        #expect(pairs.map(\.1) == wholePairs.map(\.1))
        #expect(pairs.contains { $0.1 >= 2 })
        #expect(byDay.hostHours == whole.hostHours && !byDay.hostHours.isEmpty)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let a = try encoder.encode(byDay), b = try encoder.encode(whole)
        #expect(a == b)
    }

    @Test func hostMediansBySortingGroupEveryHost() {
        let hosts: [Int32] = [3, 1, 3, 2, 1, 3, 7]
        var groups: [Int32: [Int]] = [:]
        IndexOrder.forEachGroup(of: hosts) { h, rows in
            #expect(groups[h] == nil)
            groups[h] = Array(rows)
        }
        #expect(groups == [1: [1, 4], 2: [3], 3: [0, 2, 5], 7: [6]])
    }

    @Test func distinctRowsMatchASetOfArrays() {
        var values: [Double] = []
        var x: UInt64 = 3
        for _ in 0..<2_000 {
            x = x &* 6364136223846793005 &+ 1442695040888963407
            values += [Double((x >> 60) % 3), Double((x >> 50) % 2), (x >> 40) % 5 == 0 ? -0.0 : 0.0]
        }
        values[30] = .nan
        values[33] = .nan
        let m = FeatureMatrix(rows: 2_000, columns: 3, values: values, names: ["a", "b", "c"])
        var seen = Set<[Double]>()
        let reference = (0..<m.rows).filter { seen.insert(Array(values[($0 * 3)..<($0 * 3 + 3)])).inserted }
        let got = DensityModelKind.distinctRows(m)
        #expect(got == reference)
        #expect(got.count < 20)
    }
}
