/// Reads one sorted run: rows in memory (chunks and their sorted order) or a spill file.
final class RunCursor {
    private let chunks: [[CleanRow]]
    private let order: [UInt32]
    private let file: SpillFile?
    private var buffer: [CleanRow]
    private var position = 0
    private var filled = 0
    private var fileNext = 0
    private(set) var current = CleanRow()
    /// The first keys of `RowOrder` of `current`, kept apart so the merger compares three
    /// words instead of copying two 144-byte rows per comparison.
    private(set) var keyStart: Int64 = 0
    private(set) var keyHigh: UInt64 = 0
    private(set) var keyLow: UInt64 = 0
    private(set) var exhausted = false

    init(chunks: [[CleanRow]], order: [UInt32]) {
        self.chunks = chunks
        self.order = order
        file = nil
        buffer = []
    }

    init(file: SpillFile, bufferRows: Int) {
        chunks = []
        order = []
        self.file = file
        buffer = [CleanRow](repeating: CleanRow(), count: max(bufferRows, 64))
    }

    /// Moves to the next row; `exhausted` when there is none.
    func advance() throws {
        if let file {
            if position == filled {
                filled = try buffer.withUnsafeMutableBufferPointer { try file.read(from: fileNext, into: $0) }
                fileNext += filled
                position = 0
                if filled == 0 { exhausted = true; return }
            }
            current = buffer[position]
            position += 1
        } else {
            guard position < order.count else { exhausted = true; return }
            let index = order[position]
            current = chunks[Int(index >> 14)][Int(index & 0x3FFF)]
            position += 1
        }
        keyStart = current.start
        keyHigh = current.src.high
        keyLow = current.src.low
    }

    /// `RowOrder.less(current, other.current)`, deciding on the kept keys when they differ.
    @inline(__always)
    func precedes(_ other: RunCursor) -> Bool {
        if keyStart != other.keyStart { return keyStart < other.keyStart }
        if keyHigh != other.keyHigh { return keyHigh < other.keyHigh }
        if keyLow != other.keyLow { return keyLow < other.keyLow }
        return RowOrder.lessAfterSource(current, other.current)
    }
}

/// Merges sorted runs into one stream in `RowOrder`.
struct RunMerger {
    private var cursors: [RunCursor]

    init(_ cursors: [RunCursor]) throws {
        for c in cursors { try c.advance() }
        self.cursors = cursors.filter { !$0.exhausted }
    }

    /// The next row, or nil at the end.
    mutating func next() throws -> CleanRow? {
        if cursors.isEmpty { return nil }
        var best = 0
        for k in 1..<cursors.count where cursors[k].precedes(cursors[best]) { best = k }
        let row = cursors[best].current
        try cursors[best].advance()
        if cursors[best].exhausted { cursors.remove(at: best) }
        return row
    }
}
