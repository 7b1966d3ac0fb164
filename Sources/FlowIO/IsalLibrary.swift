import CLinuxIO
import CZlib
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// ISA-L's igzip inflate, found at run time: `libisal.so.2` is opened with `dlopen` the
/// first time gzip input is read, never linked, so floe builds and runs without it. The
/// library is used only when its functions are found and it decodes a known stream (made
/// here with zlib) to the right bytes, CRC-32 and end of stream: a library whose state
/// layout differs from `CLinuxIO/isal.h` is never used. igzip decodes deflate about twice
/// as fast as zlib on x86-64 (AVX2/AVX-512 Huffman decoding) and computes the CRC-32 as it
/// goes (carry-less multiplication).
final class IsalLibrary: @unchecked Sendable {
    /// The library's name as Debian's `libisal2` installs it.
    static let soname = "libisal.so.2"
    /// The loaded and checked library, or nil.
    static let shared: IsalLibrary? = load()

    /// `isal_inflate_init`: a state ready for a new stream.
    let reset: floe_isal_state_fn
    let inflate: floe_isal_inflate_fn

    private init(reset: floe_isal_state_fn, inflate: floe_isal_inflate_fn) {
        self.reset = reset
        self.inflate = inflate
    }

    private static func load() -> IsalLibrary? {
        guard let handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL) else { return nil }
        guard let reset = dlsym(handle, "isal_inflate_init"), let inflate = dlsym(handle, "isal_inflate") else {
            dlclose(handle)
            return nil
        }
        let library = IsalLibrary(reset: unsafeBitCast(reset, to: floe_isal_state_fn.self),
                                  inflate: unsafeBitCast(inflate, to: floe_isal_inflate_fn.self))
        // The handle stays open for the life of the process.
        return library.decodesKnownStream() ? library : nil
    }

    /// Decodes a zlib-made gzip member's deflate data in small steps and checks the bytes,
    /// the CRC-32, the end of the stream, and that the bytes read past it (handed back from
    /// the bit buffer) start exactly at the trailer. The text (8,000 lines, ~230 kB) spans
    /// several deflate blocks and many steps, and costs a few milliseconds a process.
    private func decodesKnownStream() -> Bool {
        var text: [UInt8] = []
        var x: UInt32 = 12345
        for k in 0..<8_000 {
            x = x &* 1_103_515_245 &+ 12345
            let line: String = "\(k % 97),10.0.\(x >> 24).\((x >> 16) & 255),\(x % 65536),tcp\n"
            text.append(contentsOf: line.utf8)
        }
        guard let member = try? GzipEncoder(level: 6).member(text), member.count > 18 else { return false }
        let body = Array(member[10...])  // GzipEncoder writes a 10-byte header
        let decoder = IsalDeflateDecoder(library: self)
        guard (try? decoder.reset()) != nil else { return false }
        var output = [UInt8](repeating: 0, count: text.count + 100)
        var inAt = 0, outAt = 0, overread = 0
        var ended = false
        while !ended {
            let inRoom = min(4093, body.count - inAt), outRoom = min(8191, output.count - outAt)
            guard inRoom > 0, outRoom > 0 else { return false }
            let step = body.withUnsafeBytes { input in
                output.withUnsafeMutableBytes { out in
                    decoder.step(input: UnsafeRawBufferPointer(rebasing: input[inAt..<(inAt + inRoom)]),
                                      output: UnsafeMutableRawBufferPointer(rebasing: out[outAt..<(outAt + outRoom)]))
                }
            }
            guard step.failure == nil, step.consumed > 0 || step.produced > 0 || step.ended else { return false }
            inAt += step.consumed
            outAt += step.produced
            ended = step.ended
            overread = step.overreadCount
        }
        let storedCRC = UInt32(body[body.count - 8]) | UInt32(body[body.count - 7]) << 8
            | UInt32(body[body.count - 6]) << 16 | UInt32(body[body.count - 5]) << 24
        return outAt == text.count && output[..<outAt].elementsEqual(text) && decoder.crc == storedCRC
            && inAt - overread == body.count - 8
    }
}

/// ISA-L's `isal_inflate` on raw deflate data, its state in floe's own allocation; the
/// CRC-32 is the library's (`crc_flag` gzip without header).
final class IsalDeflateDecoder: DeflateDecoder {
    private let library: IsalLibrary
    private let raw: UnsafeMutableRawPointer
    private let state: UnsafeMutablePointer<floe_isal_inflate_state>

    init(library: IsalLibrary) {
        self.library = library
        let size = Int(floe_isal_state_allocation())
        raw = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        state = raw.bindMemory(to: floe_isal_inflate_state.self, capacity: 1)
        library.reset(state)  // isal_inflate_init sets every field the decoder reads
    }

    deinit {
        raw.deallocate()
    }

    func reset() throws(DeflateFailure) {
        library.reset(state)
        state.pointee.crc_flag = UInt32(FLOE_ISAL_GZIP_NO_HDR)
    }

    var crc: UInt32 { state.pointee.crc }

    func step(input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer) -> DeflateStep {
        // isal_inflate takes 32-bit sizes.
        let inCount = min(input.count, Int(UInt32.max)), outCount = min(output.count, Int(UInt32.max))
        state.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: UInt8.self))
        state.pointee.avail_in = UInt32(inCount)
        state.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
        state.pointee.avail_out = UInt32(outCount)
        let status = library.inflate(state)
        let consumed = inCount - Int(state.pointee.avail_in)
        let produced = outCount - Int(state.pointee.avail_out)
        var step = DeflateStep(consumed: consumed, produced: produced, ended: state.pointee.block_state == FLOE_ISAL_BLOCK_FINISH)
        guard status >= 0 else {
            step.ended = false
            step.failure = .corrupt(Self.describe(status))
            return step
        }
        if step.ended {
            // The bit buffer may hold whole bytes after the last block (the gzip trailer's
            // first bytes), possibly from an earlier input buffer: hand them back as bytes.
            let bits = Int(max(0, state.pointee.read_in_length))
            step.overreadCount = bits / 8
            step.overread = step.overreadCount == 0 ? 0 : state.pointee.read_in >> UInt64(bits % 8)
            state.pointee.read_in = 0
            state.pointee.read_in_length = 0
        }
        return step
    }

    private static func describe(_ status: Int32) -> String {
        switch status {
        case -1: return "invalid deflate block"
        case -2: return "invalid deflate symbol"
        case -3: return "invalid distance too far back"
        default: return "isal_inflate returned \(status)"
        }
    }
}
