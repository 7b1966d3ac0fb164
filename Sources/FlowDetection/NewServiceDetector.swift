import FlowCore
import FlowFeatures
import Foundation

/// New service: a host that starts serving on a port — inbound connections *accepted*
/// (TCP: the client's flow shows an ACK and is not a bare SYN or RST; UDP: an answer came
/// back) from at least `minimumClients` distinct clients in a day — where the host history
/// says it served that port on fewer than `usualDays` training days (never, for a window
/// that does not contain the scored day). Servers are the internal hosts (every host when
/// none is internal). Refused connections, a single client, or a port the host already
/// served are not new services.
///
/// p-value: the Poisson tail of the distinct clients, P(X ≥ clients), with the mean the
/// training window's *rare* service-days drew (host–port pairs served on fewer than
/// `usualDays` days: how many clients a port a host does not usually serve gets by chance),
/// shrunk towards one client a day with the weight of `priorDays` service-days:
/// (Σ clients + priorDays) / (rare service-days + priorDays). Few rare service-days say
/// little (with the scored day inside the training window, the one rare service-day may be
/// the new service itself, whose 8 clients would otherwise set the mean to 8); many set the
/// rate themselves.
public enum NewServiceDetector {
    public static let minimumClients = 3
    /// Weight, in service-days, of the prior rate of one client a day.
    public static let priorDays = 30.0

    /// One (server, port, day) with the distinct clients whose connections it accepted.
    package struct ServiceDay {
        var clients: [Int32: Int] = [:]
        var flows = 0
        var first = Int64.max
        var last = Int64.min
    }

    package static func serviceKey(_ host: Int32, _ port: Int32, _ day: Int64) -> UInt64 {
        UInt64(UInt32(bitPattern: host)) << 32 | UInt64(UInt32(port & 0xFFFF)) << 16 | UInt64(UInt16(truncatingIfNeeded: day))
    }

    /// Accepted inbound connections per (server, port, UTC day).
    package static func serviceDays(_ t: borrowing FlowTable) -> [UInt64: (host: Int32, port: Int32, day: Int64, service: ServiceDay)] {
        var answered = Set<UInt64>()
        addUDPPairs(t, rows: 0..<t.count, to: &answered)
        return serviceDays(t, rows: 0..<t.count, answered: answered, anyInternal: t.hostIsInternal.contains(true))
    }

    /// Adds the (source, destination) pairs of the UDP flows among `rows` of `t` to
    /// `answered` (a UDP flow from a server back to a client answers the client).
    package static func addUDPPairs(_ t: borrowing FlowTable, rows: Range<Int>, to answered: inout Set<UInt64>) {
        for i in rows where t.proto[i] == 17 {
            answered.insert(UInt64(UInt32(bitPattern: t.source[i])) << 32 | UInt64(UInt32(bitPattern: t.destination[i])))
        }
    }

    /// The service-days of `rows` of `t`, with the UDP pairs `answered` (`addUDPPairs`)
    /// and whether any host is internal gathered over the whole training range.
    package static func serviceDays(_ t: borrowing FlowTable, rows: Range<Int>, answered: Set<UInt64>,
                                    anyInternal: Bool) -> [UInt64: (host: Int32, port: Int32, day: Int64, service: ServiceDay)] {
        var out: [UInt64: (host: Int32, port: Int32, day: Int64, service: ServiceDay)] = [:]
        for i in rows where (t.proto[i] == 6 || t.proto[i] == 17) && t.destinationPort[i] > 0 && t.sentByClient(i) {
            let server = t.destination[i]
            guard !anyInternal || t.hostIsInternal[Int(server)] else { continue }
            let back = UInt64(UInt32(bitPattern: server)) << 32 | UInt64(UInt32(bitPattern: t.source[i]))
            guard accepted(t, i, answered: answered.contains(back)) else { continue }
            let day = CivilTime.day(ofMillis: t.start[i])
            let key = serviceKey(server, t.destinationPort[i], day)
            var e = out[key] ?? (server, t.destinationPort[i], day, ServiceDay())
            e.service.clients[t.source[i], default: 0] += 1
            e.service.flows += 1
            e.service.first = min(e.service.first, t.start[i])
            e.service.last = max(e.service.last, t.start[i] + max(1, t.duration[i]))
            out[key] = e
        }
        return out
    }

    /// An accepted connection (TCP: ACK seen, not a bare SYN or RST; UDP: reverse bytes or
    /// a flow back from the server that day).
    package static func accepted(_ t: borrowing FlowTable, _ i: Int, answered: Bool) -> Bool {
        if t.proto[i] == 6 {
            guard t.flagsKnown[i] else { return t.reverseBytes[i] > 0 }
            let f = t.tcpFlags[i]
            return f & 0x10 != 0 && f & 0x04 == 0
        }
        return t.reverseBytes[i] > 0 || answered
    }

    /// The key a served (host, port) is stored under in the host history's pair map.
    package static func servedKey(_ host: String, _ port: Int32) -> (String, String) { (host, "port/\(port)") }

    /// Training: days each (server, port) was served, and the mean distinct clients of the
    /// rare service-days (served on fewer than `usualDays` days).
    package static func train(_ t: borrowing FlowTable, usualDays: Int) -> (served: [(host: String, port: Int32, days: Int)], rareClients: Double) {
        train(serviceDays: serviceDays(t).values.map { (ServedPort(host: $0.host, port: $0.port), $0.service.clients.count) },
              hosts: t.hosts, usualDays: usualDays)
    }

    /// A (server, port) of a service-day.
    package struct ServedPort: Hashable, Sendable {
        package var host: Int32
        package var port: Int32
        package init(host: Int32, port: Int32) { self.host = host; self.port = port }
        var key: UInt64 { UInt64(UInt32(bitPattern: host)) << 32 | UInt64(UInt32(port & 0xFFFF)) }
    }

    /// Training from the service-days (each its served port and distinct clients; one
    /// entry per (server, port, day), in any order) with `hosts` naming the host ids.
    package static func train(serviceDays all: [(served: ServedPort, clients: Int)], hosts: [IPAddress],
                              usualDays: Int) -> (served: [(host: String, port: Int32, days: Int)], rareClients: Double) {
        var days: [UInt64: Int] = [:]
        for e in all { days[e.served.key, default: 0] += 1 }
        var rare: [Double] = []
        for e in all where days[e.served.key]! < usualDays {
            rare.append(Double(e.clients))
        }
        let served = days.sorted { $0.key < $1.key }.map { (k, n) in
            (host: hosts[Int(Int32(bitPattern: UInt32(k >> 32)))].description, port: Int32(k & 0xFFFF), days: n)
        }
        return (served, (rare.reduce(0, +) + priorDays) / (Double(rare.count) + priorDays))
    }

    package static func detect(_ t: borrowing FlowTable, history: HostHistory) -> [AnomalyRecord] {
        guard let rate = history.newServiceClientRate else { return [] }
        var out: [AnomalyRecord] = []
        for (_, e) in serviceDays(t).sorted(by: { $0.key < $1.key }) where e.service.clients.count >= minimumClients {
            let host = t.hosts[Int(e.host)].description
            let (a, b) = servedKey(host, e.port)
            let days = history.days(a, b)
            guard days < history.usualDays else { continue }
            let s = e.service
            let clients = s.clients.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { t.hosts[Int($0.key)].description }
            let before = days == 0 ? "a port it did not serve in the \(history.trainingDays) training days"
                                   : "a port it served on only \(days) of the \(history.trainingDays) training days"
            let summary = "\(host) accepted \(Plain.count(s.flows, "connection")) on port \(e.port) from \(Plain.count(clients.count, "client")) between \(Plain.clock(s.first)) and \(Plain.clock(s.last)) UTC, \(before)"
            let evidence = "\(formatValue(Double(s.flows))) accepted inbound flows on port \(e.port) from \(formatValue(Double(clients.count))) distinct clients; served on \(days) of \(history.trainingDays) training days; rare ports drew \(formatValue(rate)) clients a day in training"
            out.append(AnomalyRecord(kind: "new_service", entity: host, start: s.first, end: s.last, score: Double(clients.count),
                                     evidence: evidence,
                                     log10P: StatisticTail.poissonLog10(atLeast: clients.count, mean: rate),
                                     hosts: [host] + clients.prefix(200), ports: [Int(e.port)], summary: summary))
        }
        return out
    }
}
