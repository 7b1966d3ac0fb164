/// A forward-only stream of bytes (a file, or the decompressed content of one).
///
/// A source is used from one thread at a time; `ChunkReader` moves it to its own thread.
public protocol ByteSource: AnyObject {
    /// Writes bytes to the start of `buffer` and returns how many: at least 1 unless the
    /// stream has ended (0 means the end, and only the end). `FileByteSource` and
    /// `GzipByteSource` fill the whole buffer unless the stream ends first. `buffer` must
    /// not be empty. After an error, later calls throw again.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int

    /// Bytes of the underlying file consumed so far (compressed bytes for gzip), for
    /// error offsets and progress.
    var rawBytesConsumed: Int64 { get }

    /// The fingerprint of all raw file bytes, once the source has returned 0 (nil before,
    /// after an error, or if the source does not hash).
    var rawFingerprint: Fingerprint? { get }
}
