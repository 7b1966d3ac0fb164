import FlowArtifacts
import FlowColumnar
import FlowCore

/// Encodes one quarantine record (`QuarantineEncoder`'s clean rule record) for a row that
/// failed a rule: where it came from, which rule and why, and every column of the row as
/// it was in the raw file (timestamps as ISO 8601 text, nulls as null).
enum QuarantineLine {
    static func append(view v: borrowing RawBatchView, row i: Int, sourceJSON: [UInt8], batch: Int, rule: CleanRule,
                       detail: String, to out: inout [UInt8]) {
        let encoder = QuarantineEncoder()
        encoder.beginRuleRecord(sourceJSON: sourceJSON, batch: batch, row: i, rule: rule.rawValue, detail: detail, into: &out)
        var first = true
        func key(_ name: StaticString) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(UInt8(ascii: "\""))
            JSONText.appendRaw(name, to: &out)
            JSONText.appendRaw("\":", to: &out)
        }
        func null() { JSONText.appendRaw("null", to: &out) }
        func time(_ name: StaticString, _ values: ArrowValues<Int64>, _ valid: ArrowBitmapViewLike) {
            key(name)
            if valid.isValid(i) { JSONText.appendString(CivilTime.isoString(millis: values[i]), to: &out) } else { null() }
        }
        func text(_ name: StaticString, _ view: ArrowUTF8ViewLike, _ valid: ArrowBitmapViewLike) {
            key(name)
            if valid.isValid(i) { JSONText.appendString(view.bytes(i), to: &out) } else { null() }
        }
        func number<T: BinaryInteger>(_ name: StaticString, _ c: RawBatchView.Fixed<T>) {
            key(name)
            if c.isValid(i) { JSONText.appendInteger(c.values[i], to: &out) } else { null() }
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
        encoder.endRuleRecord(into: &out)
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
