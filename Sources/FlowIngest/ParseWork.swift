import Dispatch
import FlowArtifacts
import FlowCore
import FlowFormats
import FlowIO
import Foundation

/// Where one framed line lives: in the chunk it came from, or (a line carried across a
/// chunk boundary) in the work item's side buffer.
struct LineRef {
    enum Kind: UInt8 { case complete, tooLong, unterminated, unclosedQuote }
    var start: Int
    var length: Int
    var inSide: Bool
    var kind: Kind
    /// For `.tooLong`: the full length of the skipped line.
    var fullLength: Int64
    var number: Int64
    var offset: Int64
}

/// The lines of one chunk, handed to a parsing thread. It owns the chunk, so the line bytes
/// stay valid until the item is released.
final class WorkItem: @unchecked Sendable {
    var chunk: Chunk?
    var lines: [LineRef] = []
    var side: [UInt8] = []
    /// Parse on the stream's own parser, in order: the header, a directive (Zeek `#`
    /// lines), nfdump's trailer.
    var inOrder = false

    func add(_ line: FramedLine, chunkStart: UnsafeRawPointer?, chunkCount: Int) {
        var ref = LineRef(start: 0, length: line.bytes.count, inSide: false, kind: .complete, fullLength: 0,
                          number: line.number, offset: line.offset)
        switch line.kind {
        case .complete: ref.kind = .complete
        case .tooLong(let length): ref.kind = .tooLong; ref.fullLength = length
        case .unterminated: ref.kind = .unterminated
        case .unclosedQuote: ref.kind = .unclosedQuote
        }
        if let p = line.bytes.baseAddress, let c = chunkStart, UnsafeRawPointer(p) >= c,
           UnsafeRawPointer(p) + line.bytes.count <= c + chunkCount {
            ref.start = UnsafeRawPointer(p) - c
        } else {
            ref.start = side.count
            ref.inSide = true
            side.append(contentsOf: line.bytes)
        }
        lines.append(ref)
    }
}

/// What parsing one work item produced, in the item's order.
final class ParsedPiece: @unchecked Sendable {
    /// The rows, in builders of the pool: each is one record batch, written from the
    /// builder's buffers (no copy into a `FlowBatch`), then emptied and given back.
    var filled: [FlowBatchBuilder] = []
    var quarantine: [UInt8] = []
    /// Reject lines encoded into `quarantine`, and rejects past `PieceParser.quarantineCap`
    /// that were only counted.
    var encodedRejects = 0
    var unencodedRejects: Int64 = 0
    var records: Int64 = 0
    /// Records that are not flows (`LineOutcome.skippedRecord`): Argus `man` records, Suricata events other than flows.
    var skipped: Int64 = 0
    var rejects: [RejectReason: Int64] = [:]
    var error: Error?
    let done = DispatchSemaphore(value: 0)

    var rejected: Int64 { rejects.values.reduce(0, +) }
}

/// Emptied batches handed back after writing, so parsing threads refill warm buffers
/// instead of faulting in fresh pages for every batch; and the row builders the parsing
/// threads fill.
final class BatchPool: @unchecked Sendable {
    private var free: [FlowBatch] = []
    private var builders: [FlowBatchBuilder] = []
    private let lock = NSLock()
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func take() -> FlowBatch {
        lock.lock()
        defer { lock.unlock() }
        return free.popLast() ?? FlowBatch(capacity: capacity)
    }

    /// Takes back a batch that nothing else references (so its buffers are reused).
    func give(_ batch: consuming FlowBatch) {
        var emptied = batch
        emptied.removeAll()
        lock.lock()
        if free.count < 8 { free.append(emptied) }
        lock.unlock()
    }

    /// An empty builder of `capacity` rows, for one thread until it is given back.
    func takeBuilder() -> FlowBatchBuilder {
        lock.lock()
        defer { lock.unlock() }
        return builders.popLast() ?? FlowBatchBuilder(capacity: capacity)
    }

    /// Takes back an empty builder.
    func giveBuilder(_ builder: FlowBatchBuilder) {
        precondition(builder.isEmpty, "BatchPool: a builder must be drained before it is given back")
        lock.lock()
        builders.append(builder)
        lock.unlock()
    }

    /// The builder's rows as a batch (a pooled one), leaving the builder empty.
    func batch(from builder: FlowBatchBuilder) -> FlowBatch {
        var batch = take()
        builder.drain(into: &batch)
        return batch
    }
}

/// Parses the lines of work items into batches and quarantine lines.
struct PieceParser {
    let file: String
    let maxLineLength: Int
    let pool: BatchPool
    /// Most reject lines one piece encodes: an input keeps at most this many in the
    /// quarantine (`QuarantineLimiter`), so encoding more would only cost memory.
    let quarantineCap: Int
    let quarantine = QuarantineEncoder()

    func parse(_ item: WorkItem, with parser: inout DialectParser, into piece: ParsedPiece) {
        // A constant for the closure below (a `var` would be boxed and retained per line):
        // a full builder hands its rows to another one and goes on.
        let rows = pool.takeBuilder()
        defer {
            if rows.isEmpty { pool.giveBuilder(rows) } else { piece.filled.append(rows) }
        }
        let chunkBytes = item.chunk?.bytes
        let chunkBase = chunkBytes?.baseAddress?.assumingMemoryBound(to: UInt8.self)
        item.side.withUnsafeBufferPointer { side in
            for ref in item.lines {
                let bytes: UnsafeBufferPointer<UInt8>
                if ref.inSide {
                    bytes = UnsafeBufferPointer(rebasing: side[ref.start..<(ref.start + ref.length)])
                } else {
                    bytes = UnsafeBufferPointer(start: chunkBase.map { $0 + ref.start }, count: ref.length)
                }
                switch ref.kind {
                case .tooLong:
                    reject(.lineTooLong, "line of \(ref.fullLength) bytes is longer than the limit of \(maxLineLength) (raise --max-line-length if it is genuine)",
                           ref, bytes, piece)
                case .unclosedQuote:
                    reject(.unterminatedQuote, "a quoted field opened on this line is not closed within \(maxLineLength) bytes or before the input ends; this line is rejected alone and reading resumes on the next line (close the quote, or raise --max-line-length if the field is genuine)",
                           ref, bytes, piece)
                case .unterminated:
                    reject(.truncatedLine, "the input ends inside this line (no line terminator): a cut-off line is never turned into a record",
                           ref, bytes, piece)
                case .complete:
                    let outcome: LineOutcome
                    do {
                        outcome = try parser.feed(bytes, lineNumber: ref.number, into: rows)
                    } catch {
                        piece.error = error
                        return
                    }
                    switch outcome {
                    case .record:
                        piece.records += 1
                        if rows.isFull {
                            let full = pool.takeBuilder()
                            rows.swapContents(with: full)
                            piece.filled.append(full)
                        }
                    case .skipped:
                        break
                    case .skippedRecord:
                        piece.skipped += 1
                    case .rejected(let reason, let detail):
                        reject(reason, detail, ref, bytes, piece)
                    }
                }
            }
        }
    }

    private func reject(_ reason: RejectReason, _ detail: String, _ ref: LineRef, _ bytes: UnsafeBufferPointer<UInt8>,
                        _ piece: ParsedPiece) {
        piece.rejects[reason, default: 0] += 1
        guard piece.encodedRejects < quarantineCap else {
            piece.unencodedRejects += 1
            return
        }
        piece.encodedRejects += 1
        quarantine.appendRow(file: file, line: ref.number, offset: ref.offset, reason: reason.rawValue, detail: detail,
                             raw: bytes, into: &piece.quarantine)
    }
}
