import FlowFormats
import FlowIO

/// A `ChunkReader` whose first chunk has been looked at (to tell binary inputs from text
/// by their first decompressed bytes) and is handed out again first by `next()`. Used by
/// one thread at a time (the nfcapd reader thread takes it over while it runs).
final class PeekedChunks: @unchecked Sendable {
    let reader: ChunkReader
    /// The first `prefixLength` bytes of the content (fewer for a shorter input or first
    /// chunk; empty for an empty input).
    let prefix: [UInt8]
    /// Bytes kept in `prefix`: what `BinaryInputKind.detect` needs, and an nfcapd file
    /// header (40 bytes: its compression decides how the blocks are read).
    static let prefixLength = max(BinaryInputKind.prefixLength, 64)
    private var first: Chunk?
    /// Told the on-disk bytes read, after `base` bytes of earlier inputs.
    var progress: (meter: StageProgress, base: Int64)?

    /// Takes the first chunk of `reader`. Throws the source's error when even the first
    /// chunk cannot be read (a corrupt gzip header).
    init(reader: ChunkReader) throws {
        self.reader = reader
        if let chunk = try reader.next() {
            prefix = Array(UnsafeRawBufferPointer(rebasing: chunk.bytes.prefix(Self.prefixLength)))
            first = consume chunk
        } else {
            prefix = []
            first = nil
        }
    }

    /// The binary format the content starts with, or nil for text.
    var binaryKind: BinaryInputKind? {
        prefix.withUnsafeBytes { BinaryInputKind.detect(prefix: $0) }
    }

    /// The next chunk in stream order (the peeked one first); nil at the end.
    func next() throws -> Chunk? {
        if let chunk = first.take() {
            report(chunk.rawBytesConsumed)
            return chunk
        }
        guard let chunk = try reader.next() else { return nil }
        report(chunk.rawBytesConsumed)
        return chunk
    }

    private func report(_ rawBytes: Int64) {
        if let progress { progress.meter.setDone(progress.base + rawBytes) }
    }
}
