import FlowCore
import FlowFormats

/// A test-only encoder: a plain CSV of the fields the tests check, with a label column
/// and a one-line trailer. Not a real dialect; it only drives the generator in tests.
struct TestCSVEncoder: DialectEncoder {
    var dialect: Dialect { .genericCSV }

    func header() -> [UInt8] {
        Array("start,end,src,dst,sport,dport,proto,flags,packets,bytes,exporter,label\n".utf8)
    }

    func encode(_ r: FlowRecord, label: UnsafeBufferPointer<UInt8>?, into out: inout [UInt8]) {
        func number<T: BinaryInteger>(_ v: T) { out.append(contentsOf: String(v).utf8) }
        number(r.start); out.append(44)
        number(r.end); out.append(44)
        r.srcAddr.appendText(to: &out); out.append(44)
        r.dstAddr.appendText(to: &out); out.append(44)
        if let p = r.srcPort { number(p) }; out.append(44)
        if let p = r.dstPort { number(p) }; out.append(44)
        number(r.proto); out.append(44)
        if let f = r.tcpFlags { number(f) }; out.append(44)
        number(r.packets); out.append(44)
        number(r.bytes); out.append(44)
        r.exporter?.appendText(to: &out); out.append(44)
        if let label { out.append(contentsOf: label) }
        out.append(10)
    }

    func trailer(_ info: DialectTrailerInfo) -> [UInt8] {
        Array("# flows \(info.flows) packets \(info.packets) bytes \(info.bytes) first \(info.firstMillis) last \(info.lastMillis)\n".utf8)
    }
}
