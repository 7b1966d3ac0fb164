/// One normalized flow, as a decoder assembles it on the stack before appending it to a
/// `FlowBatch`. Optional fields are nil when the input dialect does not carry them: floe
/// never invents values. See ARCHITECTURE.md, "The flow schema".
public struct FlowRecord: Sendable, Equatable {
    /// Flow start, UTC milliseconds since the Unix epoch.
    public var start: Int64 = 0
    /// Flow end (last packet), UTC milliseconds since the Unix epoch.
    public var end: Int64 = 0
    public var srcAddr: IPAddress = .zero
    public var dstAddr: IPAddress = .zero
    public var srcPort: UInt16? = nil
    public var dstPort: UInt16? = nil
    /// IANA protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, …).
    public var proto: UInt8 = 0
    /// Cumulative TCP flags (FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10, URG 0x20,
    /// ECE 0x40, CWR 0x80).
    public var tcpFlags: UInt8? = nil
    public var packets: UInt64 = 0
    public var bytes: UInt64 = 0
    public var inputInterface: UInt32? = nil
    public var outputInterface: UInt32? = nil
    public var srcAS: UInt32? = nil
    public var dstAS: UInt32? = nil
    public var tos: UInt8? = nil
    /// Address of the exporter (router, sensor) that reported the flow.
    public var exporter: IPAddress? = nil
    /// 1-in-N packet sampling rate reported by the exporter (1 = unsampled).
    public var samplingRate: UInt32? = nil
    /// 0 ingress, 1 egress (IPFIX flowDirection, IE 61).
    public var flowDirection: UInt8? = nil
    /// Reverse-direction counters of a bidirectional record (RFC 5103, Zeek resp_*).
    public var revPackets: UInt64? = nil
    public var revBytes: UInt64? = nil

    @inlinable public init() {}
}
