import FlowCore
import FlowRandom

/// The simulated network: who exists, where, and how popular each host is.
///
/// - Internal IPv4 `10.0.0.0/16`: servers in `10.0.1.0/24` (web `.10–.17`, SSH bastion
///   `.22`, mail `.25–.26`, DNS `.53–.54`, NTP `.123`), clients in eight /24 subnets
///   `10.0.10.0/24`–`10.0.17.0/24` (hosts `.20–.211`), the exporters `10.0.255.1` and
///   `10.0.255.2`.
/// - Internal IPv6 `fd00:f10e::/64`: servers `fd00:f10e::1:<v4 host>`, clients
///   `fd00:f10e::2:<n>`.
/// - External IPv4: a popularity-ranked pool whose top ranks are the public-looking
///   documentation ranges `198.51.100.0/24` and `203.0.113.0/24`, the rest drawn from the
///   whole public space (special-purpose blocks of RFC 6890 and multicast/reserved
///   excluded); some flows use a fresh random public address (the long tail).
/// - External IPv6: a pool in `2001:db8::/32`.
///
/// Every pool is sampled with a Zipf alias table: O(1) per draw, no allocation.
struct AddressPlan: Sendable {
    static let exporter = IPAddress(ipv4: 0x0A00_FF01)        // 10.0.255.1
    static let secondExporter = IPAddress(ipv4: 0x0A00_FF02)  // 10.0.255.2
    static let internalV6Prefix: UInt64 = 0xFD00_F10E_0000_0000

    /// Server roles and their IPv4 host numbers in 10.0.1.0/24.
    enum Role: Int, CaseIterable, Sendable {
        case web, ssh, mail, dns, ntp
        var hosts: [UInt32] {
            switch self {
            case .web: return Array(10...17)
            case .ssh: return [22]
            case .mail: return [25, 26]
            case .dns: return [53, 54]
            case .ntp: return [123]
            }
        }
    }

    static let clientCount = 1536
    static let clientV6Count = 384
    static let externalPoolCount = 4096
    static let externalV6PoolCount = 512

    let clientPopularity = AliasTable.zipf(count: AddressPlan.clientCount, exponent: 0.9)
    let clientV6Popularity = AliasTable.zipf(count: AddressPlan.clientV6Count, exponent: 0.9)
    let serverPopularity: [AliasTable] = Role.allCases.map { AliasTable.zipf(count: $0.hosts.count, exponent: 1.2) }
    let externalPopularity = AliasTable.zipf(count: AddressPlan.externalPoolCount, exponent: 1.05)
    let externalV6Popularity = AliasTable.zipf(count: AddressPlan.externalV6PoolCount, exponent: 1.05)
    /// Server addresses by role, precomputed for the hot path.
    let serverV4Addresses: [[IPAddress]] = Role.allCases.map { role in role.hosts.indices.map { AddressPlan.serverV4(role, $0) } }
    let serverV6Addresses: [[IPAddress]] = Role.allCases.map { role in role.hosts.indices.map { AddressPlan.serverV6(role, $0) } }
    let externalPool: [IPAddress]
    let externalV6Pool: [IPAddress]

    init(seed: UInt64) {
        var rng = Xoshiro256(seed: seed, stream: 0xADD2)
        var pool: [IPAddress] = []
        pool.reserveCapacity(AddressPlan.externalPoolCount)
        var seen = Set<UInt32>()
        // The documentation ranges take the top ranks, alternating 198.51.100.x / 203.0.113.x.
        for host in UInt32(1)...254 {
            for base: UInt32 in [0xC633_6400, 0xCB00_7100] {
                seen.insert(base | host)
                pool.append(IPAddress(ipv4: base | host))
            }
        }
        while pool.count < AddressPlan.externalPoolCount {
            let a = AddressPlan.randomPublicV4(&rng)
            if seen.insert(a).inserted { pool.append(IPAddress(ipv4: a)) }
        }
        externalPool = pool
        var v6: [IPAddress] = []
        var seen6 = Set<IPAddress>()
        while v6.count < AddressPlan.externalV6PoolCount {
            let a = IPAddress(high: 0x2001_0DB8_0000_0000 | (rng.next() & 0xFFFF_FFFF),
                              low: rng.next() & 0xFFFF)
            if seen6.insert(a).inserted { v6.append(a) }
        }
        externalV6Pool = v6
    }

    // MARK: Internal hosts

    static func serverV4(_ role: Role, _ index: Int) -> IPAddress {
        IPAddress(ipv4: 0x0A00_0100 | role.hosts[index])
    }

    static func serverV6(_ role: Role, _ index: Int) -> IPAddress {
        IPAddress(high: internalV6Prefix, low: 0x1_0000 | UInt64(role.hosts[index]))
    }

    static func clientV4(_ k: Int) -> IPAddress {
        let subnet = UInt32(10 + k / 192)
        let host = UInt32(20 + k % 192)
        return IPAddress(ipv4: 0x0A00_0000 | subnet << 8 | host)
    }

    static func clientV6(_ k: Int) -> IPAddress {
        IPAddress(high: internalV6Prefix, low: 0x2_0000 | UInt64(k))
    }

    @inline(__always)
    func client<R: RandomSource>(_ rng: inout R, v6: Bool) -> IPAddress {
        v6 ? AddressPlan.clientV6(clientV6Popularity.sample(&rng)) : AddressPlan.clientV4(clientPopularity.sample(&rng))
    }

    @inline(__always)
    func server<R: RandomSource>(_ role: Role, _ rng: inout R, v6: Bool) -> IPAddress {
        let i = serverPopularity[role.rawValue].sample(&rng)
        return v6 ? serverV6Addresses[role.rawValue][i] : serverV4Addresses[role.rawValue][i]
    }

    /// A popular external host, or (with probability `tail`) a fresh random one.
    @inline(__always)
    func external<R: RandomSource>(_ rng: inout R, v6: Bool, tail: Double) -> IPAddress {
        if v6 { return externalV6Pool[externalV6Popularity.sample(&rng)] }
        if rng.chance(tail) { return IPAddress(ipv4: AddressPlan.randomPublicV4(&rng)) }
        return externalPool[externalPopularity.sample(&rng)]
    }

    static func isInternal(_ a: IPAddress) -> Bool {
        if let v4 = a.ipv4 { return v4 >> 16 == 0x0A00 }
        return a.high == internalV6Prefix
    }

    // MARK: Public IPv4 space

    /// True for addresses in special-purpose or reserved IPv4 blocks (RFC 6890, multicast,
    /// class E) and in the two documentation ranges the popular pool uses.
    static func isReservedV4(_ a: UInt32) -> Bool {
        let o1 = a >> 24
        switch o1 {
        case 0, 10, 127: return true
        case 224...255: return true
        case 100: return (a >> 22) == (100 << 2 | 1)           // 100.64.0.0/10
        case 169: return (a >> 16) == 0xA9FE                   // 169.254.0.0/16
        case 172: return (a >> 20) == 0xAC1                    // 172.16.0.0/12
        case 192:
            let p24 = a >> 8
            return p24 == 0xC0_0000 || p24 == 0xC0_0002 || p24 == 0xC0_5863 || (a >> 16) == 0xC0A8
        case 198: return (a >> 17) == (0xC612 >> 1) || (a >> 8) == 0xC6_3364  // 198.18/15, 198.51.100/24
        case 203: return (a >> 8) == 0xCB_0071                 // 203.0.113.0/24
        default: return false
        }
    }

    /// A uniformly random public IPv4 address (rejection sampling, bounded).
    @inline(__always)
    static func randomPublicV4<R: RandomSource>(_ rng: inout R) -> UInt32 {
        for _ in 0..<32 {
            let a = UInt32(truncatingIfNeeded: rng.next() >> 32)
            if !isReservedV4(a) && a & 0xFF != 0 && a & 0xFF != 255 { return a }
        }
        return 0x0808_0808  // unreachable in practice (p < 2^-60)
    }

    /// Autonomous system of an address: 0 for internal, a documentation ASN (64496–64511,
    /// RFC 5398) for documentation ranges, otherwise a public 16-bit ASN derived from the
    /// address so that one host always has one AS.
    @inline(__always)
    static func asn(_ a: IPAddress) -> UInt32 {
        if isInternal(a) { return 0 }
        let h = SplitMix64.mix(a.high ^ a.low &* 0x9E37_79B9_7F4A_7C15)
        if let v4 = a.ipv4, (v4 >> 8) == 0xC6_3364 || (v4 >> 8) == 0xCB_0071 {
            return 64496 + UInt32(h % 16)
        }
        if a.high >> 32 == 0x2001_0DB8 { return 64496 + UInt32(h % 16) }
        return 1 + UInt32(h % 64495)
    }
}
