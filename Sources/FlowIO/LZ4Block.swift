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
    /// sequences) floe's decoder takes about the CPU of liblz4's decode alone, and liblz4
    /// also needs the walk that keeps offset-0 matches from it
    /// (scripts/bench/results/binary.md), so it is not the default.
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

    /// floe's own decoder. Every read and write stays inside the two buffers and every
    /// malformed block throws; the checks are arranged so that most sequences need few
    /// (nfcapd blocks are mostly sequences of 0-3 literals and 5-36-byte matches):
    ///
    /// - While a sequence starts more than `fastInput` bytes before the end of the block
    ///   and more than `fastOutput` bytes before `limit` (`decodeShortSequences`), a short
    ///   literal run (under 15 bytes) is copied as one 16-byte store and a short match
    ///   (under 19 bytes) as three 8-byte stores (offset 8 or more) or as `copyNearMatch`
    ///   (1 to 7): neither can pass the block's end or `limit`, so only the match offset is
    ///   checked. A long match there is checked against `limit` and copied in 32-byte steps
    ///   (offset 32 or more, with room for the overshoot). Bytes written past a run are
    ///   rewritten by the next one or lie past the output.
    /// - Long literal runs, and every sequence near the end of either buffer, are checked
    ///   one by one (`SequenceState.decodeSequence`), copied in 16- or 8-byte steps where
    ///   the output has room for the overshoot (`limit + slack` bytes) and exactly
    ///   otherwise.
    ///
    /// A malformed block fails at the first check it fails in the order the format reads a
    /// sequence (literal length, literals, offset, match length, output limit), with the
    /// same message on either path.
    static func decodeInSwift(_ src: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer, limit: Int) throws(LZ4Failure) -> Int {
        guard let srcBase = src.baseAddress, !src.isEmpty else { return 0 }
        guard let dstBase = out.baseAddress, out.count >= limit else {
            throw LZ4Failure(detail: "LZ4 output exceeds \(limit) bytes")
        }
        var state = SequenceState(src: srcBase, n: src.count, dst: dstBase, room: out.count, limit: limit)
        while true {
            try decodeShortSequences(&state)
            guard state.ip < state.n else { return state.op }
            if try state.decodeSequence() { return state.op }
        }
    }

    /// Decodes sequences from `state` while they start more than `fastInput` bytes before
    /// the end of the block and `fastOutput` bytes before the limit and have a short
    /// literal run (the last sequence, literals up to the block's end, is not one of them).
    @inline(__always)
    static func decodeShortSequences(_ state: inout SequenceState) throws(LZ4Failure) {
        let src = state.src, dst = state.dst, n = state.n, room = state.room, limit = state.limit
        // A sequence starting before these positions has at least 32 bytes of input after
        // its token and 64 bytes of output before `limit`; a short one reads at most 17
        // (token, 16-byte literal load, offset) and writes at most 14 + 26 = 40.
        let inputEnd = n &- fastInput
        let outputEnd = limit &- fastOutput
        var ip = state.ip
        var op = state.op
        defer {
            state.ip = ip
            state.op = op
        }
        while ip < inputEnd && op < outputEnd {
            let token = Int(src.load(fromByteOffset: ip, as: UInt8.self))
            let lit = token >> 4
            if lit == 15 { return }
            copy16(dst + op, src + (ip &+ 1))
            ip &+= 1 &+ lit
            op &+= lit
            let offset = Int(UInt16(littleEndian: (src + ip).loadUnaligned(as: UInt16.self)))
            ip &+= 2
            // offset - 1 < op, as unsigned numbers: 1 <= offset <= op.
            guard UInt(bitPattern: offset &- 1) < UInt(bitPattern: op) else {
                throw LZ4Failure(detail: "LZ4 match offset \(offset) points before the output start")
            }
            var len = token & 15
            if len != 15 {
                len &+= 4
                copyShortMatch(dst, at: op, offset: offset, length: len)
                op &+= len
                continue
            }
            len = 19
            while true {
                guard ip < n else { throw LZ4Failure(detail: "LZ4 match length runs past the block") }
                let b = Int(src.load(fromByteOffset: ip, as: UInt8.self))
                ip &+= 1
                len &+= b
                guard len <= limit else { throw LZ4Failure(detail: "LZ4 match length too large") }
                if b != 255 { break }
            }
            guard len <= limit &- op else { throw LZ4Failure(detail: "LZ4 output exceeds \(limit) bytes") }
            if offset >= 32 && room &- op &- len >= 32 {
                copyInSteps(32, dst, at: op, offset: offset, length: len) { to, from in
                    copy16(to, from)
                    copy16(to + 16, from + 16)
                }
            } else {
                state.op = op
                state.copyMatch(offset: offset, length: len)
            }
            op &+= len
        }
    }

    /// Input bytes after a sequence's start (its token) within which it is decoded without
    /// checks when short.
    static let fastInput = 32
    /// Output bytes before `limit` within which a short sequence is decoded without checks.
    static let fastOutput = 64

    @inline(__always) static func copy8(_ to: UnsafeMutableRawPointer, _ from: UnsafeRawPointer) {
        to.storeBytes(of: from.loadUnaligned(as: UInt64.self), as: UInt64.self)
    }

    @inline(__always) static func copy16(_ to: UnsafeMutableRawPointer, _ from: UnsafeRawPointer) {
        to.storeBytes(of: from.loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
    }

    /// Copies `length` (1 or more) bytes from `offset` back to `at` in steps of `width`
    /// bytes with `copy`; `offset` is at least `width`, so each step reads bytes already
    /// written. Overshoots the end by less than `width` bytes.
    @inline(__always) static func copyInSteps(_ width: Int, _ dst: UnsafeMutableRawPointer, at: Int, offset: Int, length: Int,
                                              _ copy: (UnsafeMutableRawPointer, UnsafeRawPointer) -> Void) {
        var to = dst + at
        let end = to + length
        repeat {
            copy(to, UnsafeRawPointer(to - offset))
            to += width
        } while to < end
    }

    /// Copies a match of at most 18 bytes from `offset` (1 or more) back to `at`, writing at
    /// most 26 bytes from `at` (the caller has that room, and the match fits the limit).
    @inline(__always) static func copyShortMatch(_ dst: UnsafeMutableRawPointer, at: Int, offset: Int, length: Int) {
        let to = dst + at
        let from = UnsafeRawPointer(to - offset)
        if offset >= 8 {
            copy8(to, from)
            copy8(to + 8, from + 8)
            copy8(to + 16, from + 16)
        } else {
            copyNearMatch(dst, at: at, offset: offset, length: length)
        }
    }

    /// A match less than 8 bytes back: the pattern repeats every `offset` bytes, so also
    /// every `stride` bytes (the first multiple of `offset` from 8 up); its first `stride`
    /// bytes are copied one by one, the rest in 8-byte steps from `stride` bytes back.
    /// Writes fewer than `length + 8` bytes from `at` (and at most 14 for a short match).
    @inline(__always) static func copyNearMatch(_ dst: UnsafeMutableRawPointer, at: Int, offset: Int, length: Int) {
        let d = dst.assumingMemoryBound(to: UInt8.self)
        let stride = (8 &+ offset &- 1) / offset &* offset
        let first = min(stride, length)
        var k = 0
        while k < first {
            d[at &+ k] = d[at &+ k &- offset]
            k &+= 1
        }
        while k < length {
            copy8(dst + (at &+ k), UnsafeRawPointer(dst + (at &+ k &- stride)))
            k &+= 8
        }
    }

    /// Where a decode is, and the one-sequence decoder with every check.
    struct SequenceState {
        let src: UnsafeRawPointer
        let n: Int
        let dst: UnsafeMutableRawPointer
        let room: Int
        let limit: Int
        var ip = 0
        var op = 0

        init(src: UnsafeRawPointer, n: Int, dst: UnsafeMutableRawPointer, room: Int, limit: Int) {
            self.src = src
            self.n = n
            self.dst = dst
            self.room = room
            self.limit = limit
        }

        @inline(__always) func byte(_ at: Int) -> Int { Int(src.load(fromByteOffset: at, as: UInt8.self)) }

        /// Decodes the sequence at `ip` (which is before `n`), checking every length against
        /// the block and `limit`; returns true when it was the last (literals only).
        mutating func decodeSequence() throws(LZ4Failure) -> Bool {
            let token = byte(ip); ip &+= 1
            var lit = token >> 4
            if lit == 15 {
                while true {
                    guard ip < n else { throw LZ4Failure(detail: "LZ4 literal length runs past the block") }
                    let b = byte(ip); ip &+= 1
                    lit &+= b
                    guard lit <= limit else { throw LZ4Failure(detail: "LZ4 literal length too large") }
                    if b != 255 { break }
                }
            }
            guard lit <= n &- ip else { throw LZ4Failure(detail: "LZ4 literals run past the block") }
            guard lit <= limit &- op else { throw LZ4Failure(detail: "LZ4 output exceeds \(limit) bytes") }
            if lit <= 16 && n &- ip >= 16 && room &- op >= 16 {
                LZ4Block.copy16(dst + op, src + ip)
            } else if lit > 0 {
                (dst + op).copyMemory(from: src + ip, byteCount: lit)
            }
            ip &+= lit
            op &+= lit
            if ip == n { return true }  // last sequence: literals only
            guard n &- ip >= 2 else { throw LZ4Failure(detail: "LZ4 match offset cut short") }
            let offset = byte(ip) | byte(ip &+ 1) << 8
            ip &+= 2
            guard offset > 0, offset <= op else { throw LZ4Failure(detail: "LZ4 match offset \(offset) points before the output start") }
            var len = (token & 15) &+ 4
            if token & 15 == 15 {
                while true {
                    guard ip < n else { throw LZ4Failure(detail: "LZ4 match length runs past the block") }
                    let b = byte(ip); ip &+= 1
                    len &+= b
                    guard len <= limit else { throw LZ4Failure(detail: "LZ4 match length too large") }
                    if b != 255 { break }
                }
            }
            guard len <= limit &- op else { throw LZ4Failure(detail: "LZ4 output exceeds \(limit) bytes") }
            copyMatch(offset: offset, length: len)
            op &+= len
            return false
        }

        /// Copies a match that fits `limit`: in 16-byte steps (offset 16 or more), 8-byte
        /// steps (8 to 15) or as `copyNearMatch` (1 to 7) when the output has room for the
        /// overshoot, else whole (no overlap) or byte by byte.
        @inline(__always) func copyMatch(offset: Int, length len: Int) {
            let from = op &- offset
            let spare = room &- op &- len
            if offset >= 16 && spare >= 16 {
                LZ4Block.copyInSteps(16, dst, at: op, offset: offset, length: len, LZ4Block.copy16)
            } else if offset >= 8 && spare >= 8 {
                LZ4Block.copyInSteps(8, dst, at: op, offset: offset, length: len, LZ4Block.copy8)
            } else if spare >= 8 {
                LZ4Block.copyNearMatch(dst, at: op, offset: offset, length: len)
            } else if offset >= len {
                (dst + op).copyMemory(from: UnsafeRawPointer(dst + from), byteCount: len)
            } else {
                let d = dst.assumingMemoryBound(to: UInt8.self)
                for i in 0..<len { d[op &+ i] = d[from &+ i] }
            }
        }
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
