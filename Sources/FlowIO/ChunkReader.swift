import Foundation

/// One filled buffer from a `ChunkReader`. It is non-copyable: exactly one owner holds it,
/// and its buffer goes back to the reader when it is released (`release()`, or simply when
/// it goes out of scope). `bytes` is valid only while the chunk is alive — do not keep the
/// pointer past `release()`. A chunk may be moved to another thread (its single owner
/// changes; the buffer hand-back is locked).
public struct Chunk: ~Copyable, @unchecked Sendable {
    /// The chunk's bytes (decompressed content).
    public let bytes: UnsafeRawBufferPointer
    /// 0, 1, 2, … in stream order.
    public let index: Int
    /// Offset of `bytes[0]` in the decompressed stream.
    public let offset: Int64
    /// Raw (on-disk) bytes the source had consumed when this chunk was complete. For gzip
    /// this runs ahead of the chunk by up to the input buffer (256 KiB): use it for progress
    /// and as an approximate position in error messages.
    public let rawBytesConsumed: Int64
    private let slot: Int
    private let pipe: ChunkPipe

    init(pipe: ChunkPipe, filled: ChunkPipe.Filled) {
        self.pipe = pipe
        slot = filled.slot
        index = filled.index
        offset = filled.offset
        rawBytesConsumed = filled.rawBytesConsumed
        bytes = UnsafeRawBufferPointer(rebasing: pipe.buffers[filled.slot][0..<filled.count])
    }

    /// Gives the buffer back to the reader for reuse.
    public consuming func release() {}

    deinit {
        pipe.recycle(slot: slot)
    }
}

/// Reads a `ByteSource` on a background thread into fixed-size chunks, so that reading and
/// inflating run on one core while the consumer parses on another. At most `chunkCount`
/// buffers exist; they are recycled, so memory is bounded by `chunkSize * chunkCount`.
///
/// Use from one consumer thread:
///
///     let reader = ChunkReader(input: try openInput(path: path))
///     while let chunk = try reader.next() {
///         parse(chunk.bytes)
///     }   // each chunk is released at the end of its iteration
///     let fingerprint = reader.summary?.fingerprint
///
/// Every chunk but the last is exactly `chunkSize` bytes. A source error is thrown by
/// `next()` after all chunks read before it. Dropping the reader (or `cancel()`) stops the
/// thread and waits for it; chunks still held stay valid until released.
///
/// `onCallingThread: true` reads on the consumer's thread instead, inside `next()`: the
/// same chunks in the same order, without a thread. For small inputs ingested several at
/// a time, where the thread's start and hand-offs cost more than the overlap gains.
public final class ChunkReader {
    /// What is known once the source has been read to its end.
    public struct Summary: Sendable, Equatable {
        /// Fingerprint of the raw file bytes (nil if the source does not hash).
        public let fingerprint: Fingerprint?
        /// Raw (on-disk) bytes read.
        public let rawBytes: Int64
        /// Content bytes delivered (decompressed size for gzip).
        public let contentBytes: Int64
    }

    public static let defaultChunkSize = 4 * 1024 * 1024
    public static let defaultChunkCount = 3

    public let chunkSize: Int
    public let chunkCount: Int
    private let pipe: ChunkPipe
    private var cancelled = false
    /// The source and position when reading on the calling thread (nil with a thread).
    private var inline: InlineProducer?

    /// Starts reading `source` on a new thread, or (`onCallingThread`) prepares to read it
    /// in `next()`. The source must not be used elsewhere any more. `chunkCount` (at least
    /// 2) bounds the buffers in flight, including those held by the consumer.
    public init(source: ByteSource,
                chunkSize: Int = ChunkReader.defaultChunkSize,
                chunkCount: Int = ChunkReader.defaultChunkCount,
                onCallingThread: Bool = false) {
        self.chunkSize = max(1, chunkSize)
        self.chunkCount = max(2, chunkCount)
        pipe = ChunkPipe(chunkSize: self.chunkSize, chunkCount: self.chunkCount)
        if onCallingThread {
            inline = InlineProducer(source: source)
            pipe.producerExited()
            return
        }
        let handOver = SourceHandOver(source)
        let pipe = self.pipe
        let thread = Thread {
            ChunkReader.produce(source: handOver.take(), into: pipe)
            pipe.producerExited()
        }
        thread.name = "floe-chunk-reader"
        thread.start()
    }

    /// Starts reading an opened input's content (see `init(source:…)`).
    public convenience init(input: OpenedInput,
                            chunkSize: Int = ChunkReader.defaultChunkSize,
                            chunkCount: Int = ChunkReader.defaultChunkCount,
                            onCallingThread: Bool = false) {
        self.init(source: input.source, chunkSize: chunkSize, chunkCount: chunkCount, onCallingThread: onCallingThread)
    }

    deinit {
        cancel()
    }

    /// The next chunk in order; nil at the end of the stream. Throws the source's error
    /// (after the chunks that preceded it), and `allChunksHeld` instead of waiting forever
    /// when the consumer holds every buffer.
    public func next() throws -> Chunk? {
        if let inline, !inline.ended, !cancelled, let slot = pipe.takeFreeSlotIfAny() {
            inline.ended = !Self.fill(slot: slot, from: inline.source, into: pipe, position: &inline.position)
        }
        guard let filled = try pipe.takeReady() else { return nil }
        return Chunk(pipe: pipe, filled: filled)
    }

    /// Fingerprint and byte counts, once `next()` has returned nil (nil before).
    public var summary: Summary? { pipe.summary }

    /// Stops reading early: the background thread finishes its current read, exits, and
    /// this call waits for it. Safe to call more than once.
    public func cancel() {
        guard !cancelled else { return }
        cancelled = true
        pipe.cancelAndWait()
    }

    /// Where the next chunk starts in the stream.
    struct Position {
        var index = 0
        var offset: Int64 = 0
    }

    private static func produce(source: ByteSource, into pipe: ChunkPipe) {
        var position = Position()
        while let slot = pipe.takeFreeSlot() {
            if !fill(slot: slot, from: source, into: pipe, position: &position) { return }
        }
    }

    /// Reads into buffer `slot` until it is full or the stream ends, and publishes it (an
    /// empty one goes back unused). Returns false once the stream has ended or failed (the
    /// pipe is then finished).
    private static func fill(slot: Int, from source: ByteSource, into pipe: ChunkPipe, position: inout Position) -> Bool {
        let buffer = pipe.buffers[slot]
        var filled = 0
        var failure: (any Error)?
        var atEnd = false
        while filled < buffer.count {
            do {
                let got = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
                if got == 0 {
                    atEnd = true
                    break
                }
                filled += got
            } catch {
                failure = error
                break
            }
            if pipe.isCancelled { break }
        }
        if filled > 0 {
            pipe.publish(.init(slot: slot, count: filled, index: position.index, offset: position.offset,
                               rawBytesConsumed: source.rawBytesConsumed))
            position.index += 1
            position.offset += Int64(filled)
        } else {
            pipe.returnUnused(slot: slot)
        }
        if let failure {
            pipe.finish(.failed(failure))
            return false
        }
        if atEnd {
            pipe.finish(.finished(Summary(fingerprint: source.rawFingerprint,
                                          rawBytes: source.rawBytesConsumed, contentBytes: position.offset)))
            return false
        }
        return true
    }
}

/// The source of a `ChunkReader` that reads on its consumer's thread, and how far it got.
private final class InlineProducer {
    let source: ByteSource
    var position = ChunkReader.Position()
    var ended = false

    init(source: ByteSource) { self.source = source }
}

/// Moves a source to the producer thread. After `take()` the consumer side holds no
/// reference the thread does not know about: `ChunkReader` never touches the source again.
private final class SourceHandOver: @unchecked Sendable {
    private var source: ByteSource?
    private let lock = NSLock()

    init(_ source: ByteSource) {
        self.source = source
    }

    func take() -> ByteSource {
        lock.lock()
        defer { lock.unlock() }
        let taken = source!
        source = nil
        return taken
    }
}
