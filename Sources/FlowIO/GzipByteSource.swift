
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
/// The deflate data is inflated raw straight into the caller's buffer, in slices of at most
/// `inflateSliceSize` so the CRC-32 runs over cache-warm bytes, by ISA-L's igzip when it
/// can be loaded at run time, else by zlib (`GzipInflater`); headers and trailers are
/// checked here either way.
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
    /// The decoder in use (ISA-L only when it was asked for and loads).
    public let inflater: GzipInflater
    private let raw: ByteSource
    private let decoder: DeflateDecoder
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
    private var memberLength: UInt32 = 0
    private var trailer: UInt64 = 0
    private var trailerCount = 0
    /// Complete, verified members so far.
    public private(set) var membersRead = 0

    /// Wraps `raw`, which must deliver the gzip file from its first byte. `path` names the
    /// file in errors. `inflater` picks the decoder (ISA-L falls back to zlib when it
    /// cannot be loaded).
    public init(raw: ByteSource, path: String, inflater: GzipInflater = .preferred) throws {
        self.raw = raw
        self.path = path
        if inflater == .isal, let library = IsalLibrary.shared {
            decoder = IsalDeflateDecoder(library: library)
            self.inflater = .isal
        } else {
            do {
                decoder = try ZlibDeflateDecoder()
            } catch {
                throw FlowIOError.readFailed(path: path, reason: "zlib inflateInit2 failed (out of memory?)")
            }
            self.inflater = .zlib
        }
        input = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.inputBufferSize, alignment: 64)
    }

    deinit {
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
            do {
                try decoder.reset()
            } catch {
                throw FlowIOError.gzipCorrupt(path: path, offset: offset, reason: "the decoder could not be reset")
            }
            memberLength = 0
            state = .body
        }
    }

    /// One decoder step into at most `inflateSliceSize` bytes at `out`; returns bytes written.
    private func inflateSlice(into out: UnsafeMutableRawPointer, room: Int) throws -> Int {
        let sliceRoom = min(room, Self.inflateSliceSize)
        // Also called with no input left: a decoder may still hold output for a full buffer.
        let available = inputEnd - inputStart
        let step = decoder.step(input: UnsafeRawBufferPointer(start: input.baseAddress! + inputStart, count: available),
                                output: UnsafeMutableRawBufferPointer(start: out, count: sliceRoom))
        inputStart += step.consumed
        memberLength &+= UInt32(truncatingIfNeeded: step.produced)
        switch step.failure {
        case nil: break
        case .outOfMemory?:
            throw FlowIOError.readFailed(path: path, reason: "the gzip decoder ran out of memory while inflating")
        case .corrupt(let reason)?:
            throw FlowIOError.gzipCorrupt(path: path, offset: offset, reason: reason)
        }
        if step.ended {
            state = .trailer
            trailer = 0
            trailerCount = 0
            for k in 0..<step.overreadCount {
                trailer |= ((step.overread >> UInt64(8 * k)) & 0xFF) << (8 * UInt64(k))
            }
            trailerCount = step.overreadCount
        } else if step.consumed == 0 && step.produced == 0 {
            // No progress: legitimate only when the input is used up.
            guard available == 0 else {
                throw FlowIOError.gzipCorrupt(path: path, offset: offset, reason: "inflate made no progress")
            }
            if rawEnded {
                throw FlowIOError.gzipTruncated(path: path, offset: offset, memberOffset: memberOffset, part: .compressedData)
            }
        }
        return step.produced
    }

    private func readTrailer() throws {
        guard trailerCount == 8 || inputStart < inputEnd else {
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
        let computedCRC = decoder.crc
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
