import FlowColumnar
import FlowCore

/// Which days can no longer receive rows. Before phase 1, one pass over the inputs' `start`
/// columns notes, per UTC day, the last record batch (in phase 1's order: inputs in order,
/// batches in order) that holds a row of that day. Once phase 1 has taken that batch, the
/// day is complete; a day is ready to be written when it and every earlier day of the
/// inputs are complete, so days are still written in ascending order with the dedupe window
/// carried across midnight exactly as in phase 2. Time-ordered inputs (the usual case) then
/// keep about one day in memory instead of spilling every day to disk.
final class DayCompletion {
    /// First global batch number of each input, and the number of batches of all.
    let batchOffset: [Int]
    let batchCount: Int
    /// Days whose last batch is the key.
    private var completesAt: [Int: [Int64]] = [:]
    /// Every day of the inputs, ascending.
    private let days: [Int64]
    private var complete: Set<Int64> = []
    /// Index in `days` of the first day not yet complete.
    private var firstOpen = 0

    /// Scans `files`; nil when one cannot be read (then no day is written early: what the
    /// file holds is unknown).
    init?(files: [String]) {
        var offsets: [Int] = []
        var last: [Int64: Int] = [:]
        var next = 0
        for path in files {
            offsets.append(next)
            guard let reader = try? ArrowFileReader(path: path) else { return nil }
            for b in 0..<reader.recordBatchCount {
                let start: ArrowValues<Int64>, valid: ArrowBitmapView?
                do {
                    let batch = try reader.recordBatch(at: b)
                    start = try batch.values(column: RawBatchView.Column.start, as: Int64.self)
                    valid = try batch.validity(column: RawBatchView.Column.start)
                } catch {
                    return nil
                }
                var previous = Int64.min
                for i in 0..<start.count where valid?[i] ?? true {
                    let day = CivilTime.day(ofMillis: start[i])
                    if day != previous { last[day] = next + b; previous = day }
                }
            }
            next += reader.recordBatchCount
        }
        batchOffset = offsets
        batchCount = next
        for (day, batch) in last { completesAt[batch, default: []].append(day) }
        days = last.keys.sorted()
    }

    /// Phase 1 has taken every row of global batch `batch`.
    func batchDone(_ batch: Int) {
        guard let finished = completesAt.removeValue(forKey: batch) else { return }
        complete.formUnion(finished)
        while firstOpen < days.count && complete.contains(days[firstOpen]) { firstOpen += 1 }
    }

    /// Whether `day` and every earlier day are complete.
    func isReady(_ day: Int64) -> Bool {
        firstOpen == days.count || day < days[firstOpen]
    }
}
