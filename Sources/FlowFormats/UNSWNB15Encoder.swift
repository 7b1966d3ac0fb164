import FlowCore

/// UNSW-NB15 CSV parts 1–4 (49 columns of UNSW-NB15_features.csv, no header line, as
/// published): addresses, ports (ICMP type/code as Argus writes them), protocol name,
/// `dur` in seconds, `sbytes`/`dbytes`, `Spkts`/`Dpkts`, `Stime`/`Ltime` in whole epoch
/// seconds, `attack_cat` (empty for normal traffic) and `Label` (0 normal, 1 attack). The
/// Argus/Bro statistics floe does not carry are written as 0. Read it with `--dialect unsw-nb15`.
public struct UNSWNB15Encoder: DialectEncoder {
    public var dialect: Dialect { .unswNB15 }

    public init() {}

    public func header() -> [UInt8] { [] }

    public func encode(_ r: FlowRecord, label: UnsafeBufferPointer<UInt8>?, into out: inout [UInt8]) {
        let comma: UInt8 = 0x2C
        r.srcAddr.appendText(to: &out); out.append(comma)
        ArgusEncoder.ports(r, to: &out, between: { r.dstAddr.appendText(to: &$0) })
        out.append(comma)
        ArgusEncoder.protoName(r.proto, to: &out)
        ByteWriter.ascii(",CON,", to: &out)
        ByteWriter.fixed(max(0, r.end - r.start) * 1000, digits: 6, to: &out); out.append(comma)  // dur
        ByteWriter.uint(r.bytes, to: &out); out.append(comma)
        ByteWriter.uint(r.revBytes ?? 0, to: &out)
        ByteWriter.ascii(",0,0,0,0,-,0,0,", to: &out)  // sttl dttl sloss dloss service Sload Dload
        ByteWriter.uint(r.packets, to: &out); out.append(comma)
        ByteWriter.uint(r.revPackets ?? 0, to: &out)
        ByteWriter.ascii(",0,0,0,0,0,0,0,0,0,0,", to: &out)  // swin … Djit
        ByteWriter.int(AWSVPCEncoder.seconds(r.start), to: &out); out.append(comma)
        ByteWriter.int(AWSVPCEncoder.seconds(r.end), to: &out)
        ByteWriter.ascii(",0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,", to: &out)  // Sintpkt … ct_dst_src_ltm
        if let label { GenericCSVEncoder.csvField(label, to: &out) }
        ByteWriter.ascii(label == nil ? ",0\n" : ",1\n", to: &out)
    }

    public func trailer(_ info: DialectTrailerInfo) -> [UInt8] { [] }
}
