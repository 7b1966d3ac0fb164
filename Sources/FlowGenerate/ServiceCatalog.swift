/// The benign traffic mix: which hosts talk to which, over what protocol and port, and
/// how large and long such flows are. Weights give the share of benign flows and make
/// the protocol mix about 75 % TCP, 22 % UDP, 3 % ICMP.
struct FlowCategory: Sendable {
    enum Direction: Sendable {
        /// Internal client → external host (browsing, QUIC, outbound SSH, pings).
        case clientToExternal
        /// Internal client → internal server of a role.
        case clientToServer(AddressPlan.Role)
        /// External client → internal server of a role (published services).
        case externalToServer(AddressPlan.Role)
        /// Internal server → external host (DNS recursion, NTP, outbound mail).
        case serverToExternal(AddressPlan.Role)
    }

    /// How bytes, packets and duration are drawn.
    enum Model: Sendable { case web, quic, mail, imap, ssh, otherTCP, dns, ntp, icmp }

    let direction: Direction
    let proto: UInt8
    let port: UInt16
    /// A second destination port used for `altShare` of the flows (80 beside 443, …).
    let altPort: UInt16
    let altShare: Double
    let model: Model
    let weight: Double
    /// Share of these flows carried over IPv6.
    let v6Share: Double
}

enum ServiceCatalog {
    static let tcp: UInt8 = 6, udp: UInt8 = 17, icmp: UInt8 = 1, icmpV6: UInt8 = 58

    static let categories: [FlowCategory] = [
        // Internal clients → Internet.
        .init(direction: .clientToExternal, proto: tcp, port: 443, altPort: 80, altShare: 0.15, model: .web, weight: 0.455, v6Share: 0.12),
        .init(direction: .clientToExternal, proto: udp, port: 443, altPort: 443, altShare: 0, model: .quic, weight: 0.04, v6Share: 0.2),
        .init(direction: .clientToExternal, proto: tcp, port: 22, altPort: 22, altShare: 0, model: .ssh, weight: 0.01, v6Share: 0.05),
        .init(direction: .clientToExternal, proto: tcp, port: 8443, altPort: 5223, altShare: 0.4, model: .otherTCP, weight: 0.03, v6Share: 0.05),
        .init(direction: .clientToExternal, proto: icmp, port: 0, altPort: 0, altShare: 0, model: .icmp, weight: 0.015, v6Share: 0.1),
        // Internal clients → internal servers.
        .init(direction: .clientToServer(.dns), proto: udp, port: 53, altPort: 53, altShare: 0, model: .dns, weight: 0.14, v6Share: 0.15),
        .init(direction: .clientToServer(.ntp), proto: udp, port: 123, altPort: 123, altShare: 0, model: .ntp, weight: 0.01, v6Share: 0.0),
        .init(direction: .clientToServer(.web), proto: tcp, port: 443, altPort: 80, altShare: 0.1, model: .web, weight: 0.06, v6Share: 0.1),
        .init(direction: .clientToServer(.mail), proto: tcp, port: 993, altPort: 993, altShare: 0, model: .imap, weight: 0.03, v6Share: 0.1),
        .init(direction: .clientToServer(.mail), proto: tcp, port: 587, altPort: 587, altShare: 0, model: .mail, weight: 0.015, v6Share: 0.05),
        .init(direction: .clientToServer(.ssh), proto: tcp, port: 22, altPort: 22, altShare: 0, model: .ssh, weight: 0.02, v6Share: 0.05),
        .init(direction: .clientToServer(.web), proto: icmp, port: 0, altPort: 0, altShare: 0, model: .icmp, weight: 0.01, v6Share: 0.1),
        // Internet → published servers.
        .init(direction: .externalToServer(.web), proto: tcp, port: 443, altPort: 80, altShare: 0.2, model: .web, weight: 0.08, v6Share: 0.1),
        .init(direction: .externalToServer(.mail), proto: tcp, port: 25, altPort: 25, altShare: 0, model: .mail, weight: 0.02, v6Share: 0.05),
        .init(direction: .externalToServer(.ssh), proto: tcp, port: 22, altPort: 22, altShare: 0, model: .ssh, weight: 0.01, v6Share: 0.05),
        .init(direction: .externalToServer(.web), proto: icmp, port: 0, altPort: 0, altShare: 0, model: .icmp, weight: 0.005, v6Share: 0.1),
        // Servers → Internet.
        .init(direction: .serverToExternal(.dns), proto: udp, port: 53, altPort: 53, altShare: 0, model: .dns, weight: 0.025, v6Share: 0.2),
        .init(direction: .serverToExternal(.ntp), proto: udp, port: 123, altPort: 123, altShare: 0, model: .ntp, weight: 0.005, v6Share: 0.0),
        .init(direction: .serverToExternal(.mail), proto: tcp, port: 25, altPort: 25, altShare: 0, model: .mail, weight: 0.02, v6Share: 0.05),
    ]

    static let table = AliasTable(weights: categories.map(\.weight))
}
