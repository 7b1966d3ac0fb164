import FlowCore

/// Link-layer, IP and UDP decoding of one captured packet down to the UDP payload.
/// Returns nil for packets that are not UDP over IPv4/IPv6 (they are skipped, not rejected).
struct CaptureUDPDatagram {
    var source: IPAddress
    var sourcePort: UInt16
    var destinationPort: UInt16
    /// Start and length of the UDP payload inside the packet buffer.
    var payloadStart: Int
    var payloadLength: Int
    /// The UDP length field says more bytes than were captured.
    var truncated: Bool
}

/// Where the network-layer packet starts for each supported link type.
enum CaptureLinkType {
    static let null: UInt32 = 0, ethernet: UInt32 = 1, raw12: UInt32 = 12, raw14: UInt32 = 14
    static let raw: UInt32 = 101, loop: UInt32 = 108, sll: UInt32 = 113, ipv4: UInt32 = 228
    static let ipv6: UInt32 = 229, sll2: UInt32 = 276

    static func isSupported(_ t: UInt32) -> Bool {
        [null, ethernet, raw12, raw14, raw, loop, sll, ipv4, ipv6, sll2].contains(t)
    }

    /// Offset of the IP header in a packet of link type `t`, or nil when the frame carries
    /// something else (ARP, …) or is too short.
    static func networkOffset(_ p: UnsafeRawBufferPointer, linkType t: UInt32) -> Int? {
        switch t {
        case ethernet:
            guard p.count >= 14 else { return nil }
            var o = 12
            var type = BinaryBytes.be16(p, o)
            var tags = 0
            // 802.1Q, 802.1ad (QinQ) and the old 0x9100 tag: 4 bytes each.
            while (type == 0x8100 || type == 0x88A8 || type == 0x9100), tags < 4 {
                o += 4
                tags += 1
                guard p.count >= o + 2 else { return nil }
                type = BinaryBytes.be16(p, o)
            }
            return type == 0x0800 || type == 0x86DD ? o + 2 : nil
        case sll:
            guard p.count >= 16 else { return nil }
            let type = BinaryBytes.be16(p, 14)
            return type == 0x0800 || type == 0x86DD ? 16 : nil
        case sll2:
            guard p.count >= 20 else { return nil }
            let type = BinaryBytes.be16(p, 0)
            return type == 0x0800 || type == 0x86DD ? 20 : nil
        case null, loop:
            return p.count >= 5 ? 4 : nil  // address family in either byte order; IP version decides
        case raw, raw12, raw14, ipv4, ipv6:
            return 0
        default:
            return nil
        }
    }
}

/// IPv4 fragment identity.
struct CaptureFragmentKey: Hashable {
    var source: UInt32
    var destination: UInt32
    var id: UInt16
    var proto: UInt8
}

/// Fragments of one IPv4 datagram being reassembled.
struct CaptureFragmentEntry {
    /// (offset in the IP payload, bytes)
    var pieces: [(Int, [UInt8])] = []
    var totalLength: Int? = nil
    var bytes = 0
    var firstOffset: Int64
    var header: [UInt8] = []
}
