/// Splits one line into fields at a one-byte delimiter, writing field ranges into
/// reusable storage (no allocation per line once warmed up).
///
/// With `quoting` on (comma CSV), RFC 4180 quotes are honoured: a field that starts with
/// `"` runs to the next lone `"`; `""` inside stands for one quote. A record never spans
/// lines, so a quote still open at the end of the line is `.unterminatedQuote`. Tab and
/// space dialects (Zeek, AWS) are split without quote handling, as their tools write them.
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
    @usableFromInline var starts: [Int32]
    @usableFromInline var ends: [Int32]
    /// Bit i set when field i was quoted and holds doubled quotes that need unescaping.
    @usableFromInline var escaped: [Bool]
    @usableFromInline var fieldCount: Int = 0
    /// Number of fields of the last split line.
    public var count: Int { fieldCount }

    public init(maxFields: Int = 1024) {
        self.maxFields = maxFields
        starts = [Int32](repeating: 0, count: 64)
        ends = [Int32](repeating: 0, count: 64)
        escaped = [Bool](repeating: false, count: 64)
    }

    /// Splits `line`. Field ranges exclude surrounding quotes; with `trimSpaces`, ASCII
    /// spaces around unquoted fields are dropped (CIC-IDS2017 header names).
    @inlinable
    public mutating func split(_ line: UnsafeBufferPointer<UInt8>, delimiter: UInt8, quoting: Bool,
                               trimSpaces: Bool = false) -> Status {
        fieldCount = 0
        let n = line.count
        guard let base = line.baseAddress else {
            record(0, 0, false)
            return .ok
        }
        var i = 0
        while true {
            if fieldCount >= maxFields { return .tooManyFields }
            if quoting && i < n && base[i] == 0x22 {
                // Quoted field.
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
                record(fieldStart, j, hasEscapes)
                i = j + 1
                if i == n { return .ok }
                if base[i] != delimiter { return .badQuote }
                i += 1
                if i == n { record(n, n, false); return .ok }
                continue
            }
            var j = i
            while j < n && base[j] != delimiter { j += 1 }
            var s = i, e = j
            if trimSpaces {
                while s < e && base[s] == 0x20 { s += 1 }
                while e > s && base[e - 1] == 0x20 { e -= 1 }
            }
            record(s, e, false)
            if j == n { return .ok }
            i = j + 1
            if i == n { record(n, n, false); return .ok }
        }
    }

    @inlinable
    mutating func record(_ s: Int, _ e: Int, _ esc: Bool) {
        if fieldCount == starts.count {
            starts.append(contentsOf: repeatElement(0, count: starts.count))
            ends.append(contentsOf: repeatElement(0, count: ends.count))
            escaped.append(contentsOf: repeatElement(false, count: escaped.count))
        }
        starts[fieldCount] = Int32(truncatingIfNeeded: s)
        ends[fieldCount] = Int32(truncatingIfNeeded: e)
        escaped[fieldCount] = esc
        fieldCount += 1
    }

    /// The bytes of field `i` of `line` (as split last). Doubled quotes are still doubled;
    /// see `isEscaped` and `unescape`.
    @inlinable
    public func field(_ i: Int, in line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        let s = Int(starts[i])
        return UnsafeBufferPointer(start: line.baseAddress.map { $0 + s }, count: Int(ends[i]) - s)
    }

    /// True when field `i` was quoted and contains doubled quotes.
    @inlinable
    public func isEscaped(_ i: Int) -> Bool { escaped[i] }

    /// Appends `field` with each `""` replaced by `"`.
    public static func unescape(_ field: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        var k = 0
        while k < field.count {
            out.append(field[k])
            if field[k] == 0x22 && k + 1 < field.count && field[k + 1] == 0x22 { k += 2 } else { k += 1 }
        }
    }
}
