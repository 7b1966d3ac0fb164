/// A validation rule of floe-clean. The raw value is the rule's stable name: it is the key
/// in the config file's `rules:` section, in the manifest's `rejects_by_rule` and in the
/// quarantine's `rule` field; scripts may match on it. Rules run in `allCases` order and a
/// rejected row is charged to the first rule it fails.
public enum CleanRule: String, CaseIterable, Sendable, Codable, Comparable {
    /// A non-nullable column is null, or an address column is not an IP address. Always on
    /// (such a row cannot be represented in the dataset).
    case invalidValue = "invalid_value"
    /// Source or destination is the unspecified address (0.0.0.0 or ::), except a DHCP
    /// client's discover (UDP 0.0.0.0:68 → port 67) when `allow_dhcp_unspecified_source`.
    case unspecifiedAddress = "unspecified_address"
    /// `end` is earlier than `start`.
    case endBeforeStart = "end_before_start"
    /// `end - start` is longer than `active_timeout`: an exporter cuts flows at its active
    /// timeout, so a longer record is impossible.
    case durationOverActiveTimeout = "duration_over_active_timeout"
    /// `start` is earlier than `not_before`.
    case beforeNotBefore = "before_not_before"
    /// `start` is later than `not_after` (a date means: after the end of that day).
    case afterNotAfter = "after_not_after"
    /// `end` is more than `max_future_skew` after the reference time ("now").
    case futureSkew = "future_skew"
    /// packets = 0 with bytes > 0 (forward, or reverse counters of a bidirectional record).
    case zeroPacketsWithBytes = "zero_packets_with_bytes"
    /// packets > 0 with bytes = 0 (forward or reverse).
    case packetsWithoutBytes = "packets_without_bytes"
    /// bytes per packet below the smallest IP header (20 for IPv4, 40 for IPv6).
    case bytesPerPacketTooSmall = "bytes_per_packet_too_small"
    /// bytes per packet above the largest IP packet (65535 for IPv4, 65575 for IPv6, or
    /// 4294967335 for IPv6 jumbograms with `jumbo_frames`).
    case bytesPerPacketTooLarge = "bytes_per_packet_too_large"
    /// A port on a protocol without ports: ICMP/ICMPv6 with a non-zero source port (the
    /// destination port may hold type·256+code), any other protocol but TCP, UDP, DCCP,
    /// SCTP and UDP-Lite with a non-zero port.
    case portsOnPortlessProtocol = "ports_on_portless_protocol"
    /// Non-zero TCP flags on a protocol other than TCP.
    case tcpFlagsOnNonTCP = "tcp_flags_on_non_tcp"

    public static func < (a: CleanRule, b: CleanRule) -> Bool { a.index < b.index }

    /// Position in `allCases` (the order rules run in).
    public var index: Int {
        switch self {
        case .invalidValue: return 0
        case .unspecifiedAddress: return 1
        case .endBeforeStart: return 2
        case .durationOverActiveTimeout: return 3
        case .beforeNotBefore: return 4
        case .afterNotAfter: return 5
        case .futureSkew: return 6
        case .zeroPacketsWithBytes: return 7
        case .packetsWithoutBytes: return 8
        case .bytesPerPacketTooSmall: return 9
        case .bytesPerPacketTooLarge: return 10
        case .portsOnPortlessProtocol: return 11
        case .tcpFlagsOnNonTCP: return 12
        }
    }

    /// Rules the config may switch off (all but `invalid_value`).
    public static var configurable: [CleanRule] { allCases.filter { $0 != .invalidValue } }
}
