import FlowCore

/// The validated rows of a run, grouped by UTC day of `start`. Rows are held in fixed-size
/// chunks (no array doubling); what counts against the spill limit is the chunks' capacity,
/// not the rows in them, because a chunk reused after a spill keeps all its pages: with
/// many days, each day's partly filled last chunk would otherwise add memory the limit
/// does not see (90 days × a chunk). When the held capacity passes the spill limit every
/// day is sorted and written to disk as a sorted run. Phase 2 merges, per day, the runs on
/// disk with the sorted rows still in memory.
final class DayStore {
    /// Rows per chunk (a power of two: sort orders address rows as chunk << shift | row).
    static let chunkShift = 12
    static let chunkRows = 1 << chunkShift
    static let rowMask = UInt32(chunkRows - 1)
    let scratchFolder: String
    let spillLimitRows: Int
    let threads: Int
    /// Rows in memory per day.
    private(set) var memory: [Int64: [[CleanRow]]] = [:]
    /// Sorted runs on disk per day.
    private(set) var runs: [Int64: [SpillFile]] = [:]
    /// Capacity, in rows, of the chunks holding rows.
    private(set) var heldRows = 0
    private var spillCount = 0
    /// Number of times rows were spilled (for the manifest and tests).
    var spills: Int { spillCount }

    init(scratchFolder: String, spillLimitRows: Int, threads: Int) {
        self.scratchFolder = scratchFolder
        self.spillLimitRows = max(spillLimitRows, 1)
        self.threads = threads
    }

    /// Every day that has rows (in memory or on disk), ascending.
    var days: [Int64] { Set(memory.keys).union(runs.keys).sorted() }

    /// Adds rows (any days); `spillIfFull()` keeps memory within the limit.
    func add(_ rows: UnsafeBufferPointer<CleanRow>) throws {
        var i = 0
        let n = rows.count
        while i < n {
            let day = CivilTime.day(ofMillis: rows[i].start)
            // Runs of one day are common: find the run, then copy it in bulk.
            var end = i + 1
            while end < n && CivilTime.day(ofMillis: rows[end].start) == day { end += 1 }
            var chunks = memory.removeValue(forKey: day) ?? []
            while i < end {
                if chunks.isEmpty || chunks[chunks.count - 1].count == DayStore.chunkRows {
                    chunks.append(freeChunks.popLast() ?? Self.newChunk())
                    heldRows += DayStore.chunkRows
                }
                let take = min(end - i, DayStore.chunkRows - chunks[chunks.count - 1].count)
                chunks[chunks.count - 1].append(contentsOf: UnsafeBufferPointer(rebasing: rows[i..<(i + take)]))
                i += take
            }
            memory[day] = chunks
        }
    }

    /// Spills when the held capacity has reached the spill limit.
    func spillIfFull() throws {
        if heldRows >= spillLimitRows { try spill() }
    }

    /// Chunks emptied by a spill, kept for the next rows: their pages are already mapped.
    private var freeChunks: [[CleanRow]] = []

    private static func newChunk() -> [CleanRow] {
        var chunk: [CleanRow] = []
        chunk.reserveCapacity(DayStore.chunkRows)
        return chunk
    }

    /// Lets go of the chunks kept for reuse (when no more rows will be added).
    func releaseFreeChunks() { freeChunks = [] }

    /// Sorts every day in memory and writes it as a run.
    func spill() throws {
        let days = memory.keys.sorted()
        let sorted = sortAll(days)
        for (k, day) in days.enumerated() {
            let file = try SpillFile(path: "\(scratchFolder)/day\(day)-run\(spillCount)-\(k).rows")
            let chunks = memory[day]!
            var buffer: [CleanRow] = []
            buffer.reserveCapacity(4096)
            for index in sorted[k] {
                buffer.append(chunks[Int(index >> DayStore.chunkShift)][Int(index & DayStore.rowMask)])
                if buffer.count == 4096 {
                    try buffer.withUnsafeBufferPointer { try file.append($0) }
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            try buffer.withUnsafeBufferPointer { try file.append($0) }
            runs[day, default: []].append(file)
        }
        // Moved out one by one, so each chunk is uniquely held and keeps its buffer.
        var held = Array(memory.values)
        memory.removeAll()
        while var chunks = held.popLast() {
            while var chunk = chunks.popLast() {
                chunk.removeAll(keepingCapacity: true)
                freeChunks.append(chunk)
            }
        }
        heldRows = 0
        spillCount += 1
    }

    /// The sorted order (chunk << chunkShift | offset) of each day's rows in memory, days sorted in
    /// parallel.
    func sortAll(_ days: [Int64]) -> [[UInt32]] {
        let results = UnsafeSendableBox([[UInt32]](repeating: [], count: days.count))
        let groups = days.map { memory[$0]! }
        parallelFor(count: days.count, threads: threads) { k in
            let order = DayStore.sortOrder(groups[k])
            results.withLock { $0[k] = order }
        }
        return results.value
    }

    /// Sorted order of rows held in chunks, by `RowOrder`.
    static func sortOrder(_ chunks: [[CleanRow]]) -> [UInt32] {
        struct Key { var start: Int64; var high: UInt64; var low: UInt64; var index: UInt32 }
        var keys: [Key] = []
        keys.reserveCapacity(chunks.reduce(0) { $0 + $1.count })
        for (c, chunk) in chunks.enumerated() {
            for (o, r) in chunk.enumerated() {
                keys.append(Key(start: r.start, high: r.src.high, low: r.src.low, index: UInt32(c << chunkShift | o)))
            }
        }
        keys.sort { a, b in
            if a.start != b.start { return a.start < b.start }
            if a.high != b.high { return a.high < b.high }
            if a.low != b.low { return a.low < b.low }
            return RowOrder.lessAfterSource(chunks[Int(a.index >> chunkShift)][Int(a.index & rowMask)],
                                            chunks[Int(b.index >> chunkShift)][Int(b.index & rowMask)])
        }
        return keys.map(\.index)
    }

    /// Removes and returns one day's in-memory chunks and disk runs.
    func take(day: Int64) -> (chunks: [[CleanRow]], runs: [SpillFile]) {
        let chunks = memory.removeValue(forKey: day) ?? []
        heldRows -= chunks.count * DayStore.chunkRows
        return (chunks, runs.removeValue(forKey: day) ?? [])
    }
}
