import FlowCore

/// One injected anomaly, fully decided at plan time: who, when, how many rows. Row `i` is
/// a pure function of (seed, kind, i), so any chunk can generate the rows whose start
/// falls inside it, and row starts never decrease with `i`.
///
/// Sizes scale with `--rows` N: port scan clamp(N/250, 16, 5000) probes (1024 ports per
/// host, so thousands of ports over up to five hosts); SYN flood clamp(N/50, 32, 200000)
/// flows in five minutes from up to 4096 distinct sources; exfiltration clamp(N/1000, 12,
/// 1080) back-to-back uploads of about 1.4 MB/s over three night hours (01:00–04:30 UTC);
/// beaconing clamp(N/100, 8, …) beacons every 60 s ± 2 s, 412 bytes in 6 packets each,
/// from the first hours of day one on (beacons that would fall in the coverage gap are
/// not written: the exporter was down).
struct PlannedAnomaly: Sendable {
    let label: TrafficLabel
    /// Window: every row starts at or after `windowStart` and ends before `windowEnd`.
    let windowStart: Int64
    let windowEnd: Int64
    /// Row indices `0..<indexCount` are planned; some beacons are skipped by the gap.
    let indexCount: Int
    /// Rows actually written.
    let injected: Int
    let sources: [IPAddress]
    let targets: [IPAddress]
    /// Destination port of every row (0 for the port scan, whose ports vary).
    let dstPort: UInt16
    let srcPort: UInt16
    /// Beacon period and the half-width of its jitter, ms.
    let periodMillis: Int64
    let jitterMillis: Int64
    let gapStart: Int64
    let gapEnd: Int64
    let seed: UInt64

    static let portsPerHost = 1024
    static let beaconBytes: UInt64 = 412
    static let beaconPackets: UInt64 = 6

    /// Start of row `i` (monotone non-decreasing in `i`).
    @inline(__always)
    func start(of i: Int) -> Int64 {
        var rng = KeyedDraws.keyed(seed: seed, stream: UInt64(label.rawValue), index: UInt64(i))
        return start(of: i, &rng)
    }

    @inline(__always)
    private func start(of i: Int, _ rng: inout KeyedDraws) -> Int64 {
        if label == .beaconing {
            return windowStart + Int64(i) * periodMillis + jitterMillis + Int64(rng.below(Int(2 * jitterMillis + 1))) - jitterMillis
        }
        // Scan and flood rows last up to ~1.1 s: keep the last 2 s of the window for them.
        let span = windowEnd - windowStart - (label == .exfiltration ? 0 : 2_000)
        let k = Int64(indexCount)
        let base = windowStart + Int64(i) * span / k
        let next = windowStart + Int64(i + 1) * span / k
        let room = label == .exfiltration ? max(1, (next - base) / 10) : max(1, next - base)
        return base + Int64(rng.below(Int(room)))
    }

    /// The same anomaly with `injected` = the rows actually written (beacons that fall into
    /// the coverage gap are not).
    func countingWrittenRows() -> PlannedAnomaly {
        guard label == .beaconing else { return self }
        let written = (0..<indexCount).reduce(0) { $0 + (isWritten($1) ? 1 : 0) }
        return PlannedAnomaly(label: label, windowStart: windowStart, windowEnd: windowEnd, indexCount: indexCount, injected: written,
                              sources: sources, targets: targets, dstPort: dstPort, srcPort: srcPort, periodMillis: periodMillis,
                              jitterMillis: jitterMillis, gapStart: gapStart, gapEnd: gapEnd, seed: seed)
    }

    /// Whether row `i` is written (beacons inside the coverage gap are not).
    @inline(__always)
    func isWritten(_ i: Int) -> Bool {
        if label != .beaconing { return true }
        let s = start(of: i)
        return s < gapStart || s >= gapEnd
    }

    /// The first index whose start is at or after `t`.
    func firstIndex(startingAtOrAfter t: Int64) -> Int {
        var lo = 0, hi = indexCount
        while lo < hi {
            let mid = (lo + hi) / 2
            if start(of: mid) < t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Fills `r` with row `i`; returns false when the row is not written.
    @inline(__always)
    func make(_ i: Int, into r: inout FlowRecord) -> Bool {
        var rng = KeyedDraws.keyed(seed: seed, stream: UInt64(label.rawValue), index: UInt64(i))
        let s = start(of: i, &rng)
        if label == .beaconing && s >= gapStart && s < gapEnd { return false }
        r.start = s
        r.proto = ServiceCatalog.tcp
        r.exporter = AddressPlan.exporter
        r.samplingRate = 1
        r.tos = 0
        switch label {
        case .portscan:
            r.srcAddr = sources[0]
            r.dstAddr = targets[(i / PlannedAnomaly.portsPerHost) % targets.count]
            r.srcPort = srcPort
            r.dstPort = UInt16(1 + i % PlannedAnomaly.portsPerHost)
            r.tcpFlags = 0x02
            r.packets = 1
            r.bytes = 44
            r.revPackets = 1
            r.revBytes = 40
            r.end = s + 1
        case .ddos:
            r.srcAddr = sources[i % sources.count]
            r.dstAddr = targets[0]
            r.srcPort = UInt16(rng.between(1024, 65535))
            r.dstPort = dstPort
            r.tcpFlags = 0x02
            let p = UInt64(rng.chance(0.8) ? 1 : 2)
            r.packets = p
            r.bytes = p * 60
            r.revPackets = 0
            r.revBytes = 0
            r.end = s + (p == 1 ? 1 : Int64(rng.between(900, 1100)))
        case .exfiltration:
            r.srcAddr = sources[0]
            r.dstAddr = targets[0]
            r.srcPort = BenignFlowModel.ephemeralPort(&rng)
            r.dstPort = dstPort
            r.tcpFlags = 0x1B
            let span = windowEnd - windowStart
            let spacing = span / Int64(indexCount)
            let duration = max(1, spacing * 9 / 10)
            let bytes = UInt64(Double(duration) * 1_400.0 * (0.95 + 0.1 * rng.unit()))  // ≈1.4 MB/s
            r.bytes = max(bytes, 120)
            r.packets = max(3, r.bytes / 1_400 + 1)
            let acks = r.packets / 2 + 1
            r.revPackets = acks
            r.revBytes = acks * 52
            r.end = s + duration
        case .bruteForce:
            r.srcAddr = sources[0]
            r.dstAddr = targets[0]
            r.srcPort = BenignFlowModel.ephemeralPort(&rng)
            r.dstPort = dstPort
            r.tcpFlags = 0x1B
            r.packets = UInt64(rng.between(10, 16))
            r.bytes = UInt64(rng.between(1_800, 3_200))
            r.revPackets = UInt64(rng.between(8, 13))
            r.revBytes = UInt64(rng.between(2_400, 3_800))
            r.end = s + Int64(rng.between(1_500, 3_500))
        case .newService:
            r.srcAddr = sources[i % sources.count]
            r.dstAddr = targets[0]
            r.srcPort = BenignFlowModel.ephemeralPort(&rng)
            r.dstPort = dstPort
            r.tcpFlags = 0x1B
            r.packets = UInt64(rng.between(4, 12))
            r.bytes = UInt64(rng.between(400, 2_000))
            r.revPackets = UInt64(rng.between(4, 20))
            r.revBytes = UInt64(rng.between(2_000, 24_000))
            r.end = s + Int64(rng.between(200, 2_000))
        case .beaconing, .benign:
            r.srcAddr = sources[0]
            r.dstAddr = targets[0]
            r.srcPort = BenignFlowModel.ephemeralPort(&rng)
            r.dstPort = dstPort
            r.tcpFlags = 0x1B
            r.packets = PlannedAnomaly.beaconPackets
            r.bytes = PlannedAnomaly.beaconBytes
            r.revPackets = 5
            r.revBytes = 642
            r.end = s + Int64(rng.between(90, 150))
        }
        r.srcAS = AddressPlan.asn(r.srcAddr)
        r.dstAS = AddressPlan.asn(r.dstAddr)
        let fromInside = AddressPlan.isInternal(r.srcAddr)
        let toInside = AddressPlan.isInternal(r.dstAddr)
        r.inputInterface = fromInside ? 1 : 2
        r.outputInterface = toInside ? (fromInside ? 3 : 1) : 2
        r.flowDirection = fromInside && !toInside ? 1 : 0
        return true
    }
}

/// Decides the anomalies and the coverage gap of a generation from its seed.
enum AnomalyPlanner {
    static let minute: Int64 = 60_000
    static let hour: Int64 = 3_600_000
    /// Hours of the day the coverage gap may take (clear of the other anomalies' windows).
    static let gapHours: [Int64] = [6, 7, 8, 9, 17, 18, 19, 20, 21, 22]

    static func clamp(_ v: Int, _ lo: Int, _ hi: Int) -> Int { min(max(v, lo), hi) }

    /// The coverage gap (one hour with no rows), as [start, end) UTC ms.
    static func gap(seed: UInt64, startMillis: Int64, days: Int) -> (start: Int64, end: Int64) {
        var rng = Xoshiro256(seed: seed, stream: 0x6A9)
        let day = Int64(rng.below(days))
        let hourOfDay = gapHours[rng.below(gapHours.count)]
        let s = startMillis + day * 86_400_000 + hourOfDay * hour
        return (s, s + hour)
    }

    static func plan(seed: UInt64, rows: Int, startMillis: Int64, days: Int,
                     gap: (start: Int64, end: Int64)) -> [PlannedAnomaly] {
        var rng = Xoshiro256(seed: seed, stream: 0xA40)
        let dayMillis: Int64 = 86_400_000
        func day() -> Int64 { startMillis + Int64(rng.below(days)) * dayMillis }
        func make(_ label: TrafficLabel, _ ws: Int64, _ we: Int64, _ count: Int, _ sources: [IPAddress],
                  _ targets: [IPAddress], dstPort: UInt16, srcPort: UInt16 = 0,
                  period: Int64 = 0, jitter: Int64 = 0) -> PlannedAnomaly {
            PlannedAnomaly(label: label, windowStart: ws, windowEnd: we, indexCount: count, injected: count,
                           sources: sources, targets: targets, dstPort: dstPort, srcPort: srcPort,
                           periodMillis: period, jitterMillis: jitter, gapStart: gap.start, gapEnd: gap.end,
                           seed: seed).countingWrittenRows()
        }

        // Port scan: an external (70 %) or internal host sweeps ports 1–1024 host by host
        // through the server subnet, one bare SYN each, 10:00–12:20 on some day.
        let scanCount = clamp(rows / 250, 16, 5000)
        let scanner = rng.chance(0.7) ? IPAddress(ipv4: AddressPlan.randomPublicV4(&rng))
                                      : AddressPlan.clientV4(400 + rng.below(1000))
        let scanHosts = (scanCount + PlannedAnomaly.portsPerHost - 1) / PlannedAnomaly.portsPerHost
        let scanTargets = (0..<scanHosts).map { IPAddress(ipv4: 0x0A00_0100 | UInt32(1 + $0)) }
        let scanStart = day() + 10 * hour + Int64(rng.below(120)) * minute
        let scan = make(.portscan, scanStart, scanStart + 20 * minute, scanCount, [scanner], scanTargets,
                        dstPort: 0, srcPort: UInt16(40000 + rng.below(20000)))

        // SYN flood: a botnet of distinct public addresses against the main web server.
        let floodCount = clamp(rows / 50, 32, 200_000)
        var botnet: [IPAddress] = []
        var seen = Set<UInt32>()
        let botCount = min(floodCount, 4096)
        while botnet.count < botCount {
            let a = AddressPlan.randomPublicV4(&rng)
            if seen.insert(a).inserted { botnet.append(IPAddress(ipv4: a)) }
        }
        let floodStart = day() + 14 * hour + Int64(rng.below(120)) * minute
        let flood = make(.ddos, floodStart, floodStart + 5 * minute, floodCount, botnet,
                         [AddressPlan.serverV4(.web, 0)], dstPort: rng.chance(0.5) ? 443 : 80)

        // Exfiltration: a quiet client uploads to one public host, 3 h from 01:00–01:29.
        let exfilCount = clamp(rows / 1000, 12, 1080)
        let exfilClient = AddressPlan.clientV4(200 + rng.below(800))
        let drop = IPAddress(ipv4: AddressPlan.randomPublicV4(&rng))
        let exfilStart = day() + 1 * hour + Int64(rng.below(30)) * minute
        let exfil = make(.exfiltration, exfilStart, exfilStart + 3 * hour, exfilCount, [exfilClient], [drop],
                         dstPort: 443)

        // Beaconing: another quiet client calls home every 60 s ± 2 s from early on day one.
        let period: Int64 = 60_000, jitter: Int64 = 2_000
        let beaconStart = startMillis + Int64(rng.below(360)) * minute
        let endMillis = startMillis + Int64(days) * dayMillis
        let maxBeacons = Int((endMillis - beaconStart - 2 * jitter - 1_000) / period)
        let beaconCount = clamp(rows / 100, 8, max(8, maxBeacons))
        var beaconClient = AddressPlan.clientV4(1000 + rng.below(500))
        if beaconClient == exfilClient { beaconClient = AddressPlan.clientV4(1535) }
        let c2 = IPAddress(ipv4: AddressPlan.randomPublicV4(&rng))
        let beacons = make(.beaconing, beaconStart, beaconStart + Int64(beaconCount) * period + 2 * jitter + 1_000,
                           beaconCount, [beaconClient], [c2], dstPort: 443, period: period, jitter: jitter)
        return [scan, flood, exfil, beacons]
    }

    /// The opt-in anomalies (`TrafficLabel.optIn`), from their own random stream so that
    /// the default four and the benign traffic are untouched by the choice:
    /// - brute force: an external host tries clamp(N/5000, 60, 600) SSH logins (short
    ///   completed connections of 4–7 kB) on one SSH server within 15 minutes, 03:00–05:00;
    /// - new service: an internal workstation accepts clamp(N/20000, 24, 400) connections on
    ///   port 4444 from 8 internal clients within two hours, 12:00–15:00 (clear of the gap's hours).
    static func extra(_ kinds: [TrafficLabel], seed: UInt64, rows: Int, startMillis: Int64, days: Int,
                      gap: (start: Int64, end: Int64)) -> [PlannedAnomaly] {
        var rng = Xoshiro256(seed: seed, stream: 0xE47)
        let dayMillis: Int64 = 86_400_000
        func make(_ label: TrafficLabel, _ ws: Int64, _ we: Int64, _ count: Int, _ sources: [IPAddress],
                  _ targets: [IPAddress], dstPort: UInt16) -> PlannedAnomaly {
            PlannedAnomaly(label: label, windowStart: ws, windowEnd: we, indexCount: count, injected: count,
                           sources: sources, targets: targets, dstPort: dstPort, srcPort: 0,
                           periodMillis: 0, jitterMillis: 0, gapStart: gap.start, gapEnd: gap.end, seed: seed)
        }
        var out: [PlannedAnomaly] = []
        for kind in TrafficLabel.optIn where kinds.contains(kind) {
            let day = startMillis + Int64(rng.below(days)) * dayMillis
            switch kind {
            case .bruteForce:
                let attacker = IPAddress(ipv4: AddressPlan.randomPublicV4(&rng))
                let s = day + 3 * hour + Int64(rng.below(105)) * minute
                out.append(make(.bruteForce, s, s + 15 * minute, clamp(rows / 5000, 60, 600), [attacker],
                                [AddressPlan.serverV4(.ssh, 0)], dstPort: 22))
            case .newService:
                let server = AddressPlan.clientV4(1600 + rng.below(200))
                let clients = (0..<8).map { AddressPlan.clientV4(1800 + 8 * rng.below(24) + $0) }
                let s = day + 12 * hour + Int64(rng.below(60)) * minute
                out.append(make(.newService, s, s + 2 * hour, clamp(rows / 20000, 24, 400), clients, [server], dstPort: 4444))
            default:
                continue
            }
        }
        return out
    }
}
