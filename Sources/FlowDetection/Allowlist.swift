import FlowConfig
import FlowCore
import FlowFeatures
import Foundation
import Yams

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

    /// Reads the `allowlist` value of the models section; every problem is recorded with
    /// its key path (`models.allowlist.hosts[1].address`), line and column.
    package static func read(_ node: Node, _ r: inout ConfigReader) -> Allowlist {
        var out = Allowlist()
        let fields: [(section: String, keys: [String])] = [("hosts", ["address"]), ("networks", ["cidr"]), ("ports", ["port"]), ("pairs", ["src", "dst"])]
        for (section, value) in r.entries(node, what: "models.allowlist", allowed: fields.map(\.section)) {
            let keys = fields.first { $0.section == section }!.keys
            guard case .sequence(let items) = value else {
                r.error(value, "models.allowlist.\(section) must be a list of entries with \(keys.joined(separator: ", ")) and reason")
                continue
            }
            for (n, item) in items.enumerated() {
                let path = "models.allowlist.\(section)[\(n)]"
                guard item.mapping != nil else {
                    r.error(item, "\(path) must be a mapping with \(keys.joined(separator: ", ")) and reason")
                    continue
                }
                var given: [String: (text: String, node: Node)] = [:]
                for (k, v) in r.entries(item, what: path, allowed: keys + ["reason"]) {
                    if let t = r.text(v, "\(path).\(k)") { given[k] = (t, v) }
                }
                let reason = given["reason"]?.text.trimmingCharacters(in: .whitespaces) ?? ""
                if reason.isEmpty { r.error(given["reason"]?.node ?? item, "\(path).reason: give the reason this entry is known to be good") }
                let missing = keys.filter { given[$0] == nil }
                for k in missing { r.error(item, "\(path).\(k): missing") }
                guard missing.isEmpty else { continue }
                func address(_ key: String) -> IPAddress? {
                    let (text, node) = given[key]!
                    guard let a = IPAddress(text) else {
                        r.error(node, "\(path).\(key): '\(text)' is not an IPv4 or IPv6 address")
                        return nil
                    }
                    return a
                }
                switch section {
                case "hosts":
                    if let a = address("address") { out.hosts.append(.init(key: a, reason: reason)) }
                case "networks":
                    let (text, node) = given["cidr"]!
                    switch NetworkPrefix.parse(text) {
                    case .success(let network): out.networks.append(.init(key: network, reason: reason))
                    case .failure(let e): r.error(node, "\(path).cidr: '\(text)': \(e.reason)")
                    }
                case "ports":
                    let (text, node) = given["port"]!
                    if let p = Int(text), (0...65535).contains(p) { out.ports.append(.init(key: p, reason: reason)) }
                    else { r.error(node, "\(path).port: '\(text)' is not a port number 0–65535") }
                default:
                    let a = address("src"), b = address("dst")
                    if let a, let b { out.pairs.append(.init(key: [a, b], reason: reason)) }
                }
            }
        }
        return out
    }
}
