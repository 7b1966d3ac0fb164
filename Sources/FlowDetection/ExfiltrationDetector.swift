import FlowFeatures
import Foundation

/// Exfiltration: a host sending at least `minimumBytes` in a day, as the client of its
/// connections (`FlowTable.sentByClient`: a download's answers are not uploads), to one peer
/// that is new to it, or mostly at hours it is usually idle. Never an external host sending
/// into an internal one (that is inbound traffic).
///
/// What "new" means depends on what floe knows:
/// - with a host history (`HostHistory`, at least three training days): the pair carried a
///   flow on fewer than `usualDays` training days (new or rare), or at least half the bytes
///   went at UTC hours the sender is not usually active at;
/// - without one (a short capture, a thin training window): the host had not talked to the
///   peer that day before the transfer (no flow between them, either way, earlier than
///   `leadIn` before the first bulk flow of ≥ 1 MB). An unusual hour cannot be told without
///   history.
///
/// p-value: log10 of the day's volume against a distribution of per-pair daily volumes —
/// the host history's training distribution (internal → external pair-days) when there is
/// one, else the same day's client volumes of every other pair (`PeerTail`: how far the
/// transfer stands above everything else sent that day, with a Pareto tail of index 1
/// above their 95th percentile).
public enum ExfiltrationDetector {
    /// What the detector knows of the hosts' usual behaviour.
    public enum Novelty {
        case history(HostHistory)
        case sameDay
    }

    /// Bulk flows (the transfer proper) carry at least this many bytes.
    public static let bulkFlowBytes: UInt64 = 1_000_000
    /// Contact with the peer this long before the first bulk flow is part of the transfer
    /// (its handshake, a login); earlier contact makes the peer known that day.
    public static let leadIn: Int64 = 600_000

    package struct Transfer {
        var bytes: UInt64 = 0
        var first = Int64.max
        var last = Int64.min
        var firstBulk = Int64.max
        var unusualBytes: UInt64 = 0
        var portBytes: [Int32: UInt64] = [:]
        var flows = 0
    }

    package static func pairKey(_ a: Int32, _ b: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b))
    }

    public static func detect(_ t: borrowing FlowTable, novelty: Novelty, minimumBytes: Double) -> [AnomalyRecord] {
        var transfers: [UInt64: Transfer] = [:]
        let history: HostHistory?
        if case .history(let h) = novelty { history = h } else { history = nil }
        for i in 0..<t.count where t.direction[i] != .inbound && t.sentByClient(i) && t.bytes[i] > 0 {
            // With history only internal → external volumes are calibrated (and learnt).
            if history != nil && t.direction[i] != .outbound { continue }
            let key = pairKey(t.source[i], t.destination[i])
            var x = transfers[key] ?? Transfer()
            x.bytes &+= t.bytes[i]
            x.first = min(x.first, t.start[i])
            x.last = max(x.last, t.start[i] + t.duration[i])
            x.flows += 1
            if t.bytes[i] >= bulkFlowBytes { x.firstBulk = min(x.firstBulk, t.start[i]) }
            if let h = history, !h.usualHour(t.hosts[Int(t.source[i])].description, HostHistory.hour(t.start[i])) {
                x.unusualBytes &+= t.bytes[i]
            }
            x.portBytes[t.destinationPort[i], default: 0] &+= t.bytes[i]
            transfers[key] = x
        }
        let big = transfers.filter { Double($0.value.bytes) >= minimumBytes }
        guard !big.isEmpty else { return [] }
        // Same day, no history: the first contact of each big pair, either way.
        var firstContact: [UInt64: Int64] = [:]
        if history == nil {
            for i in 0..<t.count {
                for key in [pairKey(t.source[i], t.destination[i]), pairKey(t.destination[i], t.source[i])] where big[key] != nil {
                    firstContact[key] = min(firstContact[key] ?? .max, t.start[i])
                }
            }
        }
        let tail = PeerTail(trained: history?.outboundCalibration, scale: .log10,
                            sameDay: transfers.values.map { log10(Double(max($0.bytes, 1))) })
        var out: [AnomalyRecord] = []
        for (key, x) in big.sorted(by: { $0.key < $1.key }) {
            let src = t.hosts[Int(Int32(bitPattern: UInt32(key >> 32)))].description
            let dst = t.hosts[Int(Int32(bitPattern: UInt32(key & 0xFFFF_FFFF)))].description
            var why: [String] = []
            let unusualHours = Double(x.unusualBytes) >= 0.5 * Double(x.bytes)
            var peerDays: String
            if let h = history {
                let days = h.days(src, dst)
                guard days < h.usualDays || unusualHours else { continue }
                why.append(days == 0 ? "a peer it had not used in the \(h.trainingDays) training days"
                                     : "a peer it used on \(days) of the \(h.trainingDays) training days")
                if unusualHours { why.append("mostly at hours it is usually idle") }
                peerDays = "peer seen on \(days) of \(h.trainingDays) training days; \(formatValue(100 * Double(x.unusualBytes) / Double(max(x.bytes, 1))))% of the bytes at unusual hours"
            } else {
                let bulk = x.firstBulk == .max ? x.first : x.firstBulk
                let contact = firstContact[key] ?? x.first
                guard contact >= bulk - leadIn else { continue }
                why.append("a peer it had not contacted earlier that day (no host history to compare with)")
                peerDays = "first contact with the peer that day \(Plain.clock(contact)) UTC, first bulk flow \(Plain.clock(bulk)) UTC"
            }
            let port = x.portBytes.max(by: { ($0.value, $1.key) < ($1.value, $0.key) })?.key ?? -1
            let hours = Double(x.last - x.first) / 3_600_000
            let peer = port >= 0 ? "\(dst):\(port)" : dst
            let summary = "\(src) sent \(Plain.bytes(Double(x.bytes))) to \(peer) in \(Plain.duration(millis: x.last - x.first)) (\(Plain.clock(x.first))–\(Plain.clock(x.last)) UTC), \(why.joined(separator: ", "))"
            let l = tail.log10PValue(log10(Double(x.bytes)))
            out.append(AnomalyRecord(
                kind: "exfiltration", entity: src + " -> " + dst, start: x.first, end: x.last, score: Double(x.bytes),
                evidence: "\(Plain.bytes(Double(x.bytes))) in \(Plain.count(x.flows)) flows over \(formatValue(hours)) h; \(peerDays)",
                log10P: l, hosts: [src, dst], ports: port >= 0 ? [Int(port)] : [], summary: summary))
        }
        return out
    }
}
