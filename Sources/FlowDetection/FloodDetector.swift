import FlowCore
import FlowFeatures
import Foundation

/// DDoS / fan-in: a host that, in one window, receives flows from at least
/// max(`burst_minimum_peers`, `burst_factor` × its usual number of sources) distinct
/// sources. The evidence is read from the victim's *inbound* flows: the flows received,
/// their SYN-only share, the distinct sources, the busiest service port, the minutes the
/// burst lasted (minutes with at least a fifth of the peak minute's flows) and the rate
/// against the host's usual inbound rate (training median flows received per window).
/// Score: sources / usual sources. p-value: that ratio against the training distribution
/// of every host window's ratio to its own usual sources (`fan_in_calibration`), or —
/// with no training distribution — the Poisson tail of the sources given the usual count.
public enum FloodDetector {
    public struct Baseline {
        public var usualSources: (String) -> Double
        public var usualInboundPerWindow: (String) -> Double?
        public var calibration: TailCalibration?

        package init(usualSources: @escaping (String) -> Double, usualInboundPerWindow: @escaping (String) -> Double?,
                     calibration: TailCalibration?) {
            self.usualSources = usualSources
            self.usualInboundPerWindow = usualInboundPerWindow
            self.calibration = calibration
        }
    }

    public static func detect(_ t: borrowing FlowTable, windowMillis: Int64, minimumSources: Int, factor: Double,
                              baseline: Baseline) -> [AnomalyRecord] {
        struct Cell { var flows = 0; var synOnly = 0; var sources: [Int32: Int] = [:]; var synSources: [Int32: Int] = [:]; var minutes: [Int64: Int] = [:]; var ports: [Int32: Int] = [:] }
        var cells: [UInt64: Cell] = [:]
        var sourceCount: [UInt64: Set<Int32>] = [:]
        for i in 0..<t.count {
            let w = windowOf(t.start[i], windowMillis)
            let key = UInt64(UInt32(bitPattern: t.destination[i])) << 32 | UInt64(UInt32(truncatingIfNeeded: w))
            sourceCount[key, default: []].insert(t.source[i])
        }
        let candidates = Set(sourceCount.filter { $0.value.count >= minimumSources }.keys)
        guard !candidates.isEmpty else { return [] }
        for i in 0..<t.count {
            let w = windowOf(t.start[i], windowMillis)
            let key = UInt64(UInt32(bitPattern: t.destination[i])) << 32 | UInt64(UInt32(truncatingIfNeeded: w))
            guard candidates.contains(key) else { continue }
            var c = cells[key] ?? Cell()
            c.flows += 1
            if t.proto[i] == 6 && t.flagsKnown[i] && t.tcpFlags[i] & 0x12 == 0x02 {
                c.synOnly += 1
                c.synSources[t.source[i], default: 0] += 1
            }
            c.sources[t.source[i], default: 0] += 1
            c.minutes[t.start[i] / 60_000, default: 0] += 1
            c.ports[t.destinationPort[i], default: 0] += 1
            cells[key] = c
        }
        var out: [AnomalyRecord] = []
        for (key, c) in cells.sorted(by: { $0.key < $1.key }) {
            let victim = t.hosts[Int(Int32(bitPattern: UInt32(key >> 32)))].description
            let usual = baseline.usualSources(victim)
            let limit = max(Double(minimumSources), factor * usual)
            guard Double(c.sources.count) >= limit else { continue }
            // With no learned baseline (a host without enough training windows) many sources
            // alone may be a popular service: a flood must also be mostly failed handshakes.
            guard usual > 0 || 2 * c.synOnly >= c.flows else { continue }
            let peak = c.minutes.values.max() ?? 0
            let busy = c.minutes.filter { Double($0.value) >= 0.2 * Double(peak) }.keys.sorted()
            let start = (busy.first ?? 0) * 60_000, end = ((busy.last ?? 0) + 1) * 60_000
            let minutes = max(1, busy.count)
            let inBurst = c.minutes.filter { $0.key >= busy.first! && $0.key <= busy.last! }.values.reduce(0, +)
            let port = c.ports.max(by: { ($0.value, $1.key) < ($1.value, $0.key) })?.key ?? -1
            let ratio = Double(c.sources.count) / max(1, usual)
            let l: Double
            if let cal = baseline.calibration {
                l = cal.log10PValue(log((1 + Double(c.sources.count)) / (1 + usual)))
            } else {
                l = StatisticTail.poissonLog10(atLeast: c.sources.count, mean: max(1, usual))
            }
            let synShare = Double(c.synOnly) / Double(max(1, c.flows))
            let target = port >= 0 ? "\(victim):\(port)" : victim
            var rate = ""
            if let perWindow = baseline.usualInboundPerWindow(victim), perWindow > 0 {
                let usualPerMinute = perWindow / (Double(windowMillis) / 60_000)
                rate = ", \(Plain.times(Double(inBurst) / Double(minutes) / usualPerMinute)) its usual rate"
            } else {
                rate = ", a host that usually receives almost nothing"
            }
            let what = synShare >= 0.5 ? "SYN-only flows" : "flows"
            let n = synShare >= 0.5 ? c.synOnly : c.flows
            let summary = "\(target) received \(Plain.count(n)) \(what) from \(Plain.count(c.sources.count)) sources in \(Plain.duration(millis: end - start))\(rate)"
            let evidence = "\(formatValue(Double(c.flows))) inbound flows, \(formatValue(100 * synShare))% SYN-only, from \(formatValue(Double(c.sources.count))) distinct sources; usual \(formatValue(usual)) sources per window"
            // Sources by SYN-only flows sent, then flows, most first.
            let sources = c.sources.map { (key: $0.key, syn: c.synSources[$0.key] ?? 0, flows: $0.value) }
                .sorted { ($1.syn, $1.flows, $0.key) < ($0.syn, $0.flows, $1.key) }.map { t.hosts[Int($0.key)].description }
            out.append(AnomalyRecord(kind: "ddos", entity: victim, start: start, end: end, score: ratio, evidence: evidence,
                                     log10P: l, hosts: [victim] + sources, ports: port >= 0 ? [Int(port)] : [], summary: summary))
        }
        return out
    }

    package static func windowOf(_ s: Int64, _ w: Int64) -> Int64 { s >= 0 ? s / w : (s - w + 1) / w }
}

/// Beaconing over a whole scored day: an edge with at least `minimumFlows` flows spanning
/// at least `minimumSpanMinutes`, whose gaps between flow starts fall on a steady beat
/// (within `tolerance` × the median gap of 1, 2 or 3 beats — a missed beacon is still on
/// the beat) for at least 80 % of the gaps, with flow sizes varying by at most `tolerance`
/// (coefficient of variation) and at most `maximumBytes` per flow on average (a check-in,
/// not a transfer: back-to-back chunks of an upload are regular too). A 20-request burst
/// spans minutes, not hours: not a beacon.
/// p-value: the binomial tail of the on-beat gaps when requests came at random (Poisson)
/// times at the same average rate, where a gap lands on the beat with probability
/// q = Σₖ₌₁³ [exp(−(k − tol)·m/μ) − exp(−(k + tol)·m/μ)] (m the beat, μ the mean gap).
public enum BeaconDetector {
    public static let maximumBytes = 100_000.0

    public static func detect(_ t: borrowing FlowTable, minimumFlows: Int, minimumSpanMinutes: Int, tolerance: Double) -> [AnomalyRecord] {
        // The rows of each (source, destination) edge in row order, edges in ascending order
        // of the key (source, destination): one sort of the row indices.
        let keys = (0..<t.count).map { Int64(t.source[$0]) << 32 | Int64(UInt32(bitPattern: t.destination[$0])) }
        var edges: [(key: UInt64, rows: [Int])] = []
        IndexOrder.forEachGroup(of: keys) { key, rows in edges.append((UInt64(bitPattern: key), Array(rows))) }
        var out: [AnomalyRecord] = []
        for (key, rows) in edges where rows.count >= minimumFlows {
            let starts = rows.map { t.start[$0] }.sortedAscending()
            let span = starts.last! - starts.first!
            guard span >= Int64(minimumSpanMinutes) * 60_000 else { continue }
            let gaps: [Double] = (1..<starts.count).map { (k: Int) -> Double in Double(starts[k] - starts[k - 1]) }.filter { $0 > 0 }
            guard gaps.count >= minimumFlows - 1 else { continue }
            let beat = gaps.sortedAscending()[gaps.count / 2]
            guard beat >= 1_000 else { continue }
            var onBeat = 0
            var single: [Double] = []
            for g in gaps {
                let k = (g / beat).rounded()
                if k >= 1 && k <= 3 && abs(g - k * beat) <= tolerance * beat {
                    onBeat += 1
                    if k == 1 { single.append(g) }
                }
            }
            // The period: the mean single-beat gap; the jitter: the median distance from it.
            let period = single.isEmpty ? beat : single.reduce(0, +) / Double(single.count)
            let deviations = single.map { abs($0 - period) }
            guard Double(onBeat) >= 0.8 * Double(gaps.count) else { continue }
            let (meanBytes, bytesCV) = BeaconDetector.variation(rows.map { Double(t.bytes[$0]) })
            guard bytesCV <= tolerance, meanBytes <= maximumBytes else { continue }
            let mu = Double(span) / Double(gaps.count)
            var q = 0.0
            for k in 1...3 {
                let kd = Double(k)
                q += exp(-(kd - tolerance) * beat / mu) - exp(-(kd + tolerance) * beat / mu)
            }
            let l = StatisticTail.binomialLog10(atLeast: onBeat, of: gaps.count, probability: min(0.999, max(q, 1e-9)))
            let a = t.hosts[Int(Int32(bitPattern: UInt32(key >> 32)))].description
            let b = t.hosts[Int(Int32(bitPattern: UInt32(key & 0xFFFF_FFFF)))].description
            let port = t.destinationPort[rows[0]]
            let jitter = deviations.isEmpty ? 0 : deviations.sortedAscending()[deviations.count / 2]
            let peer = port >= 0 ? "\(b):\(port)" : b
            let beatText = Plain.duration(millis: Int64(period.rounded())).replacingOccurrences(of: "1 minute", with: "minute")
            let summary = "\(a) contacted \(peer) every \(beatText) (± \(formatValue((jitter / 1000).rounded())) s) \(Plain.count(rows.count)) times over \(Plain.duration(millis: span)), \(formatValue(meanBytes.rounded())) bytes each"
            let evidence = "\(rows.count) flows, period \(formatValue(period / 1000)) s, \(onBeat) of \(gaps.count) gaps on the beat; \(formatValue(meanBytes)) bytes per flow (variation \(formatValue(100 * bytesCV))%)"
            out.append(AnomalyRecord(kind: "beaconing", entity: a + " -> " + b, start: starts.first!, end: starts.last! + 1,
                                     score: Double(onBeat), evidence: evidence, log10P: l, hosts: [a, b],
                                     ports: port >= 0 ? [Int(port)] : [], summary: summary))
        }
        return out
    }

    /// Mean and coefficient of variation (population sd / mean; 0 for a zero mean).
    static func variation(_ v: [Double]) -> (Double, Double) {
        guard !v.isEmpty else { return (0, 0) }
        let mean = v.reduce(0, +) / Double(v.count)
        var ss = 0.0
        for x in v { ss += (x - mean) * (x - mean) }
        let sd = (ss / Double(v.count)).squareRoot()
        return (mean, mean > 0 ? sd / mean : 0)
    }
}
