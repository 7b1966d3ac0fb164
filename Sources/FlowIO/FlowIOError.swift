/// The part of a gzip member in which the compressed input ended too early.
public enum GzipMemberPart: String, Sendable, Equatable {
    case header
    case compressedData = "compressed data"
    case trailer
}

/// Errors of byte sources, readers, writers and input discovery. Messages name the file
/// and the byte offset where that helps, and say what to do.
///
/// Gzip offsets are offsets in the compressed file as it is on disk.
public enum FlowIOError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(path: String, reason: String)
    case readFailed(path: String, reason: String)
    case writeFailed(path: String, reason: String)
    case compression(String)
    /// The file ended inside a gzip member; `offset` is where the input ended,
    /// `memberOffset` where that member began.
    case gzipTruncated(path: String, offset: Int64, memberOffset: Int64, part: GzipMemberPart)
    /// A gzip header is malformed or the deflate data is corrupt at about `offset`.
    case gzipCorrupt(path: String, offset: Int64, reason: String)
    /// The CRC-32 in a member trailer (at `offset`) differs from the decompressed data's.
    case gzipCRCMismatch(path: String, offset: Int64, stored: UInt32, computed: UInt32)
    /// The ISIZE in a member trailer (at `offset`) differs from the decompressed length mod 2^32.
    case gzipLengthMismatch(path: String, offset: Int64, stored: UInt32, computed: UInt32)
    /// Bytes after the last complete member that are neither a gzip member nor zero padding.
    case gzipTrailingData(path: String, offset: Int64)
    /// Every chunk buffer of a `ChunkReader` is held by the consumer, so no more can be read.
    case allChunksHeld(count: Int)
    /// An input spec (file, folder or glob) matched no regular file.
    case noInputMatched(spec: String)
    /// Another process holds the output folder's writer lock (`OutputFolderClaim`).
    case folderBusy(path: String, holder: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            return "\(path): cannot open: \(reason). Check the path and its permissions."
        case .readFailed(let path, let reason):
            return "\(path): read failed: \(reason)."
        case .writeFailed(let path, let reason):
            return "\(path): write failed: \(reason). Check free space and permissions of the output folder."
        case .compression(let reason):
            return "gzip compression failed: \(reason)."
        case .gzipTruncated(let path, let offset, let memberOffset, let part):
            return "\(path): gzip input ends at byte \(offset) inside the \(part.rawValue) of the member "
                + "starting at byte \(memberOffset). The file is truncated; re-copy or re-download it."
        case .gzipCorrupt(let path, let offset, let reason):
            return "\(path): corrupt gzip data near compressed byte \(offset): \(reason). "
                + "The file is damaged; re-copy it or check `gzip -t`."
        case .gzipCRCMismatch(let path, let offset, let stored, let computed):
            return "\(path): gzip CRC-32 mismatch in the trailer at byte \(offset): stored "
                + hex8(stored) + ", data gives " + hex8(computed) + ". The file is damaged; re-copy it."
        case .gzipLengthMismatch(let path, let offset, let stored, let computed):
            return "\(path): gzip length mismatch in the trailer at byte \(offset): stored \(stored), "
                + "data gives \(computed) (mod 2^32). The file is damaged; re-copy it."
        case .gzipTrailingData(let path, let offset):
            return "\(path): unexpected non-gzip bytes at byte \(offset) after the last gzip member. "
                + "Remove the trailing data (zero padding alone is accepted)."
        case .allChunksHeld(let count):
            return "all \(count) chunk buffers are held by the consumer; release a chunk before asking "
                + "for the next one (or use more chunks in flight)."
        case .folderBusy(let path, let holder):
            return "\(path): \(holder.isEmpty ? "another floe stage" : holder) is writing this folder. "
                + "Wait for it to finish, or stop it, and run again."
        case .noInputMatched(let spec):
            return "input '\(spec)' matches no regular file. Check the path, or quote the glob "
                + "so the shell does not expand it."
        }
    }
}

private func hex8(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}
