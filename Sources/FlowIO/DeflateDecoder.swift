import CZlib
import Foundation

/// Which raw-deflate decoder a `GzipByteSource` uses.
public enum GzipInflater: String, Sendable, CaseIterable {
    /// zlib, always present.
    case zlib
    /// ISA-L's igzip (`libisal.so.2`), when it can be loaded (see `IsalLibrary`).
    case isal

    /// Environment variable that forces a decoder: `zlib` or `isal` (the latter falls
    /// back to zlib when ISA-L cannot be loaded). Unset: ISA-L when present.
    public static let environmentVariable = "FLOE_GZIP_INFLATE"

    /// The decoder used when none is asked for: the environment's choice, else ISA-L when
    /// it loads, else zlib.
    public static let preferred: GzipInflater = {
        let asked = ProcessInfo.processInfo.environment[environmentVariable].flatMap(GzipInflater.init(rawValue:))
        if asked == .zlib { return .zlib }
        return IsalLibrary.shared != nil ? .isal : .zlib
    }()
}

/// What one decoding step did.
struct DeflateStep {
    var consumed: Int
    var produced: Int
    /// The deflate stream's final block has been decoded and all its output delivered.
    var ended: Bool
    /// Once `ended`: bytes the decoder read past the end of the stream (ISA-L reads input
    /// 8 bytes at a time), which are the next bytes of the file, first byte in the low bits.
    var overread: UInt64 = 0
    var overreadCount = 0
    /// Set when the input is not valid deflate data (after `consumed` bytes).
    var failure: DeflateFailure?
}

/// Why a decoding step failed.
enum DeflateFailure: Error {
    /// The input is not valid deflate data.
    case corrupt(String)
    /// The decoder could not get memory.
    case outOfMemory
}

/// A raw deflate (RFC 1951) decoder for one member at a time, keeping the CRC-32 of what it
/// produced since the last `reset()` (the gzip trailer's checksum).
protocol DeflateDecoder: AnyObject {
    /// Starts a new deflate stream (a new gzip member).
    func reset() throws(DeflateFailure)
    /// Decodes from `input` into `output` (both non-empty).
    func step(input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer) -> DeflateStep
    /// CRC-32 of the bytes produced since the last `reset()`; read once the stream ended.
    var crc: UInt32 { get }
}

/// zlib's inflate (windowBits -15), the CRC-32 computed over each output slice while it is
/// still in cache.
final class ZlibDeflateDecoder: DeflateDecoder {
    private let stream: UnsafeMutablePointer<z_stream>
    private var running: uLong = 0

    init() throws(DeflateFailure) {
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        guard floe_inflateInit2(stream, -15) == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw .outOfMemory
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    func reset() throws(DeflateFailure) {
        guard inflateReset(stream) == Z_OK else { throw .corrupt("zlib inflateReset failed") }
        running = crc32(0, nil, 0)
    }

    var crc: UInt32 { UInt32(truncatingIfNeeded: running) }

    func step(input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer) -> DeflateStep {
        let out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
        stream.pointee.next_out = out
        stream.pointee.avail_out = uInt(output.count)
        let status = inflate(stream, Z_NO_FLUSH)
        let produced = output.count - Int(stream.pointee.avail_out)
        let consumed = input.count - Int(stream.pointee.avail_in)
        if produced > 0 { running = crc32(running, out, uInt(produced)) }
        var step = DeflateStep(consumed: consumed, produced: produced, ended: status == Z_STREAM_END)
        switch status {
        case Z_OK, Z_BUF_ERROR, Z_STREAM_END:
            // Z_BUF_ERROR: no progress possible; the caller tells lack of input from corruption.
            break
        case Z_MEM_ERROR:
            step.failure = .outOfMemory
        case Z_DATA_ERROR:
            step.failure = .corrupt(stream.pointee.msg.map { String(cString: $0) } ?? "invalid deflate data")
        default:
            step.failure = .corrupt("inflate returned \(status)")
        }
        return step
    }
}
