/// Reads one sorted run: rows in memory (chunks and their sorted order) or a spill file.
/// The current row is lent by pointer (`withCurrent`), never copied: the merge loop copies
/// each row once, into the writer's block.
final class RunCursor {
    private let chunks: [[CleanRow]]
    private let order: [UInt32]
    private let file: SpillFile?
    /// Spill runs: rows read ahead from the file.
    private let buffer: UnsafeMutableBufferPointer<CleanRow>
    private var position = 0
    private var filled = 0
    private var fileNext = 0
    /// Memory runs: where the current row is (chunk, row) once `advance()` found it.
    private var chunk = 0
    private var row = 0
    /// The first keys of `RowOrder` of the current row, kept apart so the merger compares
    /// three words before it looks at the rows.
    private(set) var keyStart: Int64 = 0
    private(set) var keyHigh: UInt64 = 0
    private(set) var keyLow: UInt64 = 0
    private(set) var exhausted = false

    init(chunks: [[CleanRow]], order: [UInt32]) {
        self.chunks = chunks
        self.order = order
        file = nil
        buffer = UnsafeMutableBufferPointer(start: nil, count: 0)
    }

    init(file: SpillFile, bufferRows: Int) {
        chunks = []
        order = []
        self.file = file
        buffer = .allocate(capacity: max(bufferRows, 64))
        buffer.initialize(repeating: CleanRow())
    }

    deinit {
        if file != nil { buffer.deallocate() }
    }

    /// Calls `body` with the current row (valid until the next `advance()`).
    @inline(__always)
    func withCurrent<R>(_ body: (UnsafePointer<CleanRow>) throws -> R) rethrows -> R {
        if file != nil { return try body(UnsafePointer(buffer.baseAddress! + (position - 1))) }
        return try chunks[chunk].withUnsafeBufferPointer { try body($0.baseAddress! + row) }
    }

    /// Moves to the next row; `exhausted` when there is none.
    func advance() throws {
        if let file {
            if position == filled {
                filled = try file.read(from: fileNext, into: buffer)
                fileNext += filled
                position = 0
                if filled == 0 { exhausted = true; return }
            }
            position += 1
        } else {
            guard position < order.count else { exhausted = true; return }
            let index = order[position]
            chunk = Int(index >> DayStore.chunkShift)
            row = Int(index & DayStore.rowMask)
            position += 1
        }
        withCurrent { r in
            keyStart = r.pointee.start
            keyHigh = r.pointee.src.high
            keyLow = r.pointee.src.low
        }
    }

    /// `RowOrder.less(current, other.current)`, deciding on the kept keys when they differ.
    @inline(__always)
    func precedes(_ other: RunCursor) -> Bool {
        if keyStart != other.keyStart { return keyStart < other.keyStart }
        if keyHigh != other.keyHigh { return keyHigh < other.keyHigh }
        if keyLow != other.keyLow { return keyLow < other.keyLow }
        return withCurrent { a in other.withCurrent { b in RowOrder.lessAfterSource(a.pointee, b.pointee) } }
    }
}

/// Merges sorted runs into one stream in `RowOrder`.
struct RunMerger {
    private var cursors: [RunCursor]
    /// The cursor whose row the last `next()` lent, moved on by the following call.
    private var lent: Int?

    init(_ cursors: [RunCursor]) throws {
        for c in cursors { try c.advance() }
        self.cursors = cursors.filter { !$0.exhausted }
    }

    /// The cursor holding the next row in order (read it with `withCurrent` before the
    /// next call), or nil at the end.
    mutating func next() throws -> RunCursor? {
        if let k = lent {
            try cursors[k].advance()
            if cursors[k].exhausted { cursors.remove(at: k) }
            lent = nil
        }
        if cursors.isEmpty { return nil }
        var best = 0
        for k in 1..<cursors.count where cursors[k].precedes(cursors[best]) { best = k }
        lent = best
        return cursors[best]
    }
}
