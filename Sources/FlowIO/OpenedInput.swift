/// How an input file is compressed, decided from its first bytes.
public enum InputCompression: String, Sendable, Codable {
    case none
    case gzip
}

/// An input file opened for reading: its decompressed byte stream plus what is known
/// about the file itself.
public final class OpenedInput {
    public let path: String
    public let compression: InputCompression
    /// Size of the file on disk when opened (compressed size for gzip).
    public let fileSize: Int64
    /// The content: the file itself, or its decompressed bytes. Read it from one thread
    /// at a time. Once the input is handed to a `ChunkReader`, the reader's thread owns the
    /// source: do not read it, `rawBytesConsumed` or `rawFingerprint` here any more (use
    /// `Chunk.rawBytesConsumed` and `ChunkReader.summary`).
    public let source: ByteSource

    init(path: String, compression: InputCompression, fileSize: Int64, source: ByteSource) {
        self.path = path
        self.compression = compression
        self.fileSize = fileSize
        self.source = source
    }

    /// Bytes of the file consumed so far.
    public var rawBytesConsumed: Int64 { source.rawBytesConsumed }

    /// Fingerprint of the raw file bytes, once the source has been read to its end.
    public var rawFingerprint: Fingerprint? { source.rawFingerprint }
}

/// Opens `path` for reading. Gzip is recognised by the magic bytes 1f 8b at the start of
/// the file, never by its name; everything else (including an empty file) is read as is.
public func openInput(path: String) throws -> OpenedInput {
    let file = try FileByteSource(path: path)
    let magic = try file.peek(count: 2)
    if magic == [0x1f, 0x8b] {
        return OpenedInput(path: path, compression: .gzip, fileSize: file.fileSize,
                           source: try GzipByteSource(raw: file, path: path))
    }
    return OpenedInput(path: path, compression: .none, fileSize: file.fileSize, source: file)
}
