import FlowCore

/// Kinds of deliberate dirt for testing the cleaning stage. Each dirty row is an extra row
/// derived from a benign row (the benign row itself stays as it was), so removing exactly
/// the dirty rows gives back the clean output. The raw value is the name in the labels
/// file and in `--dirt-rate KIND=RATE`.
public enum DirtKind: String, CaseIterable, Sendable, Codable, Comparable {
    /// An exact copy of a row, right after it.
    case duplicate
    /// The same flow reported by a second exporter (`10.0.255.2`), start and end 1–40 ms
    /// later.
    case secondExporter = "second_exporter"
    /// Start and end shifted into the future: past the end of the generated window by
    /// 1–30 days.
    case futureSkew = "future_skew"
    /// End 1–5000 ms before start.
    case endBeforeStart = "end_before_start"
    /// Packets 0 with bytes > 0.
    case zeroPackets = "zero_packets"
    /// Bytes per packet below 20 (bytes ≥ 1).
    case tinyPackets = "bytes_per_packet_below_20"
    /// Bytes per packet above 65535.
    case hugePackets = "bytes_per_packet_above_65535"
    /// Protocol ICMP with a non-zero source port (a TCP/UDP port pair on ICMP).
    case icmpWithPorts = "ports_on_icmp"
    /// Protocol UDP with non-zero TCP flags.
    case udpWithTCPFlags = "tcp_flags_on_udp"
    /// Source or destination 0.0.0.0 (`::` for IPv6 rows).
    case unspecifiedAddress = "unspecified_address"

    public static func < (a: DirtKind, b: DirtKind) -> Bool { a.rawValue < b.rawValue }

    /// Position in `allCases`.
    var index: Int {
        switch self {
        case .duplicate: return 0
        case .secondExporter: return 1
        case .futureSkew: return 2
        case .endBeforeStart: return 3
        case .zeroPackets: return 4
        case .tinyPackets: return 5
        case .hugePackets: return 6
        case .icmpWithPorts: return 7
        case .udpWithTCPFlags: return 8
        case .unspecifiedAddress: return 9
        }
    }
}

/// Probability per benign row of spawning one dirty row of each kind (their sum at most 1).
public struct DirtRates: Sendable, Equatable {
    public private(set) var rates: [Double] = Array(repeating: 0, count: DirtKind.allCases.count)

    public init() {}

    /// `total` spread evenly over every kind (`--dirt RATE`).
    public init(total: Double) {
        rates = Array(repeating: total / Double(DirtKind.allCases.count), count: DirtKind.allCases.count)
    }

    public subscript(kind: DirtKind) -> Double {
        get { rates[kind.index] }
        set { rates[kind.index] = newValue }
    }

    public var total: Double { rates.reduce(0, +) }
    public var isZero: Bool { rates.allSatisfy { $0 == 0 } }

    /// Parses `KIND=RATE` (as `--dirt-rate` takes it).
    public mutating func apply(_ spec: String) throws {
        let parts = spec.split(separator: "=", maxSplits: 1)
        guard parts.count == 2, let kind = DirtKind(rawValue: String(parts[0])) else {
            throw GenerateError.invalidParameter(
                name: "--dirt-rate", value: spec,
                reason: "expected KIND=RATE with KIND one of " + DirtKind.allCases.map(\.rawValue).joined(separator: ", "))
        }
        guard let rate = Double(parts[1]), rate >= 0, rate <= 1 else {
            throw GenerateError.invalidParameter(name: "--dirt-rate", value: spec, reason: "RATE must be a number from 0 to 1")
        }
        self[kind] = rate
    }
}

/// Turns a copy of a benign row into a dirty row of one kind.
enum DirtInjector {
    /// Picks the kind for draw `u` in [0, 1), or nil for no dirt.
    @inline(__always)
    static func kind(for u: Double, rates: [Double]) -> Int? {
        var acc = 0.0
        for k in 0..<rates.count {
            acc += rates[k]
            if u < acc { return k }
        }
        return nil
    }

    @inline(__always)
    static func apply<R: RandomSource>(_ kindIndex: Int, to r: inout FlowRecord, windowEnd: Int64, _ rng: inout R) {
        switch kindIndex {
        case 0:  // duplicate
            break
        case 1:  // second exporter
            let d = Int64(rng.between(1, 40))
            r.exporter = AddressPlan.secondExporter
            r.start += d
            r.end += d
        case 2:  // future skew
            let shift = windowEnd - r.start + Int64(rng.between(1, 30)) * 86_400_000 + Int64(rng.below(86_400_000))
            r.start += shift
            r.end += shift
        case 3:  // end before start
            r.end = r.start - Int64(rng.between(1, 5_000))
        case 4:  // zero packets, bytes > 0
            r.packets = 0
            if r.bytes == 0 { r.bytes = 40 }
        case 5:  // bytes/packet below 20
            r.bytes = r.packets * UInt64(rng.between(1, 19))
        case 6:  // bytes/packet above 65535
            r.bytes = r.packets * UInt64(rng.between(65_536, 200_000))
        case 7:  // ports on ICMP
            r.proto = r.srcAddr.isIPv4 ? ServiceCatalog.icmp : ServiceCatalog.icmpV6
            r.tcpFlags = 0
            r.srcPort = BenignFlowModel.ephemeralPort(&rng)
            r.dstPort = rng.chance(0.5) ? 443 : 80
        case 8:  // TCP flags on UDP
            r.proto = ServiceCatalog.udp
            r.tcpFlags = rng.chance(0.5) ? 0x02 : 0x1B
            if r.srcPort == 0 { r.srcPort = BenignFlowModel.ephemeralPort(&rng) }
            if r.dstPort == 0 { r.dstPort = 53 }
        default:  // unspecified address
            let zero = r.srcAddr.isIPv4 ? IPAddress(ipv4: 0) : IPAddress.zero
            if rng.chance(0.5) { r.srcAddr = zero } else { r.dstAddr = zero }
        }
    }
}
