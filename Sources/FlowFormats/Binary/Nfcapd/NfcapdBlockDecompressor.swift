import CBzip2

/// Block decompressors for nfcapd files: LZ4 raw blocks, LZO1X and BZ2 streams. Every read
/// and write is bounds-checked against the input and the output limit; malformed input
/// throws `NfcapdBlockDecompressor.Failure`, it never traps or overruns.
enum NfcapdBlockDecompressor {
    struct Failure: Error { var detail: String }

    /// LZ4 block format (no frame): sequences of literals and (offset, length) matches.
    static func lz4(_ src: UnsafeRawBufferPointer, into dst: inout [UInt8], limit: Int) throws -> Int {
        // Slack past `limit` for the 8- and 16-byte copies that may overshoot a short run.
        if dst.count < limit + lz4Slack { dst = [UInt8](repeating: 0, count: limit + lz4Slack) }
        return try dst.withUnsafeMutableBufferPointer { out in
            try lz4(src, into: UnsafeMutableRawBufferPointer(out), limit: limit)
        }
    }

    /// Bytes the LZ4 output buffer holds past `limit`.
    static let lz4Slack = 32

    /// LZ4 block into `out` (at least `limit` bytes). Every run is bounds-checked against
    /// `src.count` and `limit` before it is copied. Short literal runs are copied as 16
    /// bytes, and matches in steps of 16 bytes (offset at least 16) or 8 (offset at least
    /// 8), when the buffers have room for the overshoot (bytes past the run are rewritten
    /// by the next run or lie past the output); long literals and the other matches are
    /// copied whole, overlapping matches (offset < length) byte by byte.
    private static func lz4(_ src: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer, limit: Int) throws -> Int {
        guard let srcBase = src.baseAddress, !src.isEmpty else { return 0 }
        guard let dstBase = out.baseAddress, out.count >= limit else {
            throw Failure(detail: "LZ4 output exceeds \(limit) bytes")
        }
        let room = out.count
        @inline(__always) func copy8(_ to: UnsafeMutableRawPointer, _ from: UnsafeRawPointer) {
            to.storeBytes(of: from.loadUnaligned(as: UInt64.self), as: UInt64.self)
        }
        @inline(__always) func copy16(_ to: UnsafeMutableRawPointer, _ from: UnsafeRawPointer) {
            to.storeBytes(of: from.loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
        }
        var ip = 0
        var op = 0
        let n = src.count
        while ip < n {
            let token = Int(src[ip]); ip += 1
            var lit = token >> 4
            if lit == 15 {
                while true {
                    guard ip < n else { throw Failure(detail: "LZ4 literal length runs past the block") }
                    let b = Int(src[ip]); ip += 1
                    lit += b
                    guard lit <= limit else { throw Failure(detail: "LZ4 literal length too large") }
                    if b != 255 { break }
                }
            }
            guard lit <= n - ip else { throw Failure(detail: "LZ4 literals run past the block") }
            guard lit <= limit - op else { throw Failure(detail: "LZ4 output exceeds \(limit) bytes") }
            if lit <= 16 && n - ip >= 16 && room - op >= 16 {
                copy16(dstBase + op, srcBase + ip)
            } else if lit > 0 {
                (dstBase + op).copyMemory(from: srcBase + ip, byteCount: lit)
            }
            ip += lit
            op += lit
            if ip == n { break }  // last sequence: literals only
            guard n - ip >= 2 else { throw Failure(detail: "LZ4 match offset cut short") }
            let offset = Int(src[ip]) | Int(src[ip + 1]) << 8
            ip += 2
            guard offset > 0, offset <= op else { throw Failure(detail: "LZ4 match offset \(offset) points before the output start") }
            var len = (token & 15) + 4
            if token & 15 == 15 {
                while true {
                    guard ip < n else { throw Failure(detail: "LZ4 match length runs past the block") }
                    let b = Int(src[ip]); ip += 1
                    len += b
                    guard len <= limit else { throw Failure(detail: "LZ4 match length too large") }
                    if b != 255 { break }
                }
            }
            guard len <= limit - op else { throw Failure(detail: "LZ4 output exceeds \(limit) bytes") }
            let from = op - offset
            /// Copies the match in steps of `width` bytes, each reading bytes written at least
            /// `width` bytes before it (offset >= width), overshooting by less than `width`.
            @inline(__always) func copyMatch(_ width: Int, _ copy: (UnsafeMutableRawPointer, UnsafeRawPointer) -> Void) {
                var d = op, f = from
                let end = op + len
                while d < end {
                    copy(dstBase + d, UnsafeRawPointer(dstBase + f))
                    d &+= width
                    f &+= width
                }
            }
            if offset >= 16 && room - op >= len + 16 {
                copyMatch(16, copy16)
            } else if offset >= 8 && room - op >= len + 8 {
                copyMatch(8, copy8)
            } else if offset >= len {
                (dstBase + op).copyMemory(from: UnsafeRawPointer(dstBase + from), byteCount: len)
            } else {
                let d = dstBase.assumingMemoryBound(to: UInt8.self)
                for i in 0..<len { d[op + i] = d[from + i] }
            }
            op += len
        }
        return op
    }

    /// LZO1X (as lzo1x_1 compresses and lzo1x_decompress_safe reads it).
    static func lzo1x(_ src: UnsafeRawBufferPointer, into dst: inout [UInt8], limit: Int) throws -> Int {
        if dst.count < limit { dst = [UInt8](repeating: 0, count: limit) }
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
    static func bz2(_ src: UnsafeRawBufferPointer, into dst: inout [UInt8], limit: Int) throws -> Int {
        if dst.count < limit { dst = [UInt8](repeating: 0, count: limit) }
        guard src.count > 0, src.count <= Int(UInt32.max) else { throw Failure(detail: "BZ2 block empty") }
        var produced = 0
        var result: Int32 = 0
        dst.withUnsafeMutableBytes { out in
            var stream = bz_stream()
            guard BZ2_bzDecompressInit(&stream, 0, 0) == BZ_OK else { result = -1; return }
            defer { BZ2_bzDecompressEnd(&stream) }
            stream.next_in = UnsafeMutablePointer(mutating: src.baseAddress!.assumingMemoryBound(to: CChar.self))
            stream.avail_in = UInt32(src.count)
            stream.next_out = out.baseAddress!.assumingMemoryBound(to: CChar.self)
            stream.avail_out = UInt32(limit)
            result = BZ2_bzDecompress(&stream)
            produced = limit - Int(stream.avail_out)
        }
        guard result == BZ_STREAM_END else {
            throw Failure(detail: result == BZ_OK ? "BZ2 stream incomplete or larger than \(limit) bytes" : "BZ2 error \(result)")
        }
        return produced
    }
}
