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

    /// Starts reading `source` on a new thread. The source must not be used elsewhere any
    /// more. `chunkCount` (at least 2) bounds the buffers in flight, including those held by
    /// the consumer.
    public init(source: ByteSource,
                chunkSize: Int = ChunkReader.defaultChunkSize,
                chunkCount: Int = ChunkReader.defaultChunkCount) {
        self.chunkSize = max(1, chunkSize)
        self.chunkCount = max(2, chunkCount)
        pipe = ChunkPipe(chunkSize: self.chunkSize, chunkCount: self.chunkCount)
        let handOver = SourceHandOver(source)
        let pipe = self.pipe
        let thread = Thread {
            ChunkReader.produce(source: handOver.take(), into: pipe)
            pipe.producerExited()
        }
        thread.name = "floe-chunk-reader"
        thread.start()
    }

    /// Starts reading an opened input's content.
    public convenience init(input: OpenedInput,
                            chunkSize: Int = ChunkReader.defaultChunkSize,
                            chunkCount: Int = ChunkReader.defaultChunkCount) {
        self.init(source: input.source, chunkSize: chunkSize, chunkCount: chunkCount)
    }

    deinit {
        cancel()
    }

    /// The next chunk in order; nil at the end of the stream. Throws the source's error
    /// (after the chunks that preceded it), and `allChunksHeld` instead of waiting forever
    /// when the consumer holds every buffer.
    public func next() throws -> Chunk? {
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

    private static func produce(source: ByteSource, into pipe: ChunkPipe) {
        var index = 0
        var offset: Int64 = 0
        while let slot = pipe.takeFreeSlot() {
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
                pipe.publish(.init(slot: slot, count: filled, index: index, offset: offset,
                                   rawBytesConsumed: source.rawBytesConsumed))
                index += 1
                offset += Int64(filled)
            } else {
                pipe.returnUnused(slot: slot)
            }
            if let failure {
                pipe.finish(.failed(failure))
                return
            }
            if atEnd {
                pipe.finish(.finished(Summary(fingerprint: source.rawFingerprint,
                                              rawBytes: source.rawBytesConsumed, contentBytes: offset)))
                return
            }
        }
    }
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
