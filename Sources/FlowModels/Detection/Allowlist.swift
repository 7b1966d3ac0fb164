import FlowCore
import Foundation

/// Known-good hosts, networks, ports and host pairs, each with a reason (the `allowlist:`
/// part of the `models:` section). Their detections stay in anomalies.csv, marked
/// `allowlisted:<reason>` in its `incident` column, and are never raised as incidents:
///
/// ```yaml
/// allowlist:
///   hosts:    [{address: 10.0.0.5, reason: backup server}]
///   networks: [{cidr: 192.0.2.0/24, reason: authorised vulnerability scanner}]
///   ports:    [{port: 123, reason: NTP}]
///   pairs:    [{src: 10.0.0.5, dst: 203.0.113.9, reason: offsite backup}]
/// ```
///
/// A detection matches a host or network entry when its principal host (the scanner, the
/// flood's victim, the sending client, the outlier host) is that host or lies in that
/// network; a pair entry when its first two hosts are the pair, either way round; a port
/// entry when every service port of the detection is allowlisted. Series rows (volume,
/// coverage) are never allowlisted. Entries are checked in the order hosts, networks,
/// pairs, ports; the first match gives the reason.
public struct Allowlist: Sendable, Equatable {
    public struct Entry<Key: Sendable & Equatable>: Sendable, Equatable {
        public var key: Key
        public var reason: String
    }

    public var hosts: [Entry<IPAddress>] = []
    public var networks: [Entry<NetworkPrefix>] = []
    public var ports: [Entry<Int>] = []
    public var pairs: [Entry<[IPAddress]>] = []

    public init() {}

    public var isEmpty: Bool { hosts.isEmpty && networks.isEmpty && ports.isEmpty && pairs.isEmpty }

    /// The reason `record` is allowlisted, or nil.
    public func reason(for record: AnomalyRecord) -> String? {
        let addresses = record.groupHosts.compactMap { IPAddress($0) }
        guard let principal = addresses.first else { return nil }
        if let e = hosts.first(where: { $0.key == principal }) { return e.reason }
        if let e = networks.first(where: { $0.key.contains(principal) }) { return e.reason }
        if addresses.count >= 2 {
            let a = addresses[0], b = addresses[1]
            if let e = pairs.first(where: { ($0.key[0] == a && $0.key[1] == b) || ($0.key[0] == b && $0.key[1] == a) }) {
                return e.reason
            }
        }
        if !record.ports.isEmpty, record.ports.allSatisfy({ p in ports.contains { $0.key == p } }) {
            return ports.first { $0.key == record.ports[0] }!.reason
        }
        return nil
    }

    /// Decodes the `allowlist` value of the models section; every problem is collected and
    /// reported together, each with its key path (`models.allowlist.hosts[1].address`).
    public static func decode(_ value: Any, source: String) throws -> Allowlist {
        var out = Allowlist()
        var problems: [String] = []
        guard let root = value as? [String: Any] else {
            throw FlowModelsError.invalidParameter(name: "\(source): models.allowlist", value: "\(value)",
                                                   reason: "expected a mapping with hosts, networks, ports and/or pairs")
        }
        let fields: [String: [String]] = ["hosts": ["address"], "networks": ["cidr"], "ports": ["port"], "pairs": ["src", "dst"]]
        for key in root.keys.sorted() where fields[key] == nil {
            problems.append("models.allowlist.\(key): unknown key (use hosts, networks, ports, pairs)")
        }
        for (section, keys) in fields.sorted(by: { $0.key < $1.key }) {
            guard let v = root[section] else { continue }
            guard let list = v as? [Any] else {
                problems.append("models.allowlist.\(section): expected a list of entries with \(keys.joined(separator: ", ")) and reason")
                continue
            }
            for (n, item) in list.enumerated() {
                let path = "models.allowlist.\(section)[\(n)]"
                guard let m = item as? [String: Any] else {
                    problems.append("\(path): expected a mapping with \(keys.joined(separator: ", ")) and reason")
                    continue
                }
                for k in m.keys.sorted() where !(keys + ["reason"]).contains(k) {
                    problems.append("\(path).\(k): unknown key (use \((keys + ["reason"]).joined(separator: ", ")))")
                }
                let reason = (m["reason"] as? String)?.trimmingCharacters(in: .whitespaces) ?? ""
                if reason.isEmpty { problems.append("\(path).reason: give the reason this entry is known to be good") }
                var ok = true
                for k in keys where m[k] == nil { problems.append("\(path).\(k): missing"); ok = false }
                guard ok else { continue }
                switch section {
                case "hosts":
                    if let a = IPAddress("\(m["address"]!)") { out.hosts.append(.init(key: a, reason: reason)) }
                    else { problems.append("\(path).address: '\(m["address"]!)' is not an IPv4 or IPv6 address") }
                case "networks":
                    let text = "\(m["cidr"]!)"
                    switch NetworkPrefix.parse(text) {
                    case .success(let network): out.networks.append(.init(key: network, reason: reason))
                    case .failure(let e): problems.append("\(path).cidr: '\(text)': \(e.reason)")
                    }
                case "ports":
                    if let p = Int("\(m["port"]!)"), (0...65535).contains(p) { out.ports.append(.init(key: p, reason: reason)) }
                    else { problems.append("\(path).port: '\(m["port"]!)' is not a port number 0–65535") }
                default:
                    let a = IPAddress("\(m["src"]!)"), b = IPAddress("\(m["dst"]!)")
                    if a == nil { problems.append("\(path).src: '\(m["src"]!)' is not an IPv4 or IPv6 address") }
                    if b == nil { problems.append("\(path).dst: '\(m["dst"]!)' is not an IPv4 or IPv6 address") }
                    if let a, let b { out.pairs.append(.init(key: [a, b], reason: reason)) }
                }
            }
        }
        if !problems.isEmpty {
            throw FlowModelsError.invalidParameter(name: "\(source): models.allowlist", value: "",
                                                   reason: problems.joined(separator: "; "))
        }
        return out
    }
}
