import FlowCore

/// Draws one benign flow: endpoints from the address plan, service from the catalog,
/// then counters that hang together.
///
/// Invariants every benign row keeps (the cleaning stage's rules rely on them):
/// `start < end`; `packets ≥ 1`; bytes per packet within 40–1500 (ICMP: 56–1500);
/// TCP flags only on TCP (0 on UDP and ICMP); ICMP source port 0 and destination port
/// `type << 8 | code`; client source ports ephemeral (32768–60999); no unspecified
/// endpoint; exporter `10.0.255.1`; sampling rate 1.
struct BenignFlowModel: Sendable {
    let addresses: AddressPlan
    let categories: [FlowCategory] = ServiceCatalog.categories
    let categoryTable: AliasTable = ServiceCatalog.table

    /// Longest flow: the exporter's active timeout (30 minutes).
    static let activeTimeoutMillis = 1_800_000.0

    @inline(__always)
    static func ephemeralPort<R: RandomSource>(_ rng: inout R) -> UInt16 {
        UInt16(32768 + rng.below(28232))
    }

    /// Fills `r` with a benign flow starting at `start`.
    @inline(__always)
    func make<R: RandomSource>(start: Int64, into r: inout FlowRecord, _ rng: inout R) {
        let category = categories[categoryTable.sample(&rng)]
        let v6 = category.v6Share > 0 && rng.chance(category.v6Share)
        var outbound = false
        switch category.direction {
        case .clientToExternal:
            r.srcAddr = addresses.client(&rng, v6: v6)
            r.dstAddr = addresses.external(&rng, v6: v6, tail: 0.15)
            outbound = true
        case .clientToServer(let role):
            r.srcAddr = addresses.client(&rng, v6: v6)
            r.dstAddr = addresses.server(role, &rng, v6: v6)
        case .externalToServer(let role):
            r.srcAddr = addresses.external(&rng, v6: v6, tail: 0.7)
            r.dstAddr = addresses.server(role, &rng, v6: v6)
        case .serverToExternal(let role):
            r.srcAddr = addresses.server(role, &rng, v6: v6)
            r.dstAddr = addresses.external(&rng, v6: v6, tail: 0.3)
            outbound = true
        }
        r.start = start
        r.exporter = AddressPlan.exporter
        r.samplingRate = 1
        r.srcAS = AddressPlan.asn(r.srcAddr)
        r.dstAS = AddressPlan.asn(r.dstAddr)
        let fromInside = AddressPlan.isInternal(r.srcAddr)
        let toInside = AddressPlan.isInternal(r.dstAddr)
        r.inputInterface = fromInside ? 1 : 2
        r.outputInterface = toInside ? (fromInside ? 3 : 1) : 2
        r.flowDirection = outbound ? 1 : 0
        let t = rng.below(1000)
        r.tos = t < 960 ? 0 : (t < 985 ? 0x28 : (t < 995 ? 0xB8 : 0x10))

        var durationMs: Double
        switch category.model {
        case .icmp:
            r.proto = v6 ? ServiceCatalog.icmpV6 : ServiceCatalog.icmp
            r.tcpFlags = 0
            r.srcPort = 0
            if rng.chance(0.85) {  // echo request, ping -c N
                r.dstPort = v6 ? 128 << 8 : 8 << 8
                let p = UInt64(rng.chance(0.7) ? 4 : rng.between(1, 10))
                r.packets = p
                r.bytes = p * (v6 ? 104 : 84)
                r.revPackets = p
                r.revBytes = r.bytes
                durationMs = Double(p - 1) * 1000.0 + rng.unit() * 40.0 + 1
            } else {  // destination / port unreachable
                r.dstPort = v6 ? (1 << 8 | 4) : (3 << 8 | 3)
                r.packets = 1
                r.bytes = UInt64(rng.between(56, 576))
                r.revPackets = 0
                r.revBytes = 0
                durationMs = 1
            }
        case .dns, .ntp:
            r.proto = ServiceCatalog.udp
            r.tcpFlags = 0
            r.srcPort = category.model == .ntp && rng.chance(0.5) ? 123 : BenignFlowModel.ephemeralPort(&rng)
            r.dstPort = category.port
            if category.model == .dns {
                let q = UInt64(rng.chance(0.9) ? 1 : 2)
                r.packets = q
                r.bytes = q * UInt64(rng.between(60, 110) + (v6 ? 20 : 0))
                r.revPackets = q
                r.revBytes = q * UInt64(rng.between(80, 480) + (v6 ? 20 : 0))
                durationMs = 1 + rng.logNormal(median: 12, sigma: 1.0)
                if durationMs > 2_000 { durationMs = 2_000 }
            } else {
                r.packets = 1
                r.bytes = v6 ? 96 : 76
                r.revPackets = 1
                r.revBytes = r.bytes
                durationMs = Double(rng.between(5, 40))
            }
        case .quic:
            r.proto = ServiceCatalog.udp
            r.tcpFlags = 0
            r.srcPort = BenignFlowModel.ephemeralPort(&rng)
            r.dstPort = category.port
            let bytes = max(1200.0, rng.logNormal(median: 4000, sigma: 1.3))
            counters(bytes: bytes, packetSize: 1250, into: &r, &rng)
            let rev = max(1200.0, rng.logNormal(median: 40_000, sigma: 1.8))
            reverse(bytes: rev, packetSize: 1350, into: &r, &rng)
            durationMs = rng.logNormal(median: 2_500, sigma: 1.4)
        case .web, .mail, .imap, .ssh, .otherTCP:
            r.proto = ServiceCatalog.tcp
            r.srcPort = BenignFlowModel.ephemeralPort(&rng)
            r.dstPort = category.altShare > 0 && rng.chance(category.altShare) ? category.altPort : category.port
            durationMs = tcpSession(category.model, into: &r, &rng)
        }
        if durationMs < 1 { durationMs = 1 }
        if durationMs > BenignFlowModel.activeTimeoutMillis { durationMs = BenignFlowModel.activeTimeoutMillis }
        r.end = start + Int64(durationMs)
    }

    /// TCP: flags by session outcome, then counters and duration; returns the duration.
    @inline(__always)
    private func tcpSession<R: RandomSource>(_ model: FlowCategory.Model, into r: inout FlowRecord, _ rng: inout R) -> Double {
        let outcome = rng.below(1000)
        if outcome >= 900 && outcome < 930 {
            // Half-open: SYN only, retransmitted 1–3 times, answered by nothing.
            let p = UInt64(rng.between(1, 3))
            r.tcpFlags = 0x02
            r.packets = p
            r.bytes = p * UInt64(rng.chance(0.5) ? 60 : 44)
            r.revPackets = 0
            r.revBytes = 0
            return p == 1 ? 1 : (p == 2 ? 1_000 : 3_000) + rng.unit() * 50
        }
        let (fwdMedian, fwdSigma, revMedian, revSigma, durMedian, durSigma): (Double, Double, Double, Double, Double, Double)
        switch model {
        case .web: (fwdMedian, fwdSigma, revMedian, revSigma, durMedian, durSigma) = (1_200, 1.2, 15_000, 1.9, 1_500, 1.6)
        case .mail: (fwdMedian, fwdSigma, revMedian, revSigma, durMedian, durSigma) = (9_000, 1.5, 1_400, 0.6, 900, 1.0)
        case .imap: (fwdMedian, fwdSigma, revMedian, revSigma, durMedian, durSigma) = (2_000, 1.2, 30_000, 1.8, 20_000, 1.3)
        case .ssh: (fwdMedian, fwdSigma, revMedian, revSigma, durMedian, durSigma) = (5_000, 1.8, 9_000, 2.0, 60_000, 1.8)
        default: (fwdMedian, fwdSigma, revMedian, revSigma, durMedian, durSigma) = (1_500, 1.3, 8_000, 1.8, 3_000, 1.5)
        }
        var fwd = rng.logNormal(median: fwdMedian, sigma: fwdSigma)
        var rev = rng.logNormal(median: revMedian, sigma: revSigma)
        if rng.chance(0.02) { rev += rng.pareto(xm: 200_000, alpha: 1.1) }  // elephants
        if rng.chance(0.01) { fwd += rng.pareto(xm: 100_000, alpha: 1.2) }
        if fwd > 4.0e9 { fwd = 4.0e9 }
        if rev > 4.0e9 { rev = 4.0e9 }
        var duration = rng.logNormal(median: durMedian, sigma: durSigma)
        if outcome < 860 {
            // Complete session: SYN … FIN with ACK (and PSH when data flowed).
            counters(bytes: max(fwd, 180), packetSize: 400, into: &r, &rng)
            if r.packets < 3 { r.packets = 3 }
            r.tcpFlags = r.packets >= 4 ? 0x1B : 0x13
        } else if outcome < 900 {
            // Reset: the session ends with RST.
            counters(bytes: max(fwd * 0.3, 80), packetSize: 300, into: &r, &rng)
            if r.packets < 2 { r.packets = 2 }
            r.tcpFlags = r.packets >= 3 ? 0x1E : 0x16
            duration *= 0.2
            rev *= 0.2
        } else {
            // Long-lived flow cut by the active timeout: no SYN or FIN in this record.
            counters(bytes: max(fwd * 4, 400), packetSize: 500, into: &r, &rng)
            r.tcpFlags = 0x18
            duration = BenignFlowModel.activeTimeoutMillis * (0.5 + 0.5 * rng.unit())
        }
        // Packets raised to a minimum may have pushed bytes/packet below 40: fix bytes.
        if r.bytes < r.packets * 40 { r.bytes = r.packets * 40 + UInt64(rng.below(40)) }
        reverse(bytes: max(rev, 40), packetSize: 1_100, into: &r, &rng)
        return duration
    }

    /// Sets bytes and packets with a plausible mean packet size, keeping bytes/packet in
    /// 40–1500.
    @inline(__always)
    private func counters<R: RandomSource>(bytes: Double, packetSize: Double, into r: inout FlowRecord, _ rng: inout R) {
        let b = UInt64(bytes)
        let size = packetSize * (0.6 + 0.8 * rng.unit())
        var p = UInt64(bytes / size) + 1
        if p * 40 > b { p = max(1, b / 40) }
        if b > p * 1500 { p = (b + 1499) / 1500 }
        r.bytes = max(b, p * 40)
        r.packets = p
    }

    @inline(__always)
    private func reverse<R: RandomSource>(bytes: Double, packetSize: Double, into r: inout FlowRecord, _ rng: inout R) {
        let b = UInt64(bytes)
        let size = packetSize * (0.7 + 0.6 * rng.unit())
        var p = UInt64(bytes / size) + 1
        if p * 40 > b { p = max(1, b / 40) }
        if b > p * 1500 { p = (b + 1499) / 1500 }
        r.revBytes = max(b, p * 40)
        r.revPackets = p
    }
}
