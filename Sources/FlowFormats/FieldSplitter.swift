/// Splits one line into fields at a one-byte delimiter, writing field ranges into
/// reusable storage (no allocation per line once warmed up).
///
/// With `quoting` on (comma CSV), RFC 4180 quotes are honoured: a field that starts with
/// `"` runs to the next lone `"`; `""` inside stands for one quote; line terminators inside
/// are data (`LineFramer` hands over records spanning lines whole). A quote still open at
/// the end of the record is `.unterminatedQuote`. Tab and space dialects (Zeek, AWS) are
/// split without quote handling, as their tools write them.
public struct FieldSplitter: Sendable {
    /// Outcome of splitting one line.
    public enum Status: Equatable, Sendable {
        case ok
        case unterminatedQuote
        /// More than `maxFields` fields.
        case tooManyFields
        /// Bytes after a closing quote before the next delimiter (`"a"b`).
        case badQuote
    }

    /// Largest number of fields per line.
    public let maxFields: Int
    /// Field i: start in bits 0–31, end in bits 32–62, bit 63 set when the field was
    /// quoted and holds doubled quotes.
    @usableFromInline var ranges: [UInt64]
    @usableFromInline var fieldCount: Int = 0
    /// Number of fields of the last split line.
    public var count: Int { fieldCount }
    /// True when the last line was split by the word-wise path (no quotes) and every byte
    /// it loaded was ASCII: the line is valid UTF-8 without a second pass over it. False
    /// says nothing (the byte path, or some byte ≥ 0x80).
    public private(set) var sawOnlyASCII = false

    public init(maxFields: Int = 1024) {
        self.maxFields = max(1, maxFields)
        ranges = [UInt64](repeating: 0, count: 64)
    }

    /// Splits `line`. Field ranges exclude surrounding quotes; with `trimSpaces`, ASCII
    /// spaces around unquoted fields are dropped (CIC-IDS2017 header names).
    public mutating func split(_ line: UnsafeBufferPointer<UInt8>, delimiter: UInt8, quoting: Bool,
                               trimSpaces: Bool = false) -> Status {
        let needed = min(line.count + 1, maxFields)
        if ranges.count < needed {
            ranges = [UInt64](repeating: 0, count: max(needed, ranges.count * 2))
        }
        let limit = min(ranges.count, maxFields)
        var n = 0
        var highBits: UInt64 = 0
        var wordwise = false
        let status = ranges.withUnsafeMutableBufferPointer { r in
            if !trimSpaces,
               let fast = FieldSplitter.splitWords(r.baseAddress!, limit: limit, line, delimiter, quoting, highBits: &highBits) {
                n = fast
                wordwise = true
                return Status.ok
            }
            return FieldSplitter.splitInto(r.baseAddress!, limit: limit, count: &n, line, delimiter, quoting, trimSpaces)
        }
        fieldCount = n
        sawOnlyASCII = wordwise && highBits & 0x8080_8080_8080_8080 == 0
        return status
    }

    /// High bit of each byte of `x` that equals the byte broadcast in `pattern` (exact).
    @inline(__always)
    static func matches(_ x: UInt64, _ pattern: UInt64) -> UInt64 {
        let t = x ^ pattern
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        return ~(((t & low7) &+ low7) | t | low7)
    }

    /// Fast path for lines without quotes: finds delimiters eight bytes at a time.
    /// Returns nil (caller takes the byte path) when a quote is present and quoting is
    /// on, or when there are more fields than `limit`. `highBits` gets the OR of every
    /// word of the line (bytes past its end zero), for the ASCII test.
    static func splitWords(_ out: UnsafeMutablePointer<UInt64>, limit: Int, _ line: UnsafeBufferPointer<UInt8>,
                           _ delimiter: UInt8, _ quoting: Bool, highBits: inout UInt64) -> Int? {
        guard let base = line.baseAddress else { return nil }
        let n = line.count
        let delims = UInt64(delimiter) &* 0x0101_0101_0101_0101
        let quotes: UInt64 = 0x2222_2222_2222_2222
        let raw = UnsafeRawPointer(base)
        var k = 0
        var fieldStart = 0
        var i = 0
        while i < n {
            var word: UInt64
            let valid = min(8, n - i)
            if valid == 8 {
                word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            } else {
                word = 0
                for b in 0..<valid { word |= UInt64(base[i + b]) << UInt64(8 * b) }
            }
            let validMask: UInt64 = valid == 8 ? ~0 : (UInt64(1) << UInt64(8 * valid)) &- 1
            highBits |= word
            if quoting && matches(word, quotes) & validMask != 0 { return nil }
            var m = matches(word, delims) & validMask & 0x8080_8080_8080_8080
            while m != 0 {
                let pos = i &+ m.trailingZeroBitCount &>> 3
                if k >= limit { return nil }
                out[k] = UInt64(truncatingIfNeeded: fieldStart) | UInt64(truncatingIfNeeded: pos) &<< 32
                k &+= 1
                fieldStart = pos &+ 1
                m &= m &- 1
            }
            i &+= 8
        }
        if k >= limit { return nil }
        out[k] = UInt64(fieldStart) | UInt64(n) << 32
        return k + 1
    }

    static func splitInto(_ out: UnsafeMutablePointer<UInt64>, limit: Int, count: inout Int,
                          _ line: UnsafeBufferPointer<UInt8>, _ delimiter: UInt8, _ quoting: Bool,
                          _ trimSpaces: Bool) -> Status {
        let n = line.count
        guard let base = line.baseAddress else {
            out[0] = 0
            count = 1
            return .ok
        }
        var k = 0
        defer { count = k }
        var i = 0
        while true {
            if k >= limit { return .tooManyFields }
            if quoting && i < n && base[i] == 0x22 {
                let fieldStart = i + 1
                var j = fieldStart
                var hasEscapes = false
                var closed = false
                while j < n {
                    if base[j] == 0x22 {
                        if j + 1 < n && base[j + 1] == 0x22 {
                            hasEscapes = true
                            j += 2
                            continue
                        }
                        closed = true
                        break
                    }
                    j += 1
                }
                if !closed { return .unterminatedQuote }
                out[k] = UInt64(fieldStart) | UInt64(j) << 32 | (hasEscapes ? 1 << 63 : 0)
                k += 1
                i = j + 1
                if i == n { return .ok }
                if base[i] != delimiter { return .badQuote }
                i += 1
                if i == n {
                    if k >= limit { return .tooManyFields }
                    out[k] = UInt64(n) | UInt64(n) << 32
                    k += 1
                    return .ok
                }
                continue
            }
            var j = i
            while j < n && base[j] != delimiter { j += 1 }
            var s = i, e = j
            if trimSpaces {
                while s < e && base[s] == 0x20 { s += 1 }
                while e > s && base[e - 1] == 0x20 { e -= 1 }
            }
            out[k] = UInt64(s) | UInt64(e) << 32
            k += 1
            if j == n { return .ok }
            i = j + 1
            if i == n {
                if k >= limit { return .tooManyFields }
                out[k] = UInt64(n) | UInt64(n) << 32
                k += 1
                return .ok
            }
        }
    }

    /// The bytes of field `i` of `line` (as split last). Doubled quotes are still doubled;
    /// see `isEscaped` and `unescape`.
    @inlinable
    public func field(_ i: Int, in line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        let v = ranges[i]
        let s = Int(truncatingIfNeeded: v & 0xFFFF_FFFF)
        let e = Int(truncatingIfNeeded: (v >> 32) & 0x7FFF_FFFF)
        return UnsafeBufferPointer(start: line.baseAddress.map { $0 + s }, count: e - s)
    }

    /// True when field `i` was quoted and contains doubled quotes.
    @inlinable
    public func isEscaped(_ i: Int) -> Bool { ranges[i] >> 63 != 0 }

    /// Appends `field` with each `""` replaced by `"`.
    public static func unescape(_ field: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        var k = 0
        while k < field.count {
            out.append(field[k])
            if field[k] == 0x22 && k + 1 < field.count && field[k + 1] == 0x22 { k += 2 } else { k += 1 }
        }
    }
}
