import FlowCore

/// AWS VPC Flow Logs, version 2 default format, as delivered to S3 (with the header
/// line). Account and interface ids are constants derived from the exporter address;
/// every flow is `ACCEPT OK`. Times are whole epoch seconds (truncated).
public struct AWSVPCEncoder: DialectEncoder {
    public var dialect: Dialect { .awsVPC }
    public let accountID: String

    public init(accountID: String = "123456789012") { self.accountID = accountID }

    public func header() -> [UInt8] { Array((DialectHeaders.awsVPC + "\n").utf8) }

    public func encode(_ r: FlowRecord, label: UnsafeBufferPointer<UInt8>?, into out: inout [UInt8]) {
        let sp: UInt8 = 0x20
        ByteWriter.ascii("2 ", to: &out)
        ByteWriter.string(accountID, to: &out); out.append(sp)
        // eni- and 17 hex digits.
        ByteWriter.ascii("eni-", to: &out)
        let seed = (r.exporter?.low ?? 0x0a1b_2c3d_4e5f_6071) &* 0x9E37_79B9_7F4A_7C15
        let hex: StaticString = "0123456789abcdef"
        out.append(hex.utf8Start[Int(seed >> 60)])
        for i in 0..<16 { out.append(hex.utf8Start[Int((seed >> UInt64(4 * i)) & 0xF)]) }
        out.append(sp)
        r.srcAddr.appendText(to: &out); out.append(sp)
        r.dstAddr.appendText(to: &out); out.append(sp)
        ByteWriter.uint(UInt64(r.srcPort ?? 0), to: &out); out.append(sp)
        ByteWriter.uint(UInt64(r.dstPort ?? 0), to: &out); out.append(sp)
        ByteWriter.uint(UInt64(r.proto), to: &out); out.append(sp)
        ByteWriter.uint(r.packets, to: &out); out.append(sp)
        ByteWriter.uint(r.bytes, to: &out); out.append(sp)
        ByteWriter.int(AWSVPCEncoder.seconds(r.start), to: &out); out.append(sp)
        ByteWriter.int(AWSVPCEncoder.seconds(r.end), to: &out)
        ByteWriter.ascii(" ACCEPT OK\n", to: &out)
    }

    static func seconds(_ ms: Int64) -> Int64 { ms >= 0 ? ms / 1000 : (ms - 999) / 1000 }

    public func trailer(_ info: DialectTrailerInfo) -> [UInt8] { [] }
}
