import Foundation

/// Which LZ4 block decoder `LZ4Block.decompress` uses.
public enum LZ4Decoder: String, Sendable, CaseIterable {
    /// floe's own decoder, always present.
    case swift
    /// liblz4's `LZ4_decompress_safe` (`liblz4.so.1`), when it loads and passes its check
    /// (see `LZ4Library`).
    case liblz4

    /// Environment variable that picks a decoder: `liblz4` (used when it loads and passes
    /// its check, else floe's own) or `swift`. Unset: floe's own. On nfcapd blocks (short
    /// sequences) liblz4's decode plus the walk that keeps offset-0 matches from it cost
    /// as much CPU as floe's decoder (scripts/bench/results/binary.md), so it is not the
    /// default.
    public static let environmentVariable = "FLOE_LZ4_DECODER"

    /// The decoder used when none is asked for: liblz4 when the environment asks for it and
    /// it loads, else floe's own.
    public static let preferred: LZ4Decoder = {
        let asked = ProcessInfo.processInfo.environment[environmentVariable].flatMap(LZ4Decoder.init(rawValue:))
        return asked == .liblz4 && LZ4Library.shared != nil ? .liblz4 : .swift
    }()

    /// Whether liblz4 was found and passed its check in this process.
    public static var libraryLoaded: Bool { LZ4Library.shared != nil }
}

/// A malformed LZ4 block, or one whose output does not fit the limit.
public struct LZ4Failure: Error, Equatable, Sendable {
    public var detail: String
    public init(detail: String) { self.detail = detail }
}

/// The LZ4 block format (no frame): sequences of literals and (offset, length) matches, as
/// nfdump's LZ4 nfcapd blocks hold them. Both decoders accept exactly the same blocks and
/// give the same bytes: a block liblz4 refuses is decoded again by floe's own decoder, which
/// either decodes it (liblz4 also refuses valid blocks that end without the spec's final
/// literal run) or says precisely what is wrong; a block with a match offset of 0, which
/// the format calls corrupt but liblz4 decodes, is refused before liblz4 sees it.
public enum LZ4Block {
    /// Bytes the output buffer must hold past `limit`: floe's decoder copies short runs 8
    /// or 16 bytes at a time when the buffer has room.
    public static let slack = 32

    /// Decodes `block` into `out` (room for at least `limit` bytes, ideally `limit + slack`)
    /// with `decoder` (liblz4 only when it loaded);
    /// returns the decoded size. Throws `LZ4Failure` for a malformed block or an output over
    /// `limit` bytes; never reads or writes outside the two buffers.
    public static func decompress(_ block: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer, limit: Int,
                                  decoder: LZ4Decoder = .preferred) throws(LZ4Failure) -> Int {
        if decoder == .liblz4, let library = LZ4Library.shared, !hasZeroOffset(block),
           let n = library.decode(block, into: out, limit: limit) {
            return n
        }
        return try decodeInSwift(block, into: out, limit: limit)
    }

    /// Whether a match of `block` has offset 0 (invalid). Walks the sequence headers only;
    /// a block whose framing breaks is left to the decoders to refuse.
    static func hasZeroOffset(_ block: UnsafeRawBufferPointer) -> Bool {
        guard let base = block.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return false }
        let n = block.count
        var ip = 0
        while ip < n {
            let token = Int(base[ip]); ip &+= 1
            var lit = token >> 4
            if lit == 15 {
                while ip < n {
                    let b = Int(base[ip]); ip &+= 1
                    lit &+= b
                    if b != 255 { break }
                }
            }
            guard lit <= n &- ip else { return false }
            ip &+= lit
            guard n &- ip >= 2 else { return false }
            if base[ip] == 0 && base[ip &+ 1] == 0 { return true }
            ip &+= 2
            if token & 15 == 15 {
                while ip < n {
                    let b = base[ip]; ip &+= 1
                    if b != 255 { break }
                }
            }
        }
        return false
    }

    /// floe's own decoder. Every run is bounds-checked against the block and `limit` before
    /// it is copied. Short literal runs are copied as 16 bytes, and matches in steps of 16
    /// bytes (offset at least 16) or 8 (offset at least 8), when the buffers have room for
    /// the overshoot (bytes past the run are rewritten by the next run or lie past the
    /// output); long literals and the other matches are copied whole, overlapping matches
    /// (offset < length) byte by byte.
    static func decodeInSwift(_ src: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer, limit: Int) throws(LZ4Failure) -> Int {
        guard let srcBase = src.baseAddress, !src.isEmpty else { return 0 }
        guard let dstBase = out.baseAddress, out.count >= limit else {
            throw LZ4Failure(detail: "LZ4 output exceeds \(limit) bytes")
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
                    guard ip < n else { throw LZ4Failure(detail: "LZ4 literal length runs past the block") }
                    let b = Int(src[ip]); ip += 1
                    lit += b
                    guard lit <= limit else { throw LZ4Failure(detail: "LZ4 literal length too large") }
                    if b != 255 { break }
                }
            }
            guard lit <= n - ip else { throw LZ4Failure(detail: "LZ4 literals run past the block") }
            guard lit <= limit - op else { throw LZ4Failure(detail: "LZ4 output exceeds \(limit) bytes") }
            if lit <= 16 && n - ip >= 16 && room - op >= 16 {
                copy16(dstBase + op, srcBase + ip)
            } else if lit > 0 {
                (dstBase + op).copyMemory(from: srcBase + ip, byteCount: lit)
            }
            ip += lit
            op += lit
            if ip == n { break }  // last sequence: literals only
            guard n - ip >= 2 else { throw LZ4Failure(detail: "LZ4 match offset cut short") }
            let offset = Int(src[ip]) | Int(src[ip + 1]) << 8
            ip += 2
            guard offset > 0, offset <= op else { throw LZ4Failure(detail: "LZ4 match offset \(offset) points before the output start") }
            var len = (token & 15) + 4
            if token & 15 == 15 {
                while true {
                    guard ip < n else { throw LZ4Failure(detail: "LZ4 match length runs past the block") }
                    let b = Int(src[ip]); ip += 1
                    len += b
                    guard len <= limit else { throw LZ4Failure(detail: "LZ4 match length too large") }
                    if b != 255 { break }
                }
            }
            guard len <= limit - op else { throw LZ4Failure(detail: "LZ4 output exceeds \(limit) bytes") }
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

    /// Blocks `LZ4Library` decodes before it is used, with their output limits: long and
    /// short literal runs, matches from 1, 8 and 20 bytes back (overlapping and not), a
    /// match pointing before the output start, and an output one byte over its limit. Each
    /// ends with the five literals the format asks for. (Offset 0 is not among them: liblz4
    /// decodes it, `hasZeroOffset` keeps such blocks from it.)
    static let checkBlocks: [([UInt8], Int)] = {
        let text = Array("nfcapd LZ4 self-check: 0123456789abcdef".utf8)  // 39 bytes
        let tail = Array("tail!".utf8)
        // 39 literals (15 + 24), a 4 + 15 + 30 = 49-byte match 20 back, 3 literals and a
        // 4 + 15 + 300 = 319-byte match 1 back, 2 literals and a 12-byte match 8 back, the tail.
        var good: [UInt8] = [0xFF, 24] + text + [20, 0, 30]
        good += [0x3F] + Array("xyz".utf8) + [1, 0, 255, 45]
        good += [0x28] + Array("pq".utf8) + [8, 0]
        good += [0x50] + tail
        var plain = text
        for _ in 0..<49 { plain.append(plain[plain.count - 20]) }
        plain += Array("xyz".utf8)
        for _ in 0..<319 { plain.append(plain[plain.count - 1]) }
        plain += Array("pq".utf8)
        for _ in 0..<12 { plain.append(plain[plain.count - 8]) }
        plain += tail
        let beforeStart: [UInt8] = [0x40] + Array("abcd".utf8) + [9, 0, 0x50] + tail
        return [(good, plain.count), (good, plain.count + 100), (good, plain.count - 1),
                (beforeStart, 100)]
    }()
}
