/// Cuts the rows of a flow table into runs that share no time block, so per-window or
/// per-day work (host profiles, the host graph's training, the host history) can be done a
/// run at a time with memory sized by one run, not by the number of days.
///
/// A run is a maximal stretch of consecutive rows whose start falls in the same block of
/// `blockMillis` (aligned to the UTC epoch; a UTC day for the day-aligned blocks, i.e. one
/// `date=` partition of a cleaned dataset, which `FlowTable.load` reads in day order). The
/// split is only used when no block comes back after its run ended; a table where one does
/// (a flow filed under another day's partition, or windows that do not divide a day over
/// unsorted rows) is returned as one run, so results never depend on the split.
package enum WindowSegments {
    /// The block for windows of `windowMillis`: a day's worth of whole windows (at least
    /// one window), so that no window straddles two blocks.
    package static func blockMillis(windowMillis: Int64) -> Int64 { windowMillis * max(1, 86_400_000 / windowMillis) }

    /// The runs of windows of `windowMillis` in `start` (flow start times, UTC ms).
    package static func split(_ start: [Int64], windowMillis: Int64) -> [Range<Int>] {
        split(start, blockMillis: blockMillis(windowMillis: windowMillis))
    }

    /// The runs of `start` (flow start times, UTC ms) for blocks of `blockMillis`, in row
    /// order, covering every row once.
    package static func split(_ start: [Int64], blockMillis: Int64) -> [Range<Int>] {
        let n = start.count
        guard n > 0 else { return [] }
        func block(_ s: Int64) -> Int64 { s >= 0 ? s / blockMillis : (s - blockMillis + 1) / blockMillis }
        var runs: [Range<Int>] = []
        var finished = Set<Int64>()
        var lower = 0
        var current = block(start[0])
        for i in 1..<n {
            let b = block(start[i])
            guard b != current else { continue }
            finished.insert(current)
            if finished.contains(b) { return [0..<n] }
            runs.append(lower..<i)
            lower = i
            current = b
        }
        runs.append(lower..<n)
        return runs
    }
}
