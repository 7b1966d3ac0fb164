#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One line found by `LineFramer`.
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
    }

    /// The line's bytes without LF, CR of CRLF and (on the first line) a UTF-8 BOM.
    /// Valid only during the callback.
    public var bytes: UnsafeBufferPointer<UInt8>
    /// 1-based line number.
    public var number: Int64
    /// Byte offset of the line's first byte in the (decompressed) stream.
    public var offset: Int64
    public var kind: Kind
}

/// Splits a byte stream, delivered in chunks of any size, into lines. Memory is bounded:
/// only one partial line of at most `maxLineLength` bytes is carried between chunks; a
/// longer line is skipped while it streams by and reported as `.tooLong`.
public struct LineFramer {
    /// Longest line accepted, in bytes, not counting the line terminator.
    public let maxLineLength: Int

    private var carry: [UInt8] = []
    /// Bytes of the current line seen so far (also counted while skipping a long line).
    private var currentLength: Int64 = 0
    private var skipping = false
    private var lineNumber: Int64 = 1
    private var lineStart: Int64 = 0
    private var streamOffset: Int64 = 0
    /// BOM detection at stream start: bytes seen so far of a possible BOM.
    private var bomPending: [UInt8] = []
    private var bomDone = false

    public init(maxLineLength: Int = 64 * 1024) {
        self.maxLineLength = max(1, maxLineLength)
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

    /// Ends the stream: reports a last line without terminator as `.unterminated`.
    public mutating func finish(_ body: (FramedLine) throws -> Void) rethrows {
        if !bomDone {
            bomDone = true
            let pending = bomPending
            bomPending = []
            try pending.withUnsafeBufferPointer { try scan($0, body) }
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
            lineNumber += 1
        }
    }

    private mutating func scan(_ chunk: UnsafeBufferPointer<UInt8>, _ body: (FramedLine) throws -> Void) rethrows {
        let n = chunk.count
        guard let base = chunk.baseAddress else { return }
        var start = 0
        while start < n {
            // Find the next LF (memchr is vectorised).
            let p: Int
            if let hit = memchr(base + start, 0x0A, n - start) {
                p = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) - base
            } else {
                p = n
            }
            let piece = UnsafeBufferPointer(start: base + start, count: p - start)
            if p == n {
                // No terminator in the rest of this chunk: carry it over (bounded).
                append(piece)
                streamOffset += Int64(n - start)
                return
            }
            // A line ends at p.
            if currentLength == 0 && !skipping {
                try emit(piece, body)
            } else {
                append(piece)
                if skipping {
                    try emitTooLong(body)
                } else {
                    var line: [UInt8] = []
                    swap(&line, &carry)
                    try line.withUnsafeBufferPointer { try emit($0, body) }
                    line.removeAll(keepingCapacity: true)
                    carry = line
                }
            }
            streamOffset += Int64(p + 1 - start)
            lineStart = streamOffset
            start = p + 1
        }
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

    private mutating func emit(_ raw: UnsafeBufferPointer<UInt8>, _ body: (FramedLine) throws -> Void) rethrows {
        var count = raw.count
        if count > 0 && raw[count - 1] == 0x0D { count -= 1 }
        let number = lineNumber, offset = lineStart
        lineNumber += 1
        currentLength = 0
        if count > maxLineLength {
            try body(FramedLine(bytes: UnsafeBufferPointer(start: nil, count: 0), number: number, offset: offset,
                                kind: .tooLong(length: Int64(raw.count))))
            return
        }
        try body(FramedLine(bytes: UnsafeBufferPointer(start: raw.baseAddress, count: count), number: number,
                            offset: offset, kind: .complete))
    }

    private mutating func emitTooLong(_ body: (FramedLine) throws -> Void) rethrows {
        let number = lineNumber, offset = lineStart, length = currentLength
        lineNumber += 1
        skipping = false
        currentLength = 0
        carry.removeAll(keepingCapacity: true)
        try body(FramedLine(bytes: UnsafeBufferPointer(start: nil, count: 0), number: number, offset: offset,
                            kind: .tooLong(length: length)))
    }
}
