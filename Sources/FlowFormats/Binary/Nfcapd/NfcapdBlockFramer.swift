import FlowIO

/// One unit of an nfcapd file as `NfcapdBlockFramer` hands it on to the decoding
/// (`NfcapdReader.decode(_:into:)`).
public enum NfcapdUnit: @unchecked Sendable {
    /// The 40-byte file header (sent before it is checked: the manifest reports what an
    /// unreadable file's header says).
    case header(NfcapdFileHeader)
    /// A block, its payload decompressed when it was compressed.
    case block(NfcapdBlock)
    /// The file ends inside a block that starts at `offset`: `records` its header announced
    /// (1 when that is cut off too), `detail` says how much is missing.
    case cutOff(offset: Int64, records: Int, detail: String)
}

/// The fields of an nfcapd file header that floe reads.
public struct NfcapdFileHeader: Sendable, Equatable {
    public var nfdumpVersion: UInt32
    /// 0 none, 1 LZO, 2 BZ2, 3 LZ4, 4 ZSTD.
    public var compression: UInt8
    public var encryption: UInt8
    public var creator: UInt32
    public var blocks: UInt32
}

/// A block of an nfcapd file: its 12-byte header and its records' bytes.
public struct NfcapdBlock: @unchecked Sendable {
    /// File offset of the block header (rejects name it).
    public var offset: Int64
    /// Records the block header announces.
    public var records: Int
    /// 3 data, 2 appendix of older files; others are not flow data.
    public var type: UInt16
    /// The records of a data block (empty for other blocks and one that failed to
    /// decompress): in `buffer`, or (no buffer) the stored payload, valid only while the
    /// framer's sink runs.
    public var payload: UnsafeRawBufferPointer
    /// The memory holding the payload: decompressed, or copied when the framer has a
    /// `bufferSupply` (nil otherwise).
    public var buffer: NfcapdBlockBuffer?
    /// Why the payload did not decompress (nil when it did, or was not compressed).
    public var failure: String?
}

/// The first half of reading an nfcapd file (nfdump 1.7.x, layout version 2), fed in
/// chunks of any size: it frames the 40-byte file header and the blocks (12-byte header and
/// payload), decompresses compressed data blocks (LZO, BZ2 or LZ4) and hands each unit to a
/// sink. `NfcapdReader` decodes the units; it runs this framer on its own thread, or
/// floe-ingest runs it on the reader thread, a few blocks ahead of the decoding.
///
/// Throws `BinaryFormatError` for what ends the reading (not an nfcapd header, layout 1,
/// ZSTD or unknown compression, encryption, a block header whose length loses the
/// framing), after handing on every unit before it.
public struct NfcapdBlockFramer: Sendable, UnitStreamReader {
    public typealias Sink = (NfcapdUnit) throws -> Void

    var headerDone = false
    var carry: [UInt8] = []
    var offset: Int64 = 0
    /// The file header's compression (0 until it is read).
    var compression: UInt8 = 0
    /// The decoder of LZ4 blocks (tests pick each; `FLOE_LZ4_DECODER` sets the default).
    public var lz4Decoder = LZ4Decoder.preferred
    /// Where data blocks' payloads are handed on. Nil: compressed ones are decompressed
    /// into one buffer reused for every block, stored ones point into the chunk fed (both
    /// valid while the sink runs). Set: every data block's payload, decompressed or
    /// copied, is in a buffer of its own from this supply, handed on with the unit, so it
    /// outlives the sink call. The supply returns nil when the reading should stop; the
    /// framer then throws `CancellationError`.
    public var bufferSupply: (@Sendable () -> NfcapdBlockBuffer?)?
    /// A class instance: copies of a framer (and of the `NfcapdReader` holding it) share
    /// this buffer, so a framer and its copies must be used by one thread, one at a time
    /// (every reader here is; `NfcapdBlocksAhead` gives its thread a framer of its own).
    private var reused = NfcapdBlockBuffer()

    /// Largest block (compressed or not) accepted.
    public static let maxBlockLength = 64 << 20

    /// Whether the file whose first bytes are `header` (an nfcapd file header, 40 bytes)
    /// has compressed blocks; false when the header is cut short.
    public static func compressesBlocks(header: UnsafeRawBufferPointer) -> Bool {
        header.count > 16 && header[16] != 0
    }

    public init() {}

    /// Frames and hands on every whole unit of `chunk` (and the unit it completes); keeps a
    /// trailing partial unit for the next call.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer, into sink: Sink) throws {
        try withoutActuallyEscaping(sink) { try feedUnits(chunk, into: $0) }
    }

    /// Ends the input: throws when the file header is incomplete, hands on a block cut off
    /// by the end of the file as `cutOff`.
    public mutating func finish(into sink: Sink) throws {
        guard headerDone else {
            throw BinaryFormatError.truncated(offset: 0, detail: "nfcapd file header needs 40 bytes, the file has \(carry.count)")
        }
        guard !carry.isEmpty else { return }
        let records = carry.count >= 4 ? carry.withUnsafeBytes { Int(BinaryBytes.le32($0, 0)) } : 1
        let size = carry.count >= 8 ? carry.withUnsafeBytes { Int(BinaryBytes.le32($0, 4)) } : 0
        let cut = NfcapdUnit.cutOff(offset: offset, records: min(records, 1 << 20),
                                    detail: "nfcapd block of \(size) bytes runs past the end of the file (\(carry.count - 12) bytes present)")
        carry.removeAll()
        try sink(cut)
    }

    /// A unit whose length is not known yet: gather up to the 40-byte file header.
    func moreBytesToProbe(have: Int) -> Int { 40 - have }

    func unitLength(_ p: UnsafeRawBufferPointer) throws -> Int? {
        if !headerDone {
            guard p.count >= 4 else { return nil }
            guard BinaryBytes.le16(p, 0) == 0xA50C else {
                throw BinaryFormatError.unrecognizedHeader(offset: 0, detail: "nfcapd magic 0xA50C missing")
            }
            let layout = BinaryBytes.le16(p, 2)
            guard layout == 2 else {
                throw BinaryFormatError.unrecognizedHeader(offset: 2, detail: "nfdump file layout \(layout); floe reads layout 2 (nfdump 1.7). Convert with nfdump 1.7: `nfdump -r FILE -w NEWFILE`")
            }
            return 40
        }
        guard p.count >= 12 else { return nil }
        let size = Int(BinaryBytes.le32(p, 4))
        guard size <= Self.maxBlockLength else {
            throw BinaryFormatError.corrupt(offset: offset, detail: "nfcapd block header says \(size) bytes (limit \(Self.maxBlockLength)): the file is corrupt from here")
        }
        return 12 + size
    }

    mutating func processUnit(_ p: UnsafeRawBufferPointer, into sink: Sink) throws {
        if !headerDone {
            headerDone = true
            try header(p, into: sink)
            return
        }
        var block = NfcapdBlock(offset: offset, records: Int(BinaryBytes.le32(p, 0)), type: BinaryBytes.le16(p, 8),
                                payload: UnsafeRawBufferPointer(start: nil, count: 0))
        // Only data blocks' payloads are read.
        if block.type == 3 {
            let payload = UnsafeRawBufferPointer(rebasing: p[12...])
            if compression != 0 && BinaryBytes.le16(p, 10) & 1 == 0 {
                try decompress(payload, into: &block)
            } else if let bufferSupply {
                // The payload must outlive the chunk it lies in.
                guard let buffer = bufferSupply() else { throw CancellationError() }
                let room = buffer.reserve(payload.count)
                room.copyMemory(from: payload)
                block.payload = UnsafeRawBufferPointer(rebasing: room[0..<payload.count])
                block.buffer = buffer
            } else {
                block.payload = payload
            }
        }
        try sink(.block(block))
    }

    /// Reads the file header, hands it on, then refuses what floe cannot read.
    mutating func header(_ p: UnsafeRawBufferPointer, into sink: Sink) throws {
        let c = BinaryCursor(p)
        guard let version = c.le32(at: 4), let compression = c.u8(at: 16), let creator = c.le32(at: 20),
              let blocks = c.le32(at: 36), let encryption = c.u8(at: 17) else {
            throw BinaryFormatError.truncated(offset: 0, detail: "nfcapd file header needs 40 bytes, the file has \(p.count)")
        }
        self.compression = compression
        try sink(.header(NfcapdFileHeader(nfdumpVersion: version, compression: compression, encryption: encryption,
                                          creator: creator, blocks: blocks)))
        switch compression {
        case 0, 1, 2, 3: break
        case 4: throw BinaryFormatError.unsupportedCompression(name: "ZSTD", offset: 16)
        default: throw BinaryFormatError.unsupportedCompression(name: "unknown (\(compression))", offset: 16)
        }
        if encryption != 0 {
            throw BinaryFormatError.corrupt(offset: 17, detail: "nfcapd file is encrypted (\(encryption)); floe reads unencrypted files only")
        }
    }

    /// Sets the block's payload to the decompressed `src`, or its failure.
    mutating func decompress(_ src: UnsafeRawBufferPointer, into block: inout NfcapdBlock) throws {
        // LZ4 and LZO expand at most ~255x (a run byte is worth 255); BZ2 can expand far
        // more, so it gets the whole 32 MiB (nfdump's blocks are 5 MiB at most).
        let limit = compression == 2 ? 32 << 20 : min(32 << 20, src.count * 256 + 1024)
        let out: NfcapdBlockBuffer
        if let bufferSupply {
            guard let fresh = bufferSupply() else { throw CancellationError() }
            out = fresh
        } else {
            out = reused
        }
        do {
            let n: Int
            switch compression {
            case 1: n = try NfcapdBlockDecompressor.lzo1x(src, into: out, limit: limit)
            case 2: n = try NfcapdBlockDecompressor.bz2(src, into: out, limit: limit)
            default: n = try NfcapdBlockDecompressor.lz4(src, into: out, limit: limit, decoder: lz4Decoder)
            }
            block.payload = UnsafeRawBufferPointer(rebasing: out.bytes[0..<n])
        } catch let e as NfcapdBlockDecompressor.Failure {
            block.failure = e.detail
        }
        block.buffer = out
    }
}
