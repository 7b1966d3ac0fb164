/// Sorts of the element types the detectors and models sort, compiled in FlowCore.
///
/// FlowCore is built optimised in every configuration (Package.swift's `optimisedInDebug`),
/// so these are the standard library's sorts specialised for the concrete type; called
/// from a module built -Onone in debug (FlowDetection, FlowModels, FlowTimeSeries) they
/// replace sorts that would otherwise compare through generic witness calls (five to ten
/// times slower per comparison). Each gives exactly what `sorted()` / `sort()` (or the
/// stated comparison) gives: the same algorithm on the same comparisons.
extension Array where Element == Double {
    /// The values in ascending order (`sorted()`).
    public func sortedAscending() -> [Double] { sorted() }

    /// Sorts the values in ascending order in place (`sort()`).
    public mutating func sortAscending() { sort() }
}

extension Array where Element == Int64 {
    /// The values in ascending order (`sorted()`).
    public func sortedAscending() -> [Int64] { sorted() }
}

/// Orders of row indices by key columns, ties broken by the index, so the order is total
/// and does not depend on the sort's algorithm.
public enum IndexOrder {
    /// The indices of `keys` in ascending order of (`keys[i]`, `i`).
    public static func ascending(by keys: [Int32]) -> [Int] {
        keys.indices.sorted { (keys[$0], $0) < (keys[$1], $1) }
    }

    /// The indices of `keys` in ascending order of (`keys[i]`, `i`).
    public static func ascending(by keys: [Int64]) -> [Int] {
        keys.indices.sorted { (keys[$0], $0) < (keys[$1], $1) }
    }

    /// Calls `body` once per distinct value of `keys`, in ascending order, with the indices
    /// holding it in ascending order (one sort of the indices, no dictionary of arrays).
    public static func forEachGroup(of keys: [Int32], _ body: (Int32, ArraySlice<Int>) -> Void) {
        let order = ascending(by: keys)
        forEachRun(order) { keys[$0] == keys[$1] } body: { body(keys[$0[$0.startIndex]], $0) }
    }

    /// `forEachGroup(of:_:)` for 64-bit keys.
    public static func forEachGroup(of keys: [Int64], _ body: (Int64, ArraySlice<Int>) -> Void) {
        let order = ascending(by: keys)
        forEachRun(order) { keys[$0] == keys[$1] } body: { body(keys[$0[$0.startIndex]], $0) }
    }

    /// The runs of `order` whose elements `same` pairs.
    private static func forEachRun(_ order: [Int], same: (Int, Int) -> Bool, body: (ArraySlice<Int>) -> Void) {
        var lower = 0
        while lower < order.count {
            var upper = lower + 1
            while upper < order.count && same(order[upper], order[lower]) { upper += 1 }
            body(order[lower..<upper])
            lower = upper
        }
    }

    /// The indices of `first` in ascending order of (`first[i]`, `second[i]`, `i`);
    /// `second` has at least as many elements as `first`.
    public static func ascending(by first: [Int32], then second: [Int64]) -> [Int] {
        precondition(second.count >= first.count, "IndexOrder: the second key column is shorter than the first")
        return first.indices.sorted { (first[$0], second[$0], $0) < (first[$1], second[$1], $1) }
    }
}
