/// Well-known service ports and their names, for `service_port` and `service`.
enum Services {
    /// (protocol, port, name) of the services floe names.
    static let known: [(UInt8, UInt16, String)] = [
        (6, 20, "ftp-data"), (6, 21, "ftp"), (6, 22, "ssh"), (6, 23, "telnet"), (6, 25, "smtp"), (6, 53, "dns"),
        (6, 80, "http"), (6, 110, "pop3"), (6, 143, "imap"), (6, 179, "bgp"), (6, 389, "ldap"), (6, 443, "https"),
        (6, 445, "smb"), (6, 465, "smtps"), (6, 587, "submission"), (6, 636, "ldaps"), (6, 853, "dns-over-tls"),
        (6, 993, "imaps"), (6, 995, "pop3s"), (6, 1433, "mssql"), (6, 1521, "oracle"), (6, 3306, "mysql"),
        (6, 3389, "rdp"), (6, 5223, "apple-push"), (6, 5432, "postgresql"), (6, 5900, "vnc"), (6, 6379, "redis"),
        (6, 8080, "http-alt"), (6, 8443, "https-alt"), (6, 9200, "elasticsearch"), (6, 27017, "mongodb"),
        (17, 53, "dns"), (17, 67, "dhcp"), (17, 68, "dhcp"), (17, 69, "tftp"), (17, 123, "ntp"), (17, 137, "netbios-ns"),
        (17, 161, "snmp"), (17, 162, "snmp-trap"), (17, 443, "quic"), (17, 500, "isakmp"), (17, 514, "syslog"),
        (17, 1194, "openvpn"), (17, 1900, "ssdp"), (17, 3478, "stun"), (17, 4500, "ipsec-nat-t"), (17, 5353, "mdns"),
        (17, 51820, "wireguard"),
    ]

    /// Name bytes by id (id 0 is "no name").
    static let names: [[UInt8]] = [[]] + known.map { Array($0.2.utf8) }
    /// Per port: name id for TCP and for UDP (0 when unknown).
    static let tcp: [UInt8] = table(6)
    static let udp: [UInt8] = table(17)

    private static func table(_ proto: UInt8) -> [UInt8] {
        var t = [UInt8](repeating: 0, count: 65_536)
        for (k, entry) in known.enumerated() where entry.0 == proto { t[Int(entry.1)] = UInt8(k + 1) }
        return t
    }

    static let icmp = Array("icmp".utf8), icmpv6 = Array("icmpv6".utf8)

    /// The two port tables as raw pointers (allocated once, never freed), so hot loops
    /// read them without a global-initialisation check or reference counting per row:
    /// fetch `Services.tables` once per block. The memory is never written after it is
    /// filled, so sharing it between threads is safe.
    struct Tables: @unchecked Sendable {
        let tcp: UnsafePointer<UInt8>
        let udp: UnsafePointer<UInt8>
    }

    static let tables: Tables = {
        func pinned(_ t: [UInt8]) -> UnsafePointer<UInt8> {
            let p = UnsafeMutablePointer<UInt8>.allocate(capacity: t.count)
            p.initialize(from: t, count: t.count)
            return UnsafePointer(p)
        }
        return Tables(tcp: pinned(tcp), udp: pinned(udp))
    }()

    /// The well-known side of a conversation: the destination port when it names a known
    /// service, else the source port when that does, else the lower of the two (the
    /// destination on a tie). Nil for protocols without ports or when a port is null.
    @inline(__always)
    static func servicePort(_ r: UnsafePointer<CleanRow>, _ t: Tables) -> UInt16? {
        let proto = r.pointee.proto
        guard RowValidator.hasPorts(proto), r.pointee.has(Present.srcPort), r.pointee.has(Present.dstPort) else { return nil }
        let table = proto == 17 ? t.udp : t.tcp
        let src = r.pointee.srcPort, dst = r.pointee.dstPort
        if table[Int(dst)] != 0 { return dst }
        if table[Int(src)] != 0 { return src }
        return src < dst ? src : dst
    }

    /// The name id of a service (0 for none). TCP-like protocols use the TCP table.
    @inline(__always)
    static func nameID(proto: UInt8, port: UInt16, _ t: Tables) -> Int {
        switch proto {
        case 17, 136: return Int(t.udp[Int(port)])
        case 6, 132, 33: return Int(t.tcp[Int(port)])
        default: return 0
        }
    }
}
