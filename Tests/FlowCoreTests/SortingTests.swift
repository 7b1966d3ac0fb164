import FlowCore
import Testing

@Suite struct SortingTests {
    @Test func indexOrderBreaksTiesByTheIndex() {
        let hosts: [Int32] = [3, 1, 3, 2, 1, 3]
        #expect(IndexOrder.ascending(by: hosts) == [1, 4, 3, 0, 2, 5])
        let starts: [Int64] = [50, 20, 10, 5, 20, 10]
        // host 1: rows 1 and 4 tie on start 20 (index order); host 3: starts 50, 10, 10.
        #expect(IndexOrder.ascending(by: hosts, then: starts) == [1, 4, 3, 2, 5, 0])
        #expect(IndexOrder.ascending(by: [Int32]()).isEmpty)
        let keys: [Int64] = [7 << 32 | 2, 1 << 32, 7 << 32 | 2, 3]
        #expect(IndexOrder.ascending(by: keys) == [3, 1, 0, 2])
    }

    @Test func groupsComeInKeyOrderWithTheirIndicesInOrder() {
        var seen: [(Int32, [Int])] = []
        IndexOrder.forEachGroup(of: [5, -2, 5, 0, -2, 5] as [Int32]) { key, rows in seen.append((key, Array(rows))) }
        #expect(seen.map(\.0) == [-2, 0, 5])
        #expect(seen.map(\.1) == [[1, 4], [3], [0, 2, 5]])
        var wide: [(Int64, [Int])] = []
        IndexOrder.forEachGroup(of: [1 << 40, 3, 1 << 40] as [Int64]) { key, rows in wide.append((key, Array(rows))) }
        #expect(wide.map(\.0) == [3, 1 << 40] && wide.map(\.1) == [[1], [0, 2]])
        var none = 0
        IndexOrder.forEachGroup(of: [Int32]()) { _, _ in none += 1 }
        #expect(none == 0)
    }

    @Test func ascendingSortsAreTheStandardSorts() {
        // Many ties, negative values and both zeros, from a fixed sequence.
        var x: UInt64 = 88_172_645_463_325_252
        let values = (0..<2_000).map { _ -> Double in
            x ^= x << 13; x ^= x >> 7; x ^= x << 17
            let v = Double(Int(x % 101) - 50) / 4
            return v == 0 && x & 1 == 1 ? -0.0 : v
        }
        // Bit patterns: the order of equal values (0 and −0) must be the standard sort's too.
        #expect(values.sortedAscending().map(\.bitPattern) == values.sorted().map(\.bitPattern))
        var inPlace = values
        inPlace.sortAscending()
        #expect(inPlace.map(\.bitPattern) == values.sorted().map(\.bitPattern))
        let times = values.map { Int64($0 * 4) }
        #expect(times.sortedAscending() == times.sorted())
    }
}
