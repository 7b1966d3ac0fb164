#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a JSON value is.
public enum JSONValueKind: UInt8, Sendable {
    case string, number, bool, null, object, array
}

/// One member of a JSON object found by `JSONLineScanner`. The buffers point into the
/// scanned line and are valid only during the callback.
public struct JSONMember {
    /// The key of the member whose value is the enclosing object; empty at the top level.
    public var parent: UnsafeBufferPointer<UInt8>
    /// The key, between its quotes, escapes not decoded.
    public var key: UnsafeBufferPointer<UInt8>
    public var kind: JSONValueKind
    /// A string's bytes between its quotes (escapes not decoded); a number's or literal's
    /// text; an object's or array's whole text.
    public var value: UnsafeBufferPointer<UInt8>
    /// True when the key or a string value holds a backslash escape.
    public var keyEscaped: Bool
    public var valueEscaped: Bool
}

/// A strict, allocation-free scanner for one line holding one JSON object (JSON lines,
/// RFC 8259): no Foundation, no values materialised. It reports the members of the
/// top-level object and of the objects directly inside it (Suricata's `flow`, `tcp`,
/// `netflow`); deeper objects and arrays are checked but not reported.
///
/// Checked: the grammar of objects, arrays, strings (escapes `\" \\ \/ \b \f \n \r \t
/// \uXXXX`; raw control characters are errors), numbers (`-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`)
/// and literals, nesting below `maxDepth`, and that nothing but whitespace follows the
/// object. UTF-8 validity is the caller's (ingest checks every line before parsing).
public enum JSONLineScanner {
    /// Deepest nesting accepted.
    public static let maxDepth = 64

    /// Why a line is not one JSON object: the 0-based byte offset and what was expected.
    public struct Failure: Error, Equatable, Sendable, CustomStringConvertible {
        public let offset: Int
        public let message: String
        public var description: String { "byte \(offset + 1): \(message)" }
    }

    /// Scans `line`, calling `member` for each reported member in order. Returns the first
    /// syntax error, or nil when the line is exactly one JSON object.
    public static func scan(_ line: UnsafeBufferPointer<UInt8>, _ member: (JSONMember) -> Void) -> Failure? {
        guard let base = line.baseAddress else { return Failure(offset: 0, message: "empty line, expected a JSON object") }
        var cursor = Cursor(base: base, count: line.count)
        cursor.skipSpace()
        guard cursor.peek == UInt8(ascii: "{") else {
            return Failure(offset: cursor.i, message: "expected '{' (each line must be one JSON object)")
        }
        let empty = UnsafeBufferPointer<UInt8>(start: base, count: 0)
        if let failure = cursor.object(depth: 1, parent: empty, report: 2, member) { return failure }
        cursor.skipSpace()
        if cursor.i != cursor.count {
            return Failure(offset: cursor.i, message: "text after the end of the object")
        }
        return nil
    }

    struct Cursor {
        let base: UnsafePointer<UInt8>
        let count: Int
        var i = 0

        init(base: UnsafePointer<UInt8>, count: Int) {
            self.base = base
            self.count = count
        }

        /// The current byte, 0 at the end.
        var peek: UInt8 { i < count ? base[i] : 0 }

        mutating func skipSpace() {
            while i < count {
                let c = base[i]
                guard c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D else { return }
                i += 1
            }
        }

        func fail(_ message: String) -> Failure { Failure(offset: i, message: message) }

        /// An object at `i` (which is `{`); members are reported while `report` > 0.
        mutating func object(depth: Int, parent: UnsafeBufferPointer<UInt8>, report: Int,
                             _ member: (JSONMember) -> Void) -> Failure? {
            if depth > JSONLineScanner.maxDepth { return fail("nested deeper than \(JSONLineScanner.maxDepth) levels") }
            i += 1
            skipSpace()
            if peek == UInt8(ascii: "}") { i += 1; return nil }
            while true {
                guard peek == UInt8(ascii: "\"") else { return fail("expected a key in double quotes") }
                let keyStart = i + 1
                var keyEscaped = false
                if let failure = string(&keyEscaped) { return failure }
                let key = UnsafeBufferPointer(start: base + keyStart, count: i - 1 - keyStart)
                skipSpace()
                guard peek == UInt8(ascii: ":") else { return fail("expected ':' after the key") }
                i += 1
                skipSpace()
                let valueStart = i
                var kind = JSONValueKind.null
                var valueEscaped = false
                let c = peek
                if c == UInt8(ascii: "{") {
                    kind = .object
                    if let failure = object(depth: depth + 1, parent: key, report: report - 1, member) { return failure }
                } else if let failure = value(depth: depth, &kind, &valueEscaped) {
                    return failure
                }
                if report > 0 {
                    var v = UnsafeBufferPointer(start: base + valueStart, count: i - valueStart)
                    if kind == .string { v = UnsafeBufferPointer(start: base + valueStart + 1, count: v.count - 2) }
                    member(JSONMember(parent: parent, key: key, kind: kind, value: v, keyEscaped: keyEscaped,
                                      valueEscaped: valueEscaped))
                }
                skipSpace()
                let next = peek
                i += 1
                if next == UInt8(ascii: "}") { return nil }
                guard next == UInt8(ascii: ",") else { i -= 1; return fail("expected ',' or '}' after a value") }
                skipSpace()
            }
        }

        /// Any value but an object reported by `object` (nested objects inside arrays are
        /// checked here without reporting).
        mutating func value(depth: Int, _ kind: inout JSONValueKind, _ escaped: inout Bool) -> Failure? {
            switch peek {
            case UInt8(ascii: "\""):
                kind = .string
                return string(&escaped)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                kind = .number
                return number()
            case UInt8(ascii: "t"):
                kind = .bool
                return literal("true")
            case UInt8(ascii: "f"):
                kind = .bool
                return literal("false")
            case UInt8(ascii: "n"):
                kind = .null
                return literal("null")
            case UInt8(ascii: "{"):
                kind = .object
                let none = UnsafeBufferPointer<UInt8>(start: base, count: 0)
                return object(depth: depth + 1, parent: none, report: 0) { _ in }
            case UInt8(ascii: "["):
                kind = .array
                return array(depth: depth + 1)
            case 0:
                return fail("the line ends where a value was expected")
            default:
                return fail("expected a value (string, number, object, array, true, false or null)")
            }
        }

        mutating func array(depth: Int) -> Failure? {
            if depth > JSONLineScanner.maxDepth { return fail("nested deeper than \(JSONLineScanner.maxDepth) levels") }
            i += 1
            skipSpace()
            if peek == UInt8(ascii: "]") { i += 1; return nil }
            while true {
                var kind = JSONValueKind.null
                var escaped = false
                if let failure = value(depth: depth, &kind, &escaped) { return failure }
                skipSpace()
                let next = peek
                i += 1
                if next == UInt8(ascii: "]") { return nil }
                guard next == UInt8(ascii: ",") else { i -= 1; return fail("expected ',' or ']' in an array") }
                skipSpace()
            }
        }

        /// A string at `i` (its opening quote); leaves `i` after the closing quote.
        mutating func string(_ escaped: inout Bool) -> Failure? {
            i += 1
            // Eight bytes at a time while none is a quote, a backslash or a control byte.
            let raw = UnsafeRawPointer(base)
            while i + 8 <= count {
                let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                let quote = w ^ 0x2222_2222_2222_2222, slash = w ^ 0x5C5C_5C5C_5C5C_5C5C
                let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
                let special = ((quote &- ones) & ~quote) | ((slash &- ones) & ~slash) | ((w &- 0x2020_2020_2020_2020) & ~w)
                if special & highs != 0 { break }
                i += 8
            }
            while i < count {
                let c = base[i]
                if c == UInt8(ascii: "\"") { i += 1; return nil }
                if c < 0x20 { return fail("control character 0x\(String(c, radix: 16)) inside a string (must be escaped)") }
                if c == UInt8(ascii: "\\") {
                    escaped = true
                    i += 1
                    guard i < count else { break }
                    switch base[i] {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                         UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        i += 1
                    case UInt8(ascii: "u"):
                        guard i + 4 < count, (1...4).allSatisfy({ ByteParsing.hex(base[i + $0]) != nil }) else {
                            return fail("\\u must be followed by four hex digits")
                        }
                        i += 5
                    default:
                        return fail("unknown escape '\\\(Character(UnicodeScalar(base[i])))'")
                    }
                    continue
                }
                i += 1
            }
            return fail("the line ends inside a string")
        }

        mutating func digits() -> Bool {
            let start = i
            while i < count && base[i] >= 0x30 && base[i] <= 0x39 { i += 1 }
            return i > start
        }

        mutating func number() -> Failure? {
            if peek == UInt8(ascii: "-") { i += 1 }
            if peek == UInt8(ascii: "0") {
                i += 1
                if peek >= 0x30 && peek <= 0x39 { return fail("number with a leading zero") }
            } else if !digits() {
                return fail("expected digits in a number")
            }
            if peek == UInt8(ascii: ".") {
                i += 1
                if !digits() { return fail("expected digits after the decimal point") }
            }
            if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
                i += 1
                if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { i += 1 }
                if !digits() { return fail("expected digits in the exponent") }
            }
            return nil
        }

        mutating func literal(_ word: StaticString) -> Failure? {
            let n = word.utf8CodeUnitCount
            guard i + n <= count, memcmp(base + i, word.utf8Start, n) == 0 else {
                return fail("expected '\(word)'")
            }
            i += n
            return nil
        }
    }
}
