#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One line (or, with quote-aware framing, one record) found by `LineFramer`.
public struct FramedLine {
    /// How the line ended.
    public enum Kind: Equatable, Sendable {
        /// A complete line (terminated by LF or CRLF; the terminator is not included).
        case complete
        /// The line was longer than the limit; `bytes` is empty and `length` is its size.
        case tooLong(length: Int64)
        /// The stream ended inside this line (no terminator). The caller must reject it:
        /// a truncated stream never yields a record from a partial line. If it was also
        /// longer than the limit, `bytes` is empty.
        case unterminated
        /// Quote-aware framing only: a quoted field opened on this line is not closed
        /// within the line-length limit (or before the stream ends). `bytes` is this one
        /// physical line; framing resumes on the next line, so an unbalanced quote costs
        /// one line, never the rest of the file.
        case unclosedQuote
    }

    /// The line's bytes without LF, CR of CRLF and (on the first line) a UTF-8 BOM. A record
    /// framed across lines keeps its inner line terminators. Valid only during the callback.
    public var bytes: UnsafeBufferPointer<UInt8>
    /// 1-based number of the line (of a record's first line).
    public var number: Int64
    /// Byte offset of the line's first byte in the (decompressed) stream.
    public var offset: Int64
    public var kind: Kind
}

/// Whether `LineFramer` lets RFC 4180 quoted fields carry line terminators.
public enum QuoteFraming: Sendable {
    /// Every LF ends a line (TSV, space-separated and JSON-lines dialects).
    case none
    /// A LF inside a quoted field (one that starts with `"` right after `delimiter` or at
    /// the start of a record) does not end the record.
    case always(delimiter: UInt8)
    /// The first non-empty line (the header) is framed plainly and handed to the function;
    /// the delimiter it returns, if any, switches on quote-aware framing from line 2 on.
    case decidedByFirstLine(@Sendable (UnsafeBufferPointer<UInt8>) -> UInt8?)
}

/// Splits a byte stream, delivered in chunks of any size, into lines. Memory is bounded:
/// only one partial line of at most `maxLineLength` bytes is carried between chunks; a
/// longer line is skipped while it streams by and reported as `.tooLong`.
///
/// With quote framing on (comma CSV), record ends are found by a quote-parity pass as
/// DuckDB's and simdjson-style parsers do: a LF inside a quoted field belongs to the
/// record, also across chunk boundaries. The pass only looks at bytes from a quote on
/// (quotes are found with `memchr`), so lines without quotes cost what they did. A record
/// whose quoted field is still open after `maxLineLength` bytes (an unbalanced quote) is
/// cut back to its first line, reported `.unclosedQuote`, and framing resynchronises on the
/// next line.
public struct LineFramer {
    /// Longest line (or record) accepted, in bytes, not counting the line terminator.
    public let maxLineLength: Int

    /// Where the quote-parity pass stands inside the current record.
    private enum QuoteState { case plain, quoted, quoteSeen }

    private var carry: [UInt8] = []
    /// Bytes of the current record seen so far (also counted while skipping a long line).
    private var currentLength: Int64 = 0
    private var skipping = false
    /// Number of the current record's first line.
    private var lineNumber: Int64 = 1
    /// Line terminators inside the current record (quoted ones).
    private var linesInRecord: Int64 = 0
    private var lineStart: Int64 = 0
    private var streamOffset: Int64 = 0
    /// BOM detection at stream start: bytes seen so far of a possible BOM.
    private var bomPending: [UInt8] = []
    private var bomDone = false
    /// The delimiter while quote-aware framing is on.
    private var quoteDelimiter: UInt8?
    private var decideQuoting: (@Sendable (UnsafeBufferPointer<UInt8>) -> UInt8?)?
    private var quote = QuoteState.plain

    public init(maxLineLength: Int = 64 * 1024, quoting: QuoteFraming = .none) {
        self.maxLineLength = max(1, maxLineLength)
        switch quoting {
        case .none: break
        case .always(let delimiter): quoteDelimiter = delimiter
        case .decidedByFirstLine(let decide): decideQuoting = decide
        }
    }

    /// Feeds the next chunk; `body` is called for each line completed in it.
    public mutating func consume(_ chunk: UnsafeBufferPointer<UInt8>, _ body: (FramedLine) throws -> Void) rethrows {
        if chunk.isEmpty { return }
        if !bomDone {
            var i = 0
            let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
            while i < chunk.count && bomPending.count < 3 {
                bomPending.append(chunk[i])
                i += 1
                if bomPending[bomPending.count - 1] != bom[bomPending.count - 1] { break }
            }
            if bomPending == bom {
                bomDone = true
                streamOffset = 3
                lineStart = 3
                bomPending = []
            } else if bomPending.count == 3 || bomPending.last != bom[bomPending.count - 1] {
                bomDone = true
                let pending = bomPending
                bomPending = []
                try pending.withUnsafeBufferPointer { try scan($0, body) }
            } else {
                return  // still a BOM prefix and the chunk is used up
            }
            if i < chunk.count {
                try scan(UnsafeBufferPointer(rebasing: chunk[i...]), body)
            }
            return
        }
        try scan(chunk, body)
    }

    /// Ends the stream: reports a last line without terminator as `.unterminated`; a record
    /// still inside a quoted field gives its first line as `.unclosedQuote` and the lines
    /// after it are framed again.
    public mutating func finish(_ body: (FramedLine) throws -> Void) rethrows {
        if !bomDone {
            bomDone = true
            let pending = bomPending
            bomPending = []
            try pending.withUnsafeBufferPointer { try scan($0, body) }
        }
        if currentLength > 0 && !skipping && quote == .quoted && linesInRecord > 0 {
            try resynchroniseCarry(body)
            try finish(body)
            return
        }
        if currentLength > 0 {
            let number = lineNumber, offset = lineStart
            if skipping {
                try body(FramedLine(bytes: UnsafeBufferPointer(start: nil, count: 0), number: number, offset: offset, kind: .unterminated))
            } else {
                try carry.withUnsafeBufferPointer {
                    try body(FramedLine(bytes: $0, number: number, offset: offset, kind: .unterminated))
                }
            }
            carry.removeAll(keepingCapacity: true)
            currentLength = 0
            skipping = false
            lineNumber += 1 + linesInRecord
            linesInRecord = 0
            quote = .plain
        }
    }

    private mutating func scan(_ chunk: UnsafeBufferPointer<UInt8>, _ body: (FramedLine) throws -> Void) rethrows {
        let n = chunk.count
        guard let base = chunk.baseAddress else { return }
        var start = 0          // first byte of the current record not yet carried
        var pos = 0            // where the search for the next LF resumes
        var nextQuote = -1     // first `"` at or after the last position asked (n: none)
        while pos < n {
            // Find the next LF (memchr is vectorised).
            let p: Int
            if let hit = memchr(base + pos, 0x0A, n - pos) {
                p = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) - base
            } else {
                p = n
            }
            if let delimiter = quoteDelimiter, !skipping {
                advanceQuotes(base, n, recordStart: start, from: pos, to: p, delimiter, &nextQuote)
                if quote == .quoted {
                    // The LF at p (if any) is inside a quoted field: part of the record.
                    if currentLength + Int64(min(p + 1, n) - start) > Int64(maxLineLength) + 1 {
                        try resynchronise(base, n, &start, &pos, body)
                        continue
                    }
                    if p == n { break }
                    linesInRecord += 1
                    pos = p + 1
                    continue
                }
            }
            if p == n { break }
            // A record ends at p.
            let piece = UnsafeBufferPointer(start: base + start, count: p - start)
            if currentLength == 0 && !skipping {
                try emit(piece, body)
            } else {
                append(piece)
                if skipping {
                    try emitTooLong(body)
                } else {
                    try emitCarry(body)
                }
            }
            streamOffset += Int64(p + 1 - start)
            lineStart = streamOffset
            start = p + 1
            pos = start
        }
        if start < n {
            // No record end in the rest of this chunk: carry it over (bounded).
            append(UnsafeBufferPointer(start: base + start, count: n - start))
            streamOffset += Int64(n - start)
        }
    }

    /// Runs the quote-parity state over `[from, to)` of the chunk. Only bytes from a quote
    /// on are looked at: `nextQuote` caches where the next `"` is.
    @inline(__always)
    private mutating func advanceQuotes(_ base: UnsafePointer<UInt8>, _ n: Int, recordStart: Int, from: Int, to: Int,
                                        _ delimiter: UInt8, _ nextQuote: inout Int) {
        var i = from
        while i < to {
            if quote == .quoteSeen {
                // After a quote inside a quoted field: `""` is an escaped quote, anything
                // else closed the field.
                if base[i] == 0x22 { quote = .quoted; i += 1 } else { quote = .plain }
                continue
            }
            if nextQuote < i {
                if let hit = memchr(base + i, 0x22, n - i) {
                    nextQuote = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) - base
                } else {
                    nextQuote = n
                }
            }
            let q = nextQuote
            if q >= to { return }
            if quote == .quoted {
                quote = .quoteSeen
            } else {
                // A quote opens a field only at the start of a field; elsewhere it is text.
                let previous: UInt8? = q > recordStart ? base[q - 1] : carry.last
                if previous == nil || previous == delimiter { quote = .quoted }
            }
            i = q + 1
        }
    }

    /// The current record is inside a quoted field and has passed the length limit. If it
    /// has no line terminator yet, its one line is simply too long (skipped as usual).
    /// Otherwise its first line is reported `.unclosedQuote` and framing restarts after it.
    private mutating func resynchronise(_ base: UnsafePointer<UInt8>, _ n: Int, _ start: inout Int, _ pos: inout Int,
                                        _ body: (FramedLine) throws -> Void) rethrows {
        quote = .plain
        if linesInRecord == 0 {
            skipping = true
            carry.removeAll(keepingCapacity: false)
            return
        }
        if carry.contains(0x0A) {
            // The first line ends inside the carried bytes: report it, frame the rest of
            // the carry again, then go on from `start` in this chunk.
            try resynchroniseCarry(body)
            pos = start
            return
        }
        // The first line ends in this chunk.
        let q = UnsafePointer(memchr(base + start, 0x0A, n - start)!.assumingMemoryBound(to: UInt8.self)) - base
        let piece = UnsafeBufferPointer(start: base + start, count: q - start)
        append(piece)
        try emitCarry(body, kind: .unclosedQuote)
        streamOffset += Int64(q + 1 - start)
        lineStart = streamOffset
        start = q + 1
        pos = start
    }

    /// Reports the carried record's first line as `.unclosedQuote` and frames the carried
    /// bytes after it again, from a plain state.
    private mutating func resynchroniseCarry(_ body: (FramedLine) throws -> Void) rethrows {
        let record = carry
        let f = record.firstIndex(of: 0x0A)!
        carry = Array(record[..<f])
        currentLength = Int64(f)
        try emitCarry(body, kind: .unclosedQuote)
        quote = .plain
        lineStart += Int64(f + 1)
        streamOffset = lineStart
        try record.withUnsafeBufferPointer { try scan(UnsafeBufferPointer(rebasing: $0[(f + 1)...]), body) }
    }

    /// Adds a partial piece to the carried line, switching to skip mode past the limit
    /// (one extra byte is allowed for the CR of a CRLF).
    private mutating func append(_ piece: UnsafeBufferPointer<UInt8>) {
        currentLength += Int64(piece.count)
        if skipping { return }
        if currentLength > Int64(maxLineLength) + 1 {
            skipping = true
            carry.removeAll(keepingCapacity: false)
        } else {
            carry.append(contentsOf: piece)
        }
    }

    /// Emits the carried record and empties the carry (keeping its storage).
    private mutating func emitCarry(_ body: (FramedLine) throws -> Void, kind: FramedLine.Kind = .complete) rethrows {
        var line: [UInt8] = []
        swap(&line, &carry)
        try line.withUnsafeBufferPointer { try emit($0, body, kind: kind) }
        line.removeAll(keepingCapacity: true)
        carry = line
    }

    private mutating func emit(_ raw: UnsafeBufferPointer<UInt8>, _ body: (FramedLine) throws -> Void,
                               kind: FramedLine.Kind = .complete) rethrows {
        var count = raw.count
        if count > 0 && raw[count - 1] == 0x0D { count -= 1 }
        let number = lineNumber, offset = lineStart
        // An `.unclosedQuote` line is one physical line: the lines after it are framed again.
        lineNumber += 1 + (kind == .unclosedQuote ? 0 : linesInRecord)
        linesInRecord = 0
        currentLength = 0
        quote = .plain
        if count > maxLineLength {
            try body(FramedLine(bytes: UnsafeBufferPointer(start: nil, count: 0), number: number, offset: offset,
                                kind: .tooLong(length: Int64(raw.count))))
            return
        }
        let line = UnsafeBufferPointer(start: raw.baseAddress, count: count)
        if let decide = decideQuoting, kind == .complete, count > 0 {
            decideQuoting = nil
            quoteDelimiter = decide(line)
        }
        try body(FramedLine(bytes: line, number: number, offset: offset, kind: kind))
    }

    private mutating func emitTooLong(_ body: (FramedLine) throws -> Void) rethrows {
        let number = lineNumber, offset = lineStart, length = currentLength
        lineNumber += 1
        linesInRecord = 0
        skipping = false
        quote = .plain
        currentLength = 0
        carry.removeAll(keepingCapacity: true)
        try body(FramedLine(bytes: UnsafeBufferPointer(start: nil, count: 0), number: number, offset: offset,
                            kind: .tooLong(length: length)))
    }
}
