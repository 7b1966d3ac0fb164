import FlowColumnar
import FlowCore

/// Appends JSON text to a byte buffer without building Strings per value.
enum JSONBytes {
    static func appendString(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in bytes {
            switch b {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(b)
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(b)
            case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 15)])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    static func appendString(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { appendString($0, to: &out) }
    }

    static func appendRaw(_ s: StaticString, to out: inout [UInt8]) {
        s.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    static func appendInteger<T: BinaryInteger>(_ v: T, to out: inout [UInt8]) {
        out.append(contentsOf: String(v).utf8)
    }
}

/// Encodes one quarantine line for a row that failed a rule: where it came from, which
/// rule and why, and every column of the row as it was in the raw file (timestamps as ISO
/// 8601 text, nulls as null).
enum QuarantineLine {
    static func append(view v: RawBatchView, row i: Int, sourceJSON: [UInt8], batch: Int, rule: CleanRule,
                       detail: String, to out: inout [UInt8]) {
        JSONBytes.appendRaw("{\"source\":", to: &out)
        out.append(contentsOf: sourceJSON)
        JSONBytes.appendRaw(",\"batch\":", to: &out)
        JSONBytes.appendInteger(batch, to: &out)
        JSONBytes.appendRaw(",\"row\":", to: &out)
        JSONBytes.appendInteger(i, to: &out)
        JSONBytes.appendRaw(",\"rule\":", to: &out)
        JSONBytes.appendString(rule.rawValue, to: &out)
        JSONBytes.appendRaw(",\"detail\":", to: &out)
        JSONBytes.appendString(detail, to: &out)
        JSONBytes.appendRaw(",\"values\":{", to: &out)
        var first = true
        func key(_ name: StaticString) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(UInt8(ascii: "\""))
            JSONBytes.appendRaw(name, to: &out)
            JSONBytes.appendRaw("\":", to: &out)
        }
        func null() { JSONBytes.appendRaw("null", to: &out) }
        func time(_ name: StaticString, _ values: UnsafeBufferPointer<Int64>, _ valid: ArrowBitmapViewLike) {
            key(name)
            if valid.isValid(i) { JSONBytes.appendString(CivilTime.isoString(millis: values[i]), to: &out) } else { null() }
        }
        func text(_ name: StaticString, _ view: ArrowUTF8ViewLike, _ valid: ArrowBitmapViewLike) {
            key(name)
            if valid.isValid(i) { JSONBytes.appendString(view.bytes(i), to: &out) } else { null() }
        }
        func number<T: BinaryInteger>(_ name: StaticString, _ c: RawBatchView.Fixed<T>) {
            key(name)
            if c.isValid(i) { JSONBytes.appendInteger(c.values[i], to: &out) } else { null() }
        }
        time("start", v.start, .init(v.startValid))
        time("end", v.end, .init(v.endValid))
        text("src_addr", .init(v.src), .init(v.srcValid))
        text("dst_addr", .init(v.dst), .init(v.dstValid))
        number("src_port", v.srcPort)
        number("dst_port", v.dstPort)
        number("protocol", v.proto)
        number("tcp_flags", v.tcpFlags)
        number("packets", v.packets)
        number("bytes", v.bytes)
        number("input_if", v.inputIf)
        number("output_if", v.outputIf)
        number("src_as", v.srcAS)
        number("dst_as", v.dstAS)
        number("tos", v.tos)
        text("exporter", .init(v.exporter), .init(v.exporterValid))
        number("sampling_rate", v.samplingRate)
        number("flow_direction", v.flowDirection)
        number("rev_packets", v.revPackets)
        number("rev_bytes", v.revBytes)
        text("label", .init(v.label), .init(v.labelValid))
        JSONBytes.appendRaw("}}\n", to: &out)
    }
}

/// Small adapters so the quarantine encoder can treat "no bitmap" as "all valid".
struct ArrowBitmapViewLike {
    let bitmap: ArrowBitmapView?
    init(_ bitmap: ArrowBitmapView?) { self.bitmap = bitmap }
    func isValid(_ i: Int) -> Bool { bitmap?[i] ?? true }
}

struct ArrowUTF8ViewLike {
    let view: ArrowUTF8View
    init(_ view: ArrowUTF8View) { self.view = view }
    func bytes(_ i: Int) -> UnsafeBufferPointer<UInt8> { view[i] }
}
