import FlowCore
import FlowFeatures
import Foundation

/// The sequential hypothesis test of Jung, Paxson, Berger and Balakrishnan, "Fast Portscan
/// Detection Using Sequential Hypothesis Testing" (IEEE S&P 2004): threshold random walk
/// (TRW) over a source's first-contact attempts. Under H0 (benign) a first contact succeeds
/// with probability θ0 = 0.8, under H1 (scanner) with θ1 = 0.2. Each success multiplies the
/// likelihood ratio Λ by θ1/θ0 = 0.25, each failure by (1−θ1)/(1−θ0) = 4. With α = 0.01
/// (false positive rate) and β = 0.99 (detection rate), Λ ≥ η1 = β/α = 99 declares a
/// scanner; Λ ≤ η0 = (1−β)/(1−α) ≈ 0.0101 declares the source benign, after which the walk
/// restarts at Λ = 1 (a batch run watches the whole day, so a host that turns to scanning
/// later is still caught).
///
/// p-value: under H0, Λ is a non-negative martingale with mean 1, so by Ville's inequality
/// P(max Λ ≥ λ) ≤ 1/λ: floe reports p = 1 / (largest Λ of the decisive walk) — no training
/// needed.
public enum SequentialScanTest {
    public static let theta0 = 0.8
    public static let theta1 = 0.2
    public static let alpha = 0.01
    public static let beta = 0.99
    public static var eta1: Double { beta / alpha }
    public static var eta0: Double { (1 - beta) / (1 - alpha) }

    public enum Decision: Equatable, Sendable { case scanner, benign, pending }

    public struct Result: Equatable, Sendable {
        /// Final decision: `scanner` once η1 was crossed; `benign` when the last walk ended
        /// at η0 with no scanner decision; else `pending`.
        public var decision: Decision
        /// Index of the outcome at which η1 was crossed.
        public var crossedAt: Int?
        /// Index where the decisive walk began (after the last benign reset before it).
        public var walkStart: Int
        /// log10 of the largest Λ of the decisive walk (0 when no scanner).
        public var maxLog10Lambda: Double
    }

    /// Runs the walk over `outcomes` (true = the first contact succeeded).
    public static func run(_ outcomes: [Bool]) -> Result {
        let up = log10((1 - theta1) / (1 - theta0)), down = log10(theta1 / theta0)
        let upper = log10(eta1), lower = log10(eta0)
        var l = 0.0, start = 0
        var decision = Decision.pending
        var crossed: Int? = nil
        var maxL = 0.0
        for (i, success) in outcomes.enumerated() {
            l += success ? down : up
            if crossed != nil {
                maxL = max(maxL, l)
                continue
            }
            if l >= upper {
                crossed = i
                decision = .scanner
                maxL = l
            } else if l <= lower {
                decision = .benign
                l = 0
                start = i + 1
            } else if decision == .benign {
                decision = .pending
            }
        }
        return Result(decision: decision, crossedAt: crossed, walkStart: start, maxLog10Lambda: crossed == nil ? 0 : maxL)
    }
}

/// Port scans and address sweeps on one day, with no training history: per source, its
/// first contacts to distinct (host, port) destinations in time order, each a success
/// (TCP: ACK seen without a bare SYN or bare RST; other protocols: reverse bytes, or a
/// flow back from the destination that day) or a failure (SYN-only, RST, no reply), run
/// through `SequentialScanTest`. A scanner with at least `minimumTargets` failed first
/// contacts is reported as `address_sweep` when the failures hit at least
/// `minimumTargets / 2` hosts on at most 3 ports (one port, many hosts), else `port_scan`
/// (many ports, few hosts). Score: log10 Λ; p-value 1/Λ.
public enum ScanDetector {
    public static func detect(_ t: borrowing FlowTable, minimumTargets: Int) -> [AnomalyRecord] {
        guard t.count > 0 else { return [] }
        var answered = Set<UInt64>()
        for i in 0..<t.count {
            answered.insert(UInt64(UInt32(bitPattern: t.source[i])) << 32 | UInt64(UInt32(bitPattern: t.destination[i])))
        }
        let order = IndexOrder.ascending(by: t.source, then: t.start)
        var out: [AnomalyRecord] = []
        var i = 0
        while i < order.count {
            let source = t.source[order[i]]
            var j = i
            var seen = Set<UInt64>()
            var firsts: [Int] = []
            while j < order.count && t.source[order[j]] == source {
                let r = order[j]
                let key = UInt64(UInt32(bitPattern: t.destination[r])) << 20 | UInt64(UInt32(bitPattern: t.destinationPort[r] + 1) & 0xFFFFF)
                if seen.insert(key).inserted { firsts.append(r) }
                j += 1
            }
            i = j
            guard firsts.count >= minimumTargets else { continue }
            let outcomes = firsts.map { r -> Bool in
                let back = UInt64(UInt32(bitPattern: t.destination[r])) << 32 | UInt64(UInt32(bitPattern: t.source[r]))
                return succeeded(t, r, answered: answered.contains(back))
            }
            let result = SequentialScanTest.run(outcomes)
            guard result.decision == .scanner else { continue }
            let run = Array(result.walkStart..<firsts.count)
            let failed = run.filter { !outcomes[$0] }.map { firsts[$0] }
            guard failed.count >= minimumTargets else { continue }
            if let record = record(t, source: source, failed: failed, attempts: run.count, log10Lambda: result.maxLog10Lambda,
                                   minimumTargets: minimumTargets) {
                out.append(record)
            }
        }
        return out
    }

    /// Success of a first contact (see the type's comment).
    static func succeeded(_ t: borrowing FlowTable, _ r: Int, answered: Bool) -> Bool {
        if t.proto[r] == 6 && t.flagsKnown[r] && t.tcpFlags[r] != 0 {
            let f = t.tcpFlags[r]
            if f & 0x10 == 0 && (f & 0x02 != 0 || f & 0x04 != 0) { return false }
            if f & 0x10 != 0 { return true }
        }
        return t.reverseBytes[r] > 0 || answered
    }

    static func record(_ t: borrowing FlowTable, source: Int32, failed: [Int], attempts: Int, log10Lambda: Double,
                       minimumTargets: Int) -> AnomalyRecord? {
        var hostCount: [Int32: Int] = [:], portCount: [Int32: Int] = [:]
        var start = Int64.max, end = Int64.min
        for r in failed {
            hostCount[t.destination[r], default: 0] += 1
            portCount[t.destinationPort[r], default: 0] += 1
            start = min(start, t.start[r])
            end = max(end, t.start[r] + max(t.duration[r], 1))
        }
        let targets = hostCount.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { t.hosts[Int($0.key)].description }
        let ports = portCount.keys.filter { $0 >= 0 }.sorted().map(Int.init)
        let src = t.hosts[Int(source)].description
        let sweep = hostCount.count >= max(2, minimumTargets / 2) && portCount.count <= 3
        let minutes = Plain.duration(millis: end - start)
        let failures = "\(Plain.count(failed.count)) of \(Plain.count(attempts)) first attempts got no answer"
        let summary: String
        let evidence: String
        if sweep {
            let portText = ports.map { "port \($0)" }.joined(separator: ", ")
            summary = "\(src) probed \(portText.isEmpty ? "" : portText + " on ")\(Plain.count(hostCount.count, "host")) in \(minutes); \(failures)"
            evidence = "\(formatValue(Double(hostCount.count))) distinct hosts on \(ports.count) port(s); \(failures); likelihood ratio 10^\(formatValue(log10Lambda.rounded())) (scanner from 99)"
        } else {
            let range = ports.isEmpty ? "" : " (\(ports.first!)–\(ports.last!))"
            let on = hostCount.count == 1 ? targets[0] : Plain.count(hostCount.count, "host")
            summary = "\(src) probed \(Plain.count(ports.count, "port"))\(range) on \(on) in \(minutes); \(failures)"
            evidence = "\(formatValue(Double(ports.count))) distinct ports on \(formatValue(Double(hostCount.count))) host(s); \(failures); likelihood ratio 10^\(formatValue(log10Lambda.rounded())) (scanner from 99)"
        }
        return AnomalyRecord(kind: sweep ? "address_sweep" : "port_scan", entity: src, start: start, end: end,
                             score: log10Lambda, evidence: evidence, log10P: -log10Lambda,
                             hosts: [src] + targets.prefix(200), ports: sweep ? ports : [], summary: summary)
    }
}
