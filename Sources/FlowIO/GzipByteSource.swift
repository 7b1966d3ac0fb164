import CZlib

/// Decompresses a gzip file (RFC 1952) as it is read, with bounded buffers.
///
/// - All members of a multi-member file are read, in order (as made by `pigz`, by
///   `cat a.gz b.gz`, or by `GzipEncoder` on several cores).
/// - Each member's header is checked (magic, method, reserved flags, FHCRC if present)
///   and its trailer is verified: CRC-32 and ISIZE mismatches are distinct errors.
/// - Input ending inside a member (header, compressed data or trailer) is `gzipTruncated`.
/// - After the last member, zero bytes up to the end of the file are accepted and ignored
///   (block padding, as written by tape and some copy tools); any other byte there is
///   `gzipTrailingData`. A file of zero bytes is an empty stream; an empty member is fine.
///
/// The deflate data is inflated raw (zlib windowBits -15) straight into the caller's
/// buffer, in slices of at most `inflateSliceSize` so the CRC-32 runs over cache-warm bytes.
public final class GzipByteSource: ByteSource {
    /// Bytes of compressed input buffered per read of the raw source.
    public static let inputBufferSize = 256 * 1024
    /// Largest output given to one `inflate` call.
    public static let inflateSliceSize = 256 * 1024

    private enum State {
        /// At a member boundary: the next byte starts a member, padding, or the end.
        case betweenMembers
        case header
        case body
        case trailer
        case zeroPadding
        case finished
        case failed(any Error)
    }

    public let path: String
    private let raw: ByteSource
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutableRawBufferPointer
    /// Unconsumed input is `input[inputStart..<inputEnd]`.
    private var inputStart = 0
    private var inputEnd = 0
    /// File offset of `input[0]`.
    private var inputBase: Int64 = 0
    private var rawEnded = false

    private var state = State.betweenMembers
    private var header = GzipHeaderParser()
    private var memberOffset: Int64 = 0
    private var memberCRC: uLong = 0
    private var memberLength: UInt32 = 0
    private var trailer: UInt64 = 0
    private var trailerCount = 0
    /// Complete, verified members so far.
    public private(set) var membersRead = 0

    /// Wraps `raw`, which must deliver the gzip file from its first byte. `path` names the
    /// file in errors.
    public init(raw: ByteSource, path: String) throws {
        self.raw = raw
        self.path = path
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        guard floe_inflateInit2(stream, -15) == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw FlowIOError.readFailed(path: path, reason: "zlib inflateInit2 failed (out of memory?)")
        }
        input = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.inputBufferSize, alignment: 64)
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        input.deallocate()
    }

    public var rawBytesConsumed: Int64 { raw.rawBytesConsumed }

    public var rawFingerprint: Fingerprint? {
        if case .finished = state { return raw.rawFingerprint }
        return nil
    }

    /// File offset of the next unconsumed compressed byte.
    private var offset: Int64 { inputBase + Int64(inputStart) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let out = buffer.baseAddress else { return 0 }
        var produced = 0
        do {
            while produced < buffer.count {
                if inputStart == inputEnd && !rawEnded { try refill() }
                switch state {
                case .betweenMembers:
                    guard inputStart < inputEnd else {
                        state = .finished
                        return produced
                    }
                    let byte = input[inputStart]
                    if byte == 0 && membersRead > 0 {
                        state = .zeroPadding
                    } else if byte == 0x1f || membersRead == 0 {
                        startMember()
                    } else {
                        throw FlowIOError.gzipTrailingData(path: path, offset: offset)
                    }
                case .header:
                    try parseHeader()
                case .body:
                    produced += try inflateSlice(into: out + produced, room: buffer.count - produced)
                case .trailer:
                    try readTrailer()
                case .zeroPadding:
                    try skipZeroPadding()
                    if inputStart == inputEnd && rawEnded {
                        state = .finished
                        return produced
                    }
                case .finished:
                    return produced
                case .failed(let error):
                    throw error
                }
            }
            return produced
        } catch {
            state = .failed(error)
            // Deliver what was decompressed before the error; the next call throws it.
            if produced > 0 { return produced }
            throw error
        }
    }

    private func refill() throws {
        inputBase += Int64(inputEnd)
        inputStart = 0
        inputEnd = try raw.read(into: input)
        if inputEnd == 0 { rawEnded = true }
    }

    private func startMember() {
        state = .header
        header = GzipHeaderParser()
        memberOffset = offset
    }

    private func parseHeader() throws {
        guard inputStart < inputEnd else {
            throw FlowIOError.gzipTruncated(path: path, offset: offset, memberOffset: memberOffset, part: .header)
        }
        let slice = UnsafeBufferPointer(start: input.baseAddress!.assumingMemoryBound(to: UInt8.self) + inputStart,
                                        count: inputEnd - inputStart)
        do throws(GzipHeaderProblem) {
            inputStart += try header.consume(slice)
        } catch {
            throw FlowIOError.gzipCorrupt(path: path, offset: offset + Int64(error.index), reason: error.reason)
        }
        if header.isDone {
            guard inflateReset(stream) == Z_OK else {
                throw FlowIOError.gzipCorrupt(path: path, offset: offset, reason: "zlib inflateReset failed")
            }
            memberCRC = crc32(0, nil, 0)
            memberLength = 0
            state = .body
        }
    }

    /// One `inflate` call into at most `inflateSliceSize` bytes at `out`; returns bytes written.
    private func inflateSlice(into out: UnsafeMutableRawPointer, room: Int) throws -> Int {
        let sliceRoom = min(room, Self.inflateSliceSize)
        let available = inputEnd - inputStart
        stream.pointee.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self) + inputStart
        stream.pointee.avail_in = uInt(available)
        stream.pointee.next_out = out.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(sliceRoom)
        let status = inflate(stream, Z_NO_FLUSH)
        let written = sliceRoom - Int(stream.pointee.avail_out)
        inputStart += available - Int(stream.pointee.avail_in)
        if written > 0 {
            memberCRC = crc32(memberCRC, out.assumingMemoryBound(to: Bytef.self), uInt(written))
            memberLength &+= UInt32(truncatingIfNeeded: written)
        }
        switch status {
        case Z_OK:
            break
        case Z_STREAM_END:
            state = .trailer
            trailer = 0
            trailerCount = 0
        case Z_BUF_ERROR:
            // No progress was possible: only legitimate when the input is used up.
            guard inputStart == inputEnd else {
                throw FlowIOError.gzipCorrupt(path: path, offset: offset, reason: "inflate made no progress")
            }
            if rawEnded {
                throw FlowIOError.gzipTruncated(path: path, offset: offset, memberOffset: memberOffset,
                                                part: .compressedData)
            }
        case Z_DATA_ERROR:
            throw FlowIOError.gzipCorrupt(path: path, offset: offset, reason: zlibMessage(default: "invalid deflate data"))
        case Z_MEM_ERROR:
            throw FlowIOError.readFailed(path: path, reason: "zlib ran out of memory while inflating")
        default:
            throw FlowIOError.gzipCorrupt(path: path, offset: offset, reason: "inflate returned \(status)")
        }
        return written
    }

    private func zlibMessage(default fallback: String) -> String {
        guard let message = stream.pointee.msg else { return fallback }
        return String(cString: message)
    }

    private func readTrailer() throws {
        guard inputStart < inputEnd else {
            throw FlowIOError.gzipTruncated(path: path, offset: offset, memberOffset: memberOffset, part: .trailer)
        }
        while trailerCount < 8 && inputStart < inputEnd {
            trailer |= UInt64(input[inputStart]) << (8 * UInt64(trailerCount))
            trailerCount += 1
            inputStart += 1
        }
        guard trailerCount == 8 else { return }
        let trailerOffset = offset - 8
        let storedCRC = UInt32(truncatingIfNeeded: trailer)
        let storedLength = UInt32(truncatingIfNeeded: trailer >> 32)
        let computedCRC = UInt32(truncatingIfNeeded: memberCRC)
        guard storedCRC == computedCRC else {
            throw FlowIOError.gzipCRCMismatch(path: path, offset: trailerOffset, stored: storedCRC, computed: computedCRC)
        }
        guard storedLength == memberLength else {
            throw FlowIOError.gzipLengthMismatch(path: path, offset: trailerOffset + 4,
                                                 stored: storedLength, computed: memberLength)
        }
        membersRead += 1
        state = .betweenMembers
    }

    private func skipZeroPadding() throws {
        while inputStart < inputEnd {
            guard input[inputStart] == 0 else {
                throw FlowIOError.gzipTrailingData(path: path, offset: offset)
            }
            inputStart += 1
        }
    }
}
