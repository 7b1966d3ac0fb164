#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Per-flow features, computed from a `FlowTable` on all cores. Categorical values:
/// protocol and direction one-hot (TCP/UDP/ICMP and inbound/outbound/internal; other
/// protocols and external traffic are all-zero), service port class and TCP flag pattern
/// ordinal (codes below), hour of day as a point on the unit circle.
public enum FlowFeatures {
    public static let definitions: [FeatureDefinition] = [
        FeatureDefinition("log_bytes", log1p: false, "ln(1 + bytes)"),
        FeatureDefinition("log_packets", log1p: false, "ln(1 + packets)"),
        FeatureDefinition("log_duration_ms", log1p: false, "ln(1 + duration in ms)"),
        FeatureDefinition("bytes_per_packet", log1p: false, "bytes / packets"),
        FeatureDefinition("service_port_class", log1p: false, "0 no port, 1 well-known (<1024), 2 registered (<49152), 3 dynamic"),
        FeatureDefinition("proto_tcp", log1p: false, "1 for TCP"),
        FeatureDefinition("proto_udp", log1p: false, "1 for UDP"),
        FeatureDefinition("proto_icmp", log1p: false, "1 for ICMP / ICMPv6"),
        FeatureDefinition("tcp_flag_pattern", log1p: false, "0 not TCP or unknown, 1 SYN without ACK (half-open), 2 RST, 3 complete (SYN, ACK, FIN), 4 other"),
        FeatureDefinition("dir_inbound", log1p: false, "1 for inbound"),
        FeatureDefinition("dir_outbound", log1p: false, "1 for outbound"),
        FeatureDefinition("dir_internal", log1p: false, "1 for internal"),
        FeatureDefinition("hour_sin", log1p: false, "sin(2π hour / 24), hour of the flow start (UTC)"),
        FeatureDefinition("hour_cos", log1p: false, "cos(2π hour / 24)"),
    ]

    public static var names: [String] { definitions.map(\.name) }

    /// The feature matrix of every flow of `table` (rows in table order).
    public static func compute(_ t: FlowTable) -> FeatureMatrix {
        let n = t.count, d = definitions.count
        var values = [Double](repeating: 0, count: n * d)
        values.withUnsafeMutableBufferPointer { v in
            Parallel.forEachChunk(count: n) { _, range in
                for i in range {
                    let o = i * d
                    let bytes = Double(t.bytes[i]), packets = Double(t.packets[i])
                    v[o] = log1p(bytes)
                    v[o + 1] = log1p(packets)
                    v[o + 2] = log1p(Double(t.duration[i]))
                    v[o + 3] = packets > 0 ? bytes / packets : 0
                    let port = t.destinationPort[i]
                    v[o + 4] = port < 0 ? 0 : (port < 1024 ? 1 : (port < 49152 ? 2 : 3))
                    let p = t.proto[i]
                    v[o + 5] = p == 6 ? 1 : 0
                    v[o + 6] = p == 17 ? 1 : 0
                    v[o + 7] = (p == 1 || p == 58) ? 1 : 0
                    v[o + 8] = Double(flagPattern(t, i))
                    switch t.direction[i] {
                    case .inbound: v[o + 9] = 1
                    case .outbound: v[o + 10] = 1
                    case .internalTraffic: v[o + 11] = 1
                    case .external: break
                    }
                    let ms = t.start[i] % 86_400_000
                    let hour = Double((ms < 0 ? ms + 86_400_000 : ms) / 3_600_000)
                    v[o + 12] = sin(2 * Double.pi * hour / 24)
                    v[o + 13] = cos(2 * Double.pi * hour / 24)
                }
            }
        }
        return FeatureMatrix(rows: n, columns: d, values: values, names: names)
    }

    @inline(__always)
    static func flagPattern(_ t: FlowTable, _ i: Int) -> Int {
        guard t.proto[i] == 6, t.flagsKnown[i] else { return 0 }
        let f = t.tcpFlags[i]
        if f & 0x04 != 0 { return 2 }
        if f & 0x02 != 0 && f & 0x10 == 0 { return 1 }
        if f & 0x13 == 0x13 { return 3 }
        return 4
    }
}
