import FlowCore
import Foundation

/// One rejected row (or one rejected file) as written to `quarantine.jsonl`.
///
/// Each line of the quarantine is one JSON object:
/// `{"file":"…","line":12,"offset":3456,"reason":"bad_address","detail":"…","raw":"…"}`.
/// `raw` holds the original line when it is valid UTF-8; otherwise `raw_base64` holds its
/// bytes. `offset` is the byte offset of the line in the decompressed stream. Lines longer
/// than `QuarantineEncoder.rawLimit` keep only their head (`raw_truncated: true`).
public struct QuarantineEncoder: Sendable {
    /// Longest raw line kept whole in the quarantine.
    public static let rawLimit = 4096

    public init() {}

    /// Appends one JSON line describing a rejected row.
    public func appendRow(file: String, line: Int64, offset: Int64, reason: String, detail: String,
                          raw: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        out.append(contentsOf: #"{"file":"#.utf8)
        appendJSONString(file, into: &out)
        out.append(contentsOf: #","line":"#.utf8)
        out.append(contentsOf: String(line).utf8)
        out.append(contentsOf: #","offset":"#.utf8)
        out.append(contentsOf: String(offset).utf8)
        out.append(contentsOf: #","reason":"#.utf8)
        appendJSONString(reason, into: &out)
        out.append(contentsOf: #","detail":"#.utf8)
        appendJSONString(detail, into: &out)
        let kept = UnsafeBufferPointer(rebasing: raw[0..<min(raw.count, QuarantineEncoder.rawLimit)])
        if String(validating: kept, as: UTF8.self) != nil {
            out.append(contentsOf: #","raw":"#.utf8)
            appendJSONBytes(kept, into: &out)
        } else {
            out.append(contentsOf: #","raw_base64":""#.utf8)
            out.append(contentsOf: Data(kept).base64EncodedData())
            out.append(UInt8(ascii: "\""))
        }
        if kept.count < raw.count { out.append(contentsOf: #","raw_truncated":true"#.utf8) }
        out.append(contentsOf: "}\n".utf8)
    }

    /// Bytes of a binary unit kept in the quarantine (`raw_hex`).
    public static let binaryRawLimit = 64

    /// Appends one JSON line describing a rejected unit of a binary input (a capture
    /// record, an export message or set, an nfcapd block):
    /// `{"file":"…","offset":1234,"reason":"missing_template","records":1,"detail":"…","raw_hex":"0009…"}`.
    /// `offset` is the unit's byte offset in the (decompressed) input, `records` the flow
    /// records it stands for, `raw_hex` its first bytes (at most `binaryRawLimit`; absent
    /// when they were no longer in memory, e.g. a unit that began in an earlier chunk).
    public func appendBinaryReject(file: String, offset: Int64, reason: String, records: Int, detail: String,
                                   raw: UnsafeRawBufferPointer?, into out: inout [UInt8]) {
        out.append(contentsOf: #"{"file":"#.utf8)
        appendJSONString(file, into: &out)
        out.append(contentsOf: #","offset":"#.utf8)
        out.append(contentsOf: String(offset).utf8)
        out.append(contentsOf: #","reason":"#.utf8)
        appendJSONString(reason, into: &out)
        out.append(contentsOf: #","records":"#.utf8)
        out.append(contentsOf: String(records).utf8)
        out.append(contentsOf: #","detail":"#.utf8)
        appendJSONString(detail, into: &out)
        if let raw, !raw.isEmpty {
            let hex = Array("0123456789abcdef".utf8)
            out.append(contentsOf: #","raw_hex":""#.utf8)
            for b in raw.prefix(QuarantineEncoder.binaryRawLimit) {
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0xF)])
            }
            out.append(UInt8(ascii: "\""))
        }
        out.append(contentsOf: "}\n".utf8)
    }

    /// Appends one JSON line for a whole file whose rows were not trusted (rolled back).
    public func appendFile(file: String, rows: Int64, reason: String, detail: String, into out: inout [UInt8]) {
        out.append(contentsOf: #"{"file":"#.utf8)
        appendJSONString(file, into: &out)
        out.append(contentsOf: #","rows":"#.utf8)
        out.append(contentsOf: String(rows).utf8)
        out.append(contentsOf: #","reason":"#.utf8)
        appendJSONString(reason, into: &out)
        out.append(contentsOf: #","detail":"#.utf8)
        appendJSONString(detail, into: &out)
        out.append(contentsOf: "}\n".utf8)
    }

    func appendJSONString(_ s: String, into out: inout [UInt8]) {
        var copy = s
        copy.withUTF8 { appendJSONBytes($0, into: &out) }
    }

    /// Appends valid UTF-8 bytes as a quoted JSON string, escaping quotes, backslashes and
    /// control characters.
    func appendJSONBytes(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for b in bytes {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20, 0x7F:
                out.append(contentsOf: Array(#"\u00"#.utf8))
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0xF)])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
