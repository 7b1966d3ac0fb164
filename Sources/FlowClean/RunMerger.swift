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
        for k in 1..<cursors.count where RowOrder.less(cursors[k].current, cursors[best].current) { best = k }
        let row = cursors[best].current
        try cursors[best].advance()
        if cursors[best].exhausted { cursors.remove(at: best) }
        return row
    }
}
