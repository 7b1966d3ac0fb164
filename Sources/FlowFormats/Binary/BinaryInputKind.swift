/// The binary flow inputs floe recognises by their first bytes.
public enum BinaryInputKind: String, Sendable, Equatable, CaseIterable {
    /// libpcap capture (either byte order, micro- or nanosecond timestamps).
    case pcap
    /// pcapng capture (starts with a Section Header Block).
    case pcapng
    /// nfdump 1.7.x file (layout version 2) as written by nfcapd, nfpcapd or nfdump.
    case nfcapd
    /// A bare concatenation of IPFIX messages (RFC 5655 IPFIX file, or a TCP stream dump).
    case ipfixStream

    /// Bytes needed by `detect` to decide in every case.
    public static let prefixLength = 16

    /// The kind of input whose first bytes are `prefix`, or nil when it is none of these
    /// (the caller then tries the text dialects).
    public static func detect(prefix p: UnsafeRawBufferPointer) -> BinaryInputKind? {
        guard p.count >= 4 else { return nil }
        let le = BinaryBytes.le32(p, 0)
        switch le {
        case 0xA1B2_C3D4, 0xD4C3_B2A1, 0xA1B2_3C4D, 0x4D3C_B2A1: return .pcap
        case 0x0A0D_0D0A:
            // pcapng SHB: block type, total length, byte-order magic.
            guard p.count >= 12 else { return nil }
            let bom = BinaryBytes.le32(p, 8)
            return bom == 0x1A2B_3C4D || bom == 0x4D3C_2B1A ? .pcapng : nil
        default: break
        }
        if BinaryBytes.le16(p, 0) == 0xA50C && BinaryBytes.le16(p, 2) == 2 { return .nfcapd }
        if BinaryBytes.be16(p, 0) == 10, BinaryBytes.be16(p, 2) >= 16 { return .ipfixStream }
        return nil
    }
}
