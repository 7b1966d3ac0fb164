import FlowCore
import FlowFormats

/// How a binary input reaches its reader, one chunk's worth at a time: each chunk fed on
/// the decoding thread (`ChunkFeed`), or, for compressed nfcapd files, blocks framed and
/// decompressed ahead on the reader thread (`NfcapdAheadFeed`). `BinaryStreamRun` drives
/// either the same way, so both give the same rows, rejects and quarantine lines.
protocol BinaryFeed {
    associatedtype Reader: BinaryFlowReader
    /// Decodes the next chunk's worth of input into `rows` with `reader`, then calls
    /// `collect` (the rows are taken) and `drain` with the quote lookup of the chunk's
    /// rejects (`RejectQuotes`), also when the decoding throws (after which it rethrows).
    /// Returns false, without calling either, at the end of the input.
    mutating func feedNext(_ reader: inout Reader, into rows: FlowBatchBuilder, collect: () -> Void,
                           drain: (inout Reader, (Int64) -> UnsafeRawBufferPointer?) -> Void) throws -> Bool
    /// Ends the input: decodes or rejects what the reader still holds
    /// (`BinaryFlowReader.finish`).
    mutating func finish(_ reader: inout Reader, into rows: FlowBatchBuilder) throws
}

/// Each chunk fed to the reader on this thread, as it comes.
struct ChunkFeed<Reader: BinaryFlowReader>: BinaryFeed {
    let chunks: PeekedChunks

    mutating func feedNext(_ reader: inout Reader, into rows: FlowBatchBuilder, collect: () -> Void,
                           drain: (inout Reader, (Int64) -> UnsafeRawBufferPointer?) -> Void) throws -> Bool {
        guard let chunk = try chunks.next() else { return false }
        let bytes = chunk.bytes
        let offset = chunk.offset
        let quote = { (at: Int64) in RejectQuotes.quote(at: at, window: bytes, windowOffset: offset) }
        do {
            defer { collect() }
            try reader.feed(bytes, into: rows)
        } catch {
            drain(&reader, quote)
            throw error
        }
        drain(&reader, quote)
        return true
    }

    mutating func finish(_ reader: inout Reader, into rows: FlowBatchBuilder) throws {
        try reader.finish(into: rows)
    }
}
