import FlowCore

extension AnomalyPlanner {
    /// Smallest and largest number of repeats of each anomaly kind (`--repeat-anomalies`).
    static let repeatRange = 0...1_000

    /// `repeats` more episodes of every injected kind (the default four and the opt-in kinds
    /// in `extra`), each on a random day with hosts of its own, so that a classifier has many
    /// examples of each kind on many days (`GeneratorConfig.anomalyRepeats`). Drawn from
    /// their own random stream after everything else, so that the plan without repeats is
    /// untouched; episode `e` keys its rows by its own seed. Sizes are modest and drawn per
    /// episode (so that the kinds vary in size, as real ones do):
    /// - port scan: 200–1200 bare SYNs from one external (70 %) or internal host over ports
    ///   1–1024 of one or two hosts of `10.0.1.0/24`, 20 minutes from 08:00–17:59;
    /// - SYN flood: 2000–6000 flows from 256–1024 public sources on one web server within
    ///   5 minutes, 09:00–20:59;
    /// - exfiltration: 60–180 back-to-back uploads (≈1.4 MB/s) of a client to one public
    ///   host over 1–3 hours from 00:00–03:59;
    /// - beaconing: a client calls one public host every 30–120 s ± 2 s for 6–24 hours;
    /// - brute force: 60–300 SSH logins from one public host on the SSH server in 15 minutes;
    /// - new service: a workstation serves 24–120 connections on one high port to 8 clients
    ///   over 2 hours from 10:00–15:59.
    /// Episodes that would fall into the coverage gap or past the end of the range are moved
    /// or shortened (no beacon is written inside the gap).
    static func repeated(_ repeats: Int, extra: [TrafficLabel], seed: UInt64, startMillis: Int64, days: Int,
                         gap: (start: Int64, end: Int64)) -> [PlannedAnomaly] {
        guard repeats > 0 else { return [] }
        var rng = Xoshiro256(seed: seed, stream: 0x4E9)
        let dayMillis: Int64 = 86_400_000
        let endMillis = startMillis + Int64(days) * dayMillis
        let kinds: [TrafficLabel] = [.portscan, .ddos, .exfiltration, .beaconing] + TrafficLabel.optIn.filter { extra.contains($0) }
        var out: [PlannedAnomaly] = []
        var episode: UInt64 = 0
        func make(_ label: TrafficLabel, _ ws: Int64, _ we: Int64, _ count: Int, _ sources: [IPAddress], _ targets: [IPAddress],
                  dstPort: UInt16, srcPort: UInt16 = 0, period: Int64 = 0, jitter: Int64 = 0) -> PlannedAnomaly {
            episode += 1
            let key = seed ^ (0x5245_5045_4154_0000 &+ episode &* 0x9E37_79B9_7F4A_7C15)
            return PlannedAnomaly(label: label, windowStart: ws, windowEnd: we, indexCount: count, injected: count,
                                  sources: sources, targets: targets, dstPort: dstPort, srcPort: srcPort,
                                  periodMillis: period, jitterMillis: jitter, gapStart: gap.start, gapEnd: gap.end, seed: key)
                .countingWrittenRows()
        }
        /// A start at `hour` + up to `spread` minutes on a random day, moved one day on (or
        /// back) when [start, start + length) meets the gap.
        func start(hour: Int64, spread: Int, length: Int64) -> Int64 {
            let day = Int64(rng.below(days))
            var s = startMillis + day * dayMillis + hour * Self.hour + Int64(rng.below(spread)) * Self.minute
            if s < gap.end && s + length > gap.start { s += s + dayMillis + length <= endMillis ? dayMillis : -dayMillis }
            return max(startMillis, min(s, endMillis - length))
        }
        for _ in 0..<repeats {
            for kind in kinds {
                switch kind {
                case .portscan:
                    let count = rng.between(200, 1200)
                    let scanner = rng.chance(0.7) ? IPAddress(ipv4: AddressPlan.randomPublicV4(&rng)) : AddressPlan.clientV4(rng.below(1536))
                    let first = 1 + rng.below(8)
                    let hosts = (count + PlannedAnomaly.portsPerHost - 1) / PlannedAnomaly.portsPerHost
                    let targets = (0..<hosts).map { IPAddress(ipv4: 0x0A00_0100 | UInt32(first + $0)) }
                    let s = start(hour: 8, spread: 600, length: 20 * Self.minute)
                    out.append(make(.portscan, s, s + 20 * Self.minute, count, [scanner], targets, dstPort: 0,
                                    srcPort: UInt16(40000 + rng.below(20000))))
                case .ddos:
                    let count = rng.between(2000, 6000)
                    let botCount = rng.between(256, 1024)
                    var botnet: [IPAddress] = []
                    var seen = Set<UInt32>()
                    while botnet.count < botCount {
                        let a = AddressPlan.randomPublicV4(&rng)
                        if seen.insert(a).inserted { botnet.append(IPAddress(ipv4: a)) }
                    }
                    let victim = AddressPlan.serverV4(.web, rng.below(AddressPlan.Role.web.hosts.count))
                    let s = start(hour: 9, spread: 720, length: 5 * Self.minute)
                    out.append(make(.ddos, s, s + 5 * Self.minute, count, botnet, [victim], dstPort: rng.chance(0.5) ? 443 : 80))
                case .exfiltration:
                    let count = rng.between(60, 180)
                    let length = Int64(rng.between(1, 3)) * Self.hour
                    let client = AddressPlan.clientV4(rng.below(1536))
                    let drop = IPAddress(ipv4: AddressPlan.randomPublicV4(&rng))
                    let s = start(hour: 0, spread: 240, length: length)
                    out.append(make(.exfiltration, s, s + length, count, [client], [drop], dstPort: 443))
                case .beaconing:
                    let period = Int64(rng.between(30, 120)) * 1_000, jitter: Int64 = 2_000
                    let hours = Int64(rng.between(6, 24))
                    let client = AddressPlan.clientV4(rng.below(1536))
                    let c2 = IPAddress(ipv4: AddressPlan.randomPublicV4(&rng))
                    let s = start(hour: 0, spread: 1440, length: hours * Self.hour + 2 * jitter + 1_000)
                    let count = Int((hours * Self.hour) / period)
                    out.append(make(.beaconing, s, s + Int64(count) * period + 2 * jitter + 1_000, count, [client], [c2],
                                    dstPort: 443, period: period, jitter: jitter))
                case .bruteForce:
                    let count = rng.between(60, 300)
                    let attacker = IPAddress(ipv4: AddressPlan.randomPublicV4(&rng))
                    let s = start(hour: 0, spread: 1380, length: 15 * Self.minute)
                    out.append(make(.bruteForce, s, s + 15 * Self.minute, count, [attacker], [AddressPlan.serverV4(.ssh, 0)], dstPort: 22))
                case .newService:
                    let count = rng.between(24, 120)
                    let server = AddressPlan.clientV4(rng.below(1536))
                    let base = rng.below(1536 - 8)
                    let clients = (0..<8).map { AddressPlan.clientV4((base + 1 + $0 * 7) % 1536) }.filter { $0 != server }
                    let s = start(hour: 10, spread: 360, length: 2 * Self.hour)
                    out.append(make(.newService, s, s + 2 * Self.hour, count, clients, [server], dstPort: UInt16(rng.between(2000, 9999))))
                case .benign:
                    continue
                }
            }
        }
        return out
    }
}
