import CBzip2
import FlowIO

/// Block decompressors for nfcapd files: LZ4 raw blocks (FlowIO's `LZ4Block`), LZO1X and BZ2 streams. Every read
/// and write is bounds-checked against the input and the output limit; malformed input
/// throws `NfcapdBlockDecompressor.Failure`, it never traps or overruns.
enum NfcapdBlockDecompressor {
    struct Failure: Error { var detail: String }

    /// LZ4 block format (no frame), by floe's own decoder or liblz4 when asked for and it
    /// loads (`FlowIO.LZ4Block`, `FLOE_LZ4_DECODER`); both accept the same blocks and give
    /// the same bytes.
    static func lz4(_ src: UnsafeRawBufferPointer, into out: NfcapdBlockBuffer, limit: Int,
                    decoder: LZ4Decoder = .preferred) throws -> Int {
        // Slack past `limit` for the 8- and 16-byte copies that may overshoot a short run.
        let dst = out.reserve(limit + LZ4Block.slack)
        do {
            return try LZ4Block.decompress(src, into: dst, limit: limit, decoder: decoder)
        } catch {
            throw Failure(detail: error.detail)
        }
    }

    /// LZO1X (as lzo1x_1 compresses and lzo1x_decompress_safe reads it).
    static func lzo1x(_ src: UnsafeRawBufferPointer, into out: NfcapdBlockBuffer, limit: Int) throws -> Int {
        let dst = out.reserve(limit)
        let n = src.count
        var ip = 0
        var op = 0
        var state = 0
        var t = 0
        var next = 0
        var mpos = 0

        func need(_ k: Int) throws { if k > n - ip { throw Failure(detail: "LZO input overrun at \(ip)") } }
        func room(_ k: Int) throws { if k > limit - op { throw Failure(detail: "LZO output exceeds \(limit) bytes") } }
        func zeroRun() throws -> Int {  // count of 0 bytes (each worth 255), then the final byte
            var zeros = 0
            while true {
                try need(1)
                if src[ip] != 0 { break }
                ip += 1
                zeros += 1
                if zeros > 1 << 24 { throw Failure(detail: "LZO length run too long") }
            }
            let last = Int(src[ip]); ip += 1
            return zeros * 255 + last
        }
        func copyLiterals(_ k: Int) throws {
            try need(k); try room(k)
            for i in 0..<k { dst[op + i] = src[ip + i] }
            ip += k; op += k
        }
        func copyMatch(_ from: Int, _ k: Int) throws {
            guard from >= 0, from < op else { throw Failure(detail: "LZO match points before the output start") }
            try room(k)
            var f = from
            for _ in 0..<k { dst[op] = dst[f]; op += 1; f += 1 }
        }

        try need(1)
        var skipToMatchNext = false
        if src[ip] > 17 {
            t = Int(src[ip]) - 17; ip += 1
            if t < 4 {
                next = t
                skipToMatchNext = true
            } else {
                try copyLiterals(t)
                state = 4
            }
        }
        while true {
            if skipToMatchNext {
                skipToMatchNext = false
                state = next
                try copyLiterals(next)
                continue
            }
            try need(1)
            t = Int(src[ip]); ip += 1
            if t < 16 {
                if state == 0 {
                    if t == 0 { t = 15 + (try zeroRun()) }
                    try copyLiterals(t + 3)
                    state = 4
                    continue
                } else if state != 4 {
                    next = t & 3
                    try need(1)
                    mpos = op - 1 - (t >> 2) - (Int(src[ip]) << 2); ip += 1
                    try copyMatch(mpos, 2)
                    skipToMatchNext = true
                    continue
                } else {
                    next = t & 3
                    try need(1)
                    mpos = op - (1 + 0x0800) - (t >> 2) - (Int(src[ip]) << 2); ip += 1
                    t = 3
                }
            } else if t >= 64 {
                next = t & 3
                try need(1)
                mpos = op - 1 - ((t >> 2) & 7) - (Int(src[ip]) << 3); ip += 1
                t = (t >> 5) - 1 + 2
            } else if t >= 32 {
                t = (t & 31) + 2
                if t == 2 { t += 31 + (try zeroRun()) }
                try need(2)
                let v = Int(src[ip]) | Int(src[ip + 1]) << 8
                ip += 2
                mpos = op - 1 - (v >> 2)
                next = v & 3
            } else {
                mpos = op - ((t & 8) << 11)
                t = (t & 7) + 2
                if t == 2 { t += 7 + (try zeroRun()) }
                try need(2)
                let v = Int(src[ip]) | Int(src[ip + 1]) << 8
                ip += 2
                mpos -= v >> 2
                next = v & 3
                if mpos == op {  // end-of-stream marker
                    guard t == 3 else { throw Failure(detail: "LZO end marker malformed") }
                    return op
                }
                mpos -= 0x4000
            }
            try copyMatch(mpos, t)
            skipToMatchNext = true
        }
    }

    /// A BZ2 stream through the system's libbz2.
    static func bz2(_ src: UnsafeRawBufferPointer, into buffer: NfcapdBlockBuffer, limit: Int) throws -> Int {
        let out = buffer.reserve(limit)
        guard src.count > 0, src.count <= Int(UInt32.max) else { throw Failure(detail: "BZ2 block empty") }
        var stream = bz_stream()
        // -1: the message a failed init has always given ("BZ2 error -1").
        guard BZ2_bzDecompressInit(&stream, 0, 0) == BZ_OK else { throw Failure(detail: "BZ2 error -1") }
        defer { BZ2_bzDecompressEnd(&stream) }
        stream.next_in = UnsafeMutablePointer(mutating: src.baseAddress!.assumingMemoryBound(to: CChar.self))
        stream.avail_in = UInt32(src.count)
        stream.next_out = out.baseAddress!.assumingMemoryBound(to: CChar.self)
        stream.avail_out = UInt32(limit)
        let result = BZ2_bzDecompress(&stream)
        let produced = limit - Int(stream.avail_out)
        guard result == BZ_STREAM_END else {
            throw Failure(detail: result == BZ_OK ? "BZ2 stream incomplete or larger than \(limit) bytes" : "BZ2 error \(result)")
        }
        return produced
    }
}
