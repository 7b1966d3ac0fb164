import FlowIO

/// An input with nothing in it to ingest — what a failed export leaves behind: a file of 0
/// bytes (also one named `.gz`: it has not even a gzip header), a gzip stream that
/// decompresses to 0 bytes, or text that ends before its header line. Such an input is
/// `failed` (one quarantine line, exit 1) rather than silently `ok` with no rows; a text
/// file with a header and no rows is a genuine empty result and stays `ok`.
struct EmptyInputError: Error, CustomStringConvertible {
    enum Kind: Equatable {
        /// 0 bytes on disk.
        case zeroBytes
        /// A gzip stream whose members hold 0 bytes.
        case decompressesToNothing
        /// Text without a header line (only blank lines, or an incomplete Zeek header).
        case noHeader
    }

    let path: String
    let kind: Kind

    var description: String {
        switch kind {
        case .zeroBytes:
            let gz = path.hasSuffix(".gz") ? " (not even a gzip header)" : ""
            return "\(path): is empty: 0 bytes\(gz); a failed export? Re-export the file, or remove it from the inputs."
        case .decompressesToNothing:
            return "\(path): is empty: its gzip stream decompresses to 0 bytes; a failed export? Re-export the file, or remove it from the inputs."
        case .noHeader:
            return "\(path): has no complete header line (only blank lines, an incomplete Zeek header, or a header cut off before its line end); a failed export? Re-export the file, or name the dialect with --dialect if its header is missing on purpose."
        }
    }

    /// The error for an input whose content is empty, nil when it has content.
    static func check(_ chunks: PeekedChunks, path: String, compression: InputCompression) -> EmptyInputError? {
        guard chunks.prefix.isEmpty else { return nil }
        return EmptyInputError(path: path, kind: compression == .gzip ? .decompressesToNothing : .zeroBytes)
    }
}
