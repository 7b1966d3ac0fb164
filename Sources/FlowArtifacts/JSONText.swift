/// The one JSON text writer of the hand-written JSON lines (the quarantines): appends to a
/// byte buffer without building a String per value.
public enum JSONText {
    /// Appends valid UTF-8 bytes as a quoted JSON string: quotes and backslashes escaped,
    /// newline, carriage return and tab as `\n`, `\r`, `\t`, every other control
    /// character and DEL as `\u00XX`. Other bytes pass through unchanged.
    public static func appendString(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in bytes {
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(b)
            case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
            case 0..<0x20, 0x7F:
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hexDigits[Int(b >> 4)])
                out.append(hexDigits[Int(b & 0xF)])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Appends a String as a quoted JSON string (see the byte form).
    public static func appendString(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { appendString($0, to: &out) }
    }

    /// Appends JSON text that is already JSON (keys, punctuation, `null`).
    public static func appendRaw(_ s: StaticString, to out: inout [UInt8]) {
        s.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    /// Appends an integer as a JSON number.
    public static func appendInteger<T: BinaryInteger>(_ v: T, to out: inout [UInt8]) {
        out.append(contentsOf: String(v).utf8)
    }

    /// Appends bytes as a quoted string of lower-case hex digits.
    public static func appendHex(_ bytes: some Sequence<UInt8>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in bytes {
            out.append(hexDigits[Int(b >> 4)])
            out.append(hexDigits[Int(b & 0xF)])
        }
        out.append(UInt8(ascii: "\""))
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}
