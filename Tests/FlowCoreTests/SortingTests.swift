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

    @Test func ascendingSortsAreTheStandardSorts() {
        var generator = SystemRandomNumberGenerator()
        let values = (0..<2_000).map { _ in Double(Int.random(in: -50...50, using: &generator)) / 4 }
        #expect(values.sortedAscending() == values.sorted())
        var inPlace = values
        inPlace.sortAscending()
        #expect(inPlace == values.sorted())
        let times = values.map { Int64($0 * 4) }
        #expect(times.sortedAscending() == times.sorted())
    }
}
