import FlowArtifacts
import FlowConfig
import FlowCore
import Foundation
import Testing
@testable import FlowDetection
@testable import FlowFeatures
@testable import FlowModels
@testable import FlowTimeSeries

/// A hand-made flow table.
struct TableBuilder {
    var t = FlowTable()
    var ids: [String: Int32] = [:]
    let internalNetworks = [NetworkPrefix("10.0.0.0/8")!]

    mutating func id(_ text: String) -> Int32 {
        if let i = ids[text] { return i }
        let a = IPAddress(text)!
        let i = Int32(t.hosts.count)
        ids[text] = i
        t.hosts.append(a)
        t.hostIsInternal.append(internalNetworks.contains(address: a))
        return i
    }

    mutating func add(_ src: String, _ dst: String, port: Int32, start: Int64, flags: UInt8 = 0x1B, proto: UInt8 = 6,
                      bytes: UInt64 = 1_000, reverse: UInt64 = 5_000, duration: Int64 = 100, srcPort: Int32 = -1) {
        let s = id(src), d = id(dst)
        t.sourcePort.append(srcPort)
        t.start.append(start); t.duration.append(duration); t.source.append(s); t.destination.append(d)
        t.destinationPort.append(port); t.proto.append(proto); t.tcpFlags.append(flags); t.flagsKnown.append(true)
        t.packets.append(max(1, bytes / 500)); t.bytes.append(bytes); t.reverseBytes.append(reverse)
        t.direction.append(.from(sourceInternal: t.hostIsInternal[Int(s)], destinationInternal: t.hostIsInternal[Int(d)]))
    }
}

@Suite struct CalibrationTests {
    @Test func severityBandsFollowTheLogPValue() {
        #expect(Severity.from(log10P: 0) == 0)
        #expect(Severity.from(log10P: -1.5) == 25)
        #expect(Severity.from(log10P: -3) == 50)
        #expect(Severity.from(log10P: -4.5) == 75)
        #expect(Severity.from(log10P: -6) == 100)
        #expect(Severity.from(log10P: -480) == 100)
        #expect(Severity.band(75) == "critical" && Severity.band(50) == "major" && Severity.band(25) == "minor" && Severity.band(24) == "low")
        #expect(AnomaliesFile.pValueText(Severity.pValue(log10P: -2)) == "0.0100")
        #expect(AnomaliesFile.pValueText(Severity.pValue(log10P: -400)) == "1e-300")
    }

    @Test func trainingScoresGetUniformPValuesAndAPlantedOutlierIsSevere() throws {
        var rng = SeededRandom(seed: 7)
        // A skewed training sample (log-normal-like), as detector scores are.
        let sample = (0..<5_000).map { _ in exp(2 * (rng.unit() + rng.unit() + rng.unit() - 1.5)) }
        let c = try #require(TailCalibration.fit(sample))
        let p = sample.map { pow(10, c.log10PValue($0)) }
        for level in [0.05, 0.1, 0.25, 0.5, 0.9] {
            let share = Double(p.filter { $0 <= level }.count) / Double(p.count)
            #expect(abs(share - level) < 0.03, "share of p ≤ \(level) on the training data: \(share)")
        }
        // Severity on the training data: nearly all low or minor.
        let severe = sample.filter { Severity.from(log10P: c.log10PValue($0)) >= 50 }.count
        #expect(severe <= 10)
        // A planted outlier far beyond the training range gets the most 5,000 values can
        // say: one decade below 1/(n + 1), severity 78 — not ≥ 90.
        let outlier = (sample.max() ?? 0) * 4
        #expect(abs(c.log10PValue(outlier) - (-log10(5_001.0) - 1)) < 1e-12)
        #expect(Severity.from(log10P: c.log10PValue(outlier)) == 78)
        // A calibration of 40,000 values can resolve 2.5 × 10⁻⁶: the planted outlier is ≥ 90.
        let large = (0..<40_000).map { _ in exp(2 * (rng.unit() + rng.unit() + rng.unit() - 1.5)) }
        let big = try #require(TailCalibration.fit(large))
        #expect(Severity.from(log10P: big.log10PValue((large.max() ?? 0) * 4)) >= 90)
        // Monotone: higher scores never get larger p-values.
        let grid = stride(from: 0.0, through: 200, by: 0.5).map { c.log10PValue($0) }
        #expect(zip(grid, grid.dropFirst()).allSatisfy { $0 >= $1 })
    }

    /// A fitted tail says no more than its sample can resolve (docs/incidents.md): the
    /// density outliers of the 90-day run got p = 10⁻¹³…10⁻⁷² from an exponential tail at
    /// distances that training windows had reached themselves.
    @Test func aFittedTailCannotClaimMoreThanItsSampleResolves() throws {
        // 4,990 ordinary scores in [0, 1) and ten training values at 50…59: the exponential
        // tail fitted above the 95th percentile (spread ~0.03) calls 55 impossibly rare.
        let ordinary = (0..<4_990).map { Double($0) / 4_990 }
        let sample = ordinary + (50..<60).map(Double.init)
        let c = try #require(TailCalibration.fit(sample))
        let n = 5_000.0
        // Inside the training range: never rarer than the share of training values at least
        // as extreme — 5 of them are ≥ 55, so p = 6 / 5,001 (severity 49, not 100).
        #expect(abs(c.log10PValue(55) - log10(6 / (n + 1))) < 1e-12)
        #expect(Severity.from(log10P: c.log10PValue(55)) == 49)
        #expect(abs(c.log10PValue(59) - log10(2 / (n + 1))) < 1e-12)
        // Just beyond the largest: continuous with it, at about 1/(n + 1).
        #expect(abs(c.log10PValue(59.000_001) - log10(1 / (n + 1))) < 1e-3)
        // Far beyond: the floor, one decade below 1/(n + 1), and no further.
        #expect(c.log10PValue(1e9) == c.floorLog10P)
        #expect(abs(c.floorLog10P - (-log10(n + 1) - 1)) < 1e-12)
        #expect(c.log10PValue(.infinity) == c.floorLog10P)
        // A model file from before `top` was kept: counts from the quantile grid, which errs
        // on the side of "less rare"; the floor holds all the same.
        var old = c
        old.top = nil
        let decoded = try JSONDecoder().decode(TailCalibration.self, from: JSONEncoder().encode(old))
        #expect(decoded.top == nil)
        #expect(decoded.log10PValue(55) >= c.log10PValue(55))
        #expect(decoded.log10PValue(1e9) == c.floorLog10P)
    }

    /// Same-day peer values: inside the day's values the empirical share; beyond them the
    /// Pareto tail of index 1, anchored at the day's largest value.
    @Test func theSameDayTailIsBoundedByTheDaysValues() {
        // 100 other pairs sending 10^3 … 10^6 bytes (log10 scale), two of them 10^7 and 10^8.
        let others = (0..<98).map { 3 + 3 * Double($0) / 97 } + [7, 8]
        let tail = PeerTail(trained: nil, scale: .log10, sameDay: others + [7.5])
        // 7.5 is below one other value (8): p = 2 / 101, not the Pareto tail's ~10^-2.8.
        #expect(abs(tail.log10PValue(7.5) - log10(2.0 / 101)) < 1e-12)
        // 10^12 bytes: four decades beyond the day's largest, anchored at 1/101 there.
        let far = PeerTail(trained: nil, scale: .log10, sameDay: others + [12])
        #expect(far.log10PValue(12) <= -log10(101.0) - 3.9 && far.log10PValue(12) >= -log10(101.0) - 4 - 1e-9)
    }

    @Test func tooFewTrainingValuesFitNothing() {
        #expect(TailCalibration.fit(Array(repeating: 1.0, count: TailCalibration.minimumSample - 1)) == nil)
        #expect(TailCalibration.fit((0..<TailCalibration.minimumSample).map(Double.init)) != nil)
    }

    @Test func statisticTailsMatchClosedForms() {
        // P(X ≥ 1) for Binomial(1, 0.25) = 0.25; P(X ≥ 3) for Binomial(3, 0.5) = 1/8.
        #expect(abs(StatisticTail.binomialLog10(atLeast: 1, of: 1, probability: 0.25) - log10(0.25)) < 1e-9)
        #expect(abs(StatisticTail.binomialLog10(atLeast: 3, of: 3, probability: 0.5) - log10(0.125)) < 1e-9)
        // P(X ≥ 1) for Poisson(2) = 1 − e^−2.
        #expect(abs(StatisticTail.poissonLog10(atLeast: 1, mean: 2) - log10(1 - exp(-2))) < 1e-6)
    }
}

@Suite struct SequentialScanTestTests {
    typealias T = SequentialScanTest

    @Test func parametersAreThePapers() {
        #expect(T.theta0 == 0.8 && T.theta1 == 0.2 && T.alpha == 0.01 && T.beta == 0.99)
        #expect(abs(T.eta1 - 99) < 1e-9)
        #expect(abs(T.eta0 - 0.01 / 0.99) < 1e-12)
    }

    @Test func fourFailuresMakeAScannerThreeDoNot() {
        // Each failure multiplies Λ by 4: 4³ = 64 < 99 ≤ 4⁴ = 256.
        #expect(T.run([false, false, false]).decision == .pending)
        let r = T.run([false, false, false, false])
        #expect(r.decision == .scanner && r.crossedAt == 3)
        #expect(abs(r.maxLog10Lambda - 4 * log10(4.0)) < 1e-9)
    }

    @Test func fourSuccessesMakeABenignSourceAndTheWalkRestarts() {
        // 0.25³ ≈ 0.0156 > η0 ≈ 0.0101 ≥ 0.25⁴.
        #expect(T.run([true, true, true]).decision == .pending)
        #expect(T.run([true, true, true, true]).decision == .benign)
        // After the benign decision the walk restarts: five failures then cross η1.
        let r = T.run([true, true, true, true, false, false, false, false])
        #expect(r.decision == .scanner && r.crossedAt == 7 && r.walkStart == 4)
    }

    @Test func mixedOutcomesLikeABusyClientStayBelowTheThreshold() {
        // 80 % successes: the benign hypothesis.
        let outcomes = (0..<200).map { $0 % 5 != 0 }
        #expect(T.run(outcomes).decision != .scanner)
        // A success after the crossing lowers Λ, the maximum is kept.
        let r = T.run([false, false, false, false, false, true])
        #expect(r.decision == .scanner && abs(r.maxLog10Lambda - 5 * log10(4.0)) < 1e-9)
    }
}

@Suite struct DetectorTests {
    @Test func verticalScanHorizontalSweepAndBenignClient() {
        var b = TableBuilder()
        // Vertical: 203.0.113.5 → 10.0.1.1 ports 1…300, bare SYNs.
        for p in 1...300 { b.add("203.0.113.5", "10.0.1.1", port: Int32(p), start: Int64(p) * 1_000, flags: 0x02, reverse: 0) }
        // Horizontal: 10.0.9.9 → port 22 on 10.0.2.1…10.0.2.80, refused (RST back, flags SYN only).
        for h in 1...80 { b.add("10.0.9.9", "10.0.2.\(h)", port: 22, start: 500_000 + Int64(h) * 1_000, flags: 0x02, reverse: 40) }
        // A benign client: 100 servers on 443, 95 answered.
        for h in 1...100 {
            b.add("10.0.5.5", "198.51.100.\(h)", port: 443, start: Int64(h) * 2_000, flags: h % 20 == 0 ? 0x02 : 0x1B,
                  reverse: h % 20 == 0 ? 0 : 9_000)
        }
        let found = ScanDetector.detect(b.t, minimumTargets: 20)
        #expect(found.count == 2)
        let scan = try? #require(found.first { $0.entity == "203.0.113.5" })
        #expect(scan?.kind == "port_scan")
        #expect(scan?.hosts.first == "203.0.113.5" && scan?.hosts.dropFirst().first == "10.0.1.1")
        #expect(scan?.summary == "203.0.113.5 probed 300 ports (1–300) on 10.0.1.1 in 5 minutes; 300 of 300 first attempts got no answer")
        #expect((scan?.severity ?? 0) == 100)
        let sweep = found.first { $0.entity == "10.0.9.9" }
        #expect(sweep?.kind == "address_sweep")
        #expect(sweep?.ports == [22])
        #expect(sweep?.summary.hasPrefix("10.0.9.9 probed port 22 on 80 hosts") == true)
        #expect(!found.contains { $0.entity == "10.0.5.5" })
    }

    @Test func floodEvidenceReadsTheVictimsInboundFlows() throws {
        var b = TableBuilder()
        // The victim's own outgoing flows all succeed (what the old fan-in evidence measured).
        for i in 0..<50 { b.add("10.0.1.10", "198.51.100.\(i % 200 + 1)", port: 443, start: Int64(i) * 60_000) }
        // 3,000 sources, 6,000 SYN-only flows in 10 minutes, to port 443.
        let t0: Int64 = 14 * 3_600_000
        for i in 0..<6_000 {
            let s = i % 3_000
            b.add("100.\(64 + s / 250).\(s % 250).1", "10.0.1.10", port: 443, start: t0 + Int64(i) * 100, flags: 0x02, reverse: 0)
        }
        let found = FloodDetector.detect(b.t, windowMillis: 3_600_000, minimumSources: 200, factor: 10,
                                         baseline: .init(usualSources: { _ in 20 }, usualInboundPerWindow: { _ in 120 },
                                                         calibration: nil))
        #expect(found.count == 1)
        let ddos = try #require(found.first)
        #expect(ddos.kind == "ddos" && ddos.entity == "10.0.1.10" && ddos.ports == [443])
        #expect(ddos.hosts.count == 3_001)
        #expect(ddos.hosts[1].hasPrefix("100."))   // flood sources first (SYN-only flows)
        #expect(ddos.summary == "10.0.1.10:443 received 6,000 SYN-only flows from 3,000 sources in 10 minutes, 300× its usual rate")
        #expect(ddos.evidence.contains("100% SYN-only"))
        #expect(ddos.severity == 100)
    }

    /// With no learned baseline (a host seen in fewer than `minimumHostWindows` training
    /// windows, e.g. a short capture), many sources make a flood only when their handshakes
    /// mostly fail: a popular service that answers is not one.
    @Test func withoutABaselineOnlyFailedHandshakesMakeAFlood() throws {
        var b = TableBuilder()
        let t0: Int64 = 9 * 3_600_000
        for s in 0..<300 {
            b.add("127.1.\(s / 250).\(s % 250 + 1)", "10.0.0.20", port: 80, start: t0 + Int64(s) * 100, flags: 0x02, reverse: 0)
            b.add("127.2.\(s / 250).\(s % 250 + 1)", "10.0.0.30", port: 443, start: t0 + Int64(s) * 100, flags: 0x1B)
        }
        let found = FloodDetector.detect(b.t, windowMillis: 3_600_000, minimumSources: 200, factor: 10,
                                         baseline: .init(usualSources: { _ in 0 }, usualInboundPerWindow: { _ in nil },
                                                         calibration: nil))
        #expect(found.map(\.entity) == ["10.0.0.20"])
        #expect(found.first?.summary.contains("a host that usually receives almost nothing") == true)
        #expect(HostGraphModelKind.minimumHostWindows == 3)
    }

    @Test func beaconsNeedManyPeriodsOverALongSpan() {
        var b = TableBuilder()
        // A beacon: every 60 s ± 1 s for 6 hours, 412 bytes.
        for i in 0..<360 { b.add("10.0.7.7", "192.0.2.50", port: 443, start: Int64(i) * 60_000 + Int64(i % 2) * 1_000, bytes: 412) }
        // A 20-request burst every 2 s: regular, but not a beacon.
        for i in 0..<20 { b.add("10.0.7.8", "192.0.2.51", port: 443, start: 40_000_000 + Int64(i) * 2_000, bytes: 600) }
        // Regular big chunks of an upload: a transfer, not a check-in.
        for i in 0..<200 { b.add("10.0.7.9", "192.0.2.52", port: 443, start: Int64(i) * 54_000, bytes: 60_000_000) }
        let found = BeaconDetector.detect(b.t, minimumFlows: 30, minimumSpanMinutes: 120, tolerance: 0.1)
        #expect(found.map(\.entity) == ["10.0.7.7 -> 192.0.2.50"])
        #expect(found.first?.summary == "10.0.7.7 contacted 192.0.2.50:443 every minute (± 1 s) 360 times over 6 hours, 412 bytes each")
        #expect((found.first?.severity ?? 0) == 100)
    }

    @Test func volumeSummariesArePlain() {
        #expect(VolumeDetector.summary(series: "total.bytes", metric: "bytes", observed: 13.6e9, expected: 6.7e6, millis: 10_800_000)
                == "Network-wide traffic was 13.6 GB over 3 hours against 6.7 MB expected")
        #expect(VolumeDetector.summary(series: "direction:inbound.flows", metric: "flows", observed: 4_031, expected: 30.6, millis: 300_000)
                == "The inbound flow count was 4,031 flows over 5 minutes against 31 flows expected")
        #expect(VolumeDetector.summary(series: "total.distinct_sources", metric: "distinct_sources", observed: 4_240, expected: 236, millis: 300_000)
                == "Network-wide number of distinct sources was 4,240 distinct sources over 5 minutes against 236 distinct sources expected")
    }

    /// A volume spike's Laplace tail through the training threshold is floored at what the
    /// residuals it was fitted on can resolve: a 150-robust-SD flood from 4,320 residuals
    /// is p = 1/43,210 (severity 77), not 10⁻⁸⁰.
    @Test func volumeSpikePValuesAreFlooredAtTheirResiduals() {
        let scores = (0..<10).map { i in
            BucketScore(index: i, observed: 30_000, expected: 200, robustZ: 150, intervalZ: 150, flagged: true, strong: true)
        }
        let config = TimeSeriesModelConfig()
        let floored = VolumeDetector.anomalies(series: "total.flows", scores: scores, startMillis: 0, bucketMillis: 60_000,
                                               config: config, tail: 8, residuals: 4_320)
        #expect(floored.count == 1)
        #expect(floored.first?.log10P == TailResolution.floorLog10(sampleSize: 4_320))
        #expect(floored.first?.severity == 77)
        // A small spike stays on the tail: 1.125 × the threshold is p = 2000^−1.125.
        let small = scores.map { var s = $0; s.robustZ = 9; return s }
        let onTail = VolumeDetector.anomalies(series: "total.flows", scores: small, startMillis: 0, bucketMillis: 60_000,
                                              config: config, tail: 8, residuals: 4_320)
        #expect(abs((onTail.first?.log10P ?? 0) - (-1.125 * log10(2000.0))) < 1e-9)
    }

    @Test func datasetEdgesAreNotCoverageGaps() {
        let day: Int64 = 20_000 * 86_400_000
        func gap(_ s: Int64, _ e: Int64) -> AnomalyRecord {
            AnomalyRecord(kind: "coverage_gap", entity: "total.flows", start: day + s * 60_000, end: day + e * 60_000, score: 5, evidence: "")
        }
        // First day: flows from 00:01 (the first minute is the dataset's edge), a real gap 10:00–11:00.
        let first = [gap(0, 1), gap(600, 660)]
        let kept = TimeSeriesModelKind.droppingDatasetEdges(first, isFirstDay: true, isLastDay: false,
                                                            firstFlow: day + 60_000, lastFlow: day + 86_000_000)
        #expect(kept.map(\.start) == [day + 600 * 60_000])
        // Last day: the data ends at 18:00; the rest of the day is not a gap.
        let last = [gap(600, 660), gap(1_081, 1_440)]
        let keptLast = TimeSeriesModelKind.droppingDatasetEdges(last, isFirstDay: false, isLastDay: true,
                                                                firstFlow: day, lastFlow: day + 1_080 * 60_000)
        #expect(keptLast.map(\.start) == [day + 600 * 60_000])
        // A middle day keeps both.
        #expect(TimeSeriesModelKind.droppingDatasetEdges(last, isFirstDay: false, isLastDay: false,
                                                         firstFlow: day, lastFlow: day + 1_080 * 60_000).count == 2)
    }
}

@Suite struct IncidentGroupingTests {
    let hour: Int64 = 3_600_000

    @Test func aFloodWithThreeThousandSourcesIsOneIncident() throws {
        let t0 = 14 * hour
        let sources = (0..<3_000).map { "100.\(64 + $0 / 250).\($0 % 250).1" }
        var rows = [AnomalyRecord(kind: "ddos", entity: "10.0.1.10", start: t0, end: t0 + 600_000, score: 150, evidence: "",
                                  log10P: -20, hosts: ["10.0.1.10"] + sources, ports: [443],
                                  summary: "10.0.1.10:443 received 6,000 SYN-only flows from 3,000 sources in 10 minutes")]
        // Per-source density outliers, a fan-in row on the victim, network-wide spikes.
        for s in sources.prefix(50) {
            rows.append(AnomalyRecord(kind: "density_outlier", entity: s, start: t0, end: t0 + hour, score: 2, evidence: "", log10P: -4))
        }
        rows.append(AnomalyRecord(kind: "cluster_outlier", entity: "10.0.1.10", start: t0, end: t0 + hour, score: 2, evidence: "", log10P: -5))
        for series in ["total.flows", "total.distinct_sources", "direction:inbound.flows"] {
            rows.append(AnomalyRecord(kind: "volume_spike", entity: series, start: t0, end: t0 + 600_000, score: 40, evidence: "", log10P: -9))
        }
        let (anomalies, incidents) = IncidentGrouping.group(rows, maximumPerKindDay: 50)
        #expect(incidents.count == 1)
        let i = try #require(incidents.first)
        #expect(i.kind == .ddos && i.hosts.first == "10.0.1.10" && i.hosts.count == IncidentGrouping.maximumHosts)
        #expect(i.detections == Array(1...anomalies.count))
        #expect(anomalies.count == rows.count)
        #expect(anomalies.allSatisfy { $0.incident == i.id })
        #expect(i.summary.contains("2,981 more hosts not listed"))
        // Max member severity (100) plus bonus, capped at 100.
        #expect(i.severity == 100)
    }

    @Test func twoUnrelatedScansInTheSameHourAreTwoIncidents() {
        let t0 = 10 * hour
        let rows = [
            AnomalyRecord(kind: "port_scan", entity: "203.0.113.5", start: t0, end: t0 + 900_000, score: 50, evidence: "",
                          log10P: -50, hosts: ["203.0.113.5", "10.0.1.1"]),
            AnomalyRecord(kind: "port_scan", entity: "198.51.100.7", start: t0 + 600_000, end: t0 + 1_800_000, score: 30, evidence: "",
                          log10P: -30, hosts: ["198.51.100.7", "10.0.1.1"]),
            // The shared target's outlier joins one of them, it does not bridge them.
            AnomalyRecord(kind: "density_outlier", entity: "10.0.1.1", start: t0, end: t0 + hour, score: 2, evidence: "", log10P: -3),
        ]
        let (_, incidents) = IncidentGrouping.group(rows)
        #expect(incidents.count == 2)
        #expect(Set(incidents.map { $0.hosts[0] }) == ["203.0.113.5", "198.51.100.7"])
        #expect(incidents.map(\.detections.count).sorted() == [1, 2])
    }

    @Test func idsAreStableAndRowsBelongToExactlyOneIncident() {
        let rows = [
            AnomalyRecord(kind: "beaconing", entity: "10.0.7.7 -> 192.0.2.50", start: 0, end: 20 * hour, score: 1, evidence: "", log10P: -100,
                          hosts: ["10.0.7.7", "192.0.2.50"]),
            AnomalyRecord(kind: "beaconing", entity: "10.0.7.7 -> 192.0.2.50", start: 20 * hour + 1_800_000, end: 44 * hour, score: 1, evidence: "",
                          log10P: -90, hosts: ["10.0.7.7", "192.0.2.50"]),
            AnomalyRecord(kind: "coverage_gap", entity: "total.flows", start: 6 * hour, end: 7 * hour, score: 1, evidence: "", log10P: -40),
            AnomalyRecord(kind: "cluster_outlier", entity: "10.0.3.3", start: 0, end: hour, score: 1, evidence: "", log10P: -2),
        ]
        let a = IncidentGrouping.group(rows), b = IncidentGrouping.group(rows.reversed())
        #expect(a.incidents == b.incidents)
        #expect(a.incidents.map(\.kind) == [.beaconing, .exporterOutage, .unusualHost])
        #expect(a.incidents[0].detections == [1, 2])   // the beacon over two days is one incident
        #expect(a.incidents[0].summary.hasSuffix("; seen in 2 detections"))
        let all = a.incidents.flatMap(\.detections).sorted()
        #expect(all == Array(1...a.anomalies.count))
        #expect(a.incidents.allSatisfy { $0.id.hasPrefix("inc-") && $0.id.count == 16 })
        let csv = IncidentsFile.csv(a.incidents)
        #expect(csv.hasPrefix("rank,id,kind,severity,start,end,hosts,ports,detections,summary\n1,inc-"))
    }

    /// At equal severity (p-values floored at what their calibrations resolve meet there), a
    /// named attack outranks a lone density outlier whose p-value is smaller, and a
    /// corroborated unusual host outranks a lone one.
    @Test func tiesGoToNamedAttacksThenCorroboration() {
        let rows = [
            // A lone density outlier, floored at 1/155,950: severity 87, p 10^-5.24.
            AnomalyRecord(kind: "density_outlier", entity: "10.0.10.24", start: 13 * hour, end: 14 * hour, score: 1.2,
                          evidence: "", log10P: -5.24),
            // Brute force at 10^-5.2: also severity 87, a larger p-value.
            AnomalyRecord(kind: "brute_force", entity: "23.153.41.195", start: 4 * hour, end: 4 * hour + 720_000, score: 288,
                          evidence: "", log10P: -5.2, hosts: ["23.153.41.195", "10.0.1.22"], ports: [22]),
            // An unusual host seen by two detectors: 82 + 5 = 87.
            AnomalyRecord(kind: "density_outlier", entity: "10.0.1.26", start: 7 * hour, end: 8 * hour, score: 1.1,
                          evidence: "", log10P: -4.94),
            AnomalyRecord(kind: "cluster_outlier", entity: "10.0.1.26", start: 7 * hour, end: 8 * hour, score: 1.3,
                          evidence: "", log10P: -4),
        ]
        let (_, incidents) = IncidentGrouping.group(rows)
        #expect(incidents.map(\.severity) == [87, 87, 87])
        #expect(incidents.map(\.kind) == [.bruteForce, .unusualHost, .unusualHost])
        #expect(incidents.map { $0.hosts[0] } == ["23.153.41.195", "10.0.1.26", "10.0.10.24"])
        #expect(incidents.map(\.rank) == [1, 2, 3])
    }

    /// A flood victim that a sweep also touched: its own fan-out burst belongs to its flood
    /// (it is that incident's principal), not to the more severe sweep.
    @Test func aHostsOwnRowJoinsTheIncidentItLeads() {
        let t0 = 6 * hour
        let targets = (1...60).map { "10.0.1.\($0)" }
        let rows = [
            AnomalyRecord(kind: "address_sweep", entity: "10.0.9.9", start: t0, end: t0 + 60_000, score: 150, evidence: "",
                          log10P: -150, hosts: ["10.0.9.9"] + targets, ports: [22]),
            AnomalyRecord(kind: "ddos", entity: "10.0.1.20", start: t0, end: t0 + 120_000, score: 300, evidence: "",
                          log10P: -2.5, hosts: ["10.0.1.20", "198.51.100.1", "198.51.100.2"], ports: [80]),
            AnomalyRecord(kind: "fan_out_burst", entity: "10.0.1.20", start: t0, end: t0 + hour, score: 1.5, evidence: "",
                          log10P: -2.4),
        ]
        let (anomalies, incidents) = IncidentGrouping.group(rows)
        #expect(incidents.map(\.kind) == [.addressSweep, .ddos])
        let flood = incidents[1]
        #expect(anomalies.first { $0.kind == "fan_out_burst" }?.incident == flood.id)
        #expect(flood.detections.count == 2 && incidents[0].detections.count == 1)
    }

    @Test func capsApplyToIncidentsNotRows() {
        // 60 unusual hosts on one day and one scan: the cap keeps 50 unusual_host incidents
        // (and drops their rows) but never cuts into an incident's members.
        var rows: [AnomalyRecord] = (0..<60).map {
            AnomalyRecord(kind: "density_outlier", entity: "10.0.4.\($0)", start: 0, end: hour, score: 1, evidence: "", log10P: -Double($0) / 10 - 1)
        }
        rows.append(AnomalyRecord(kind: "port_scan", entity: "203.0.113.5", start: 0, end: hour, score: 9, evidence: "", log10P: -9,
                                  hosts: ["203.0.113.5"] + (0..<60).map { "10.0.4.\($0)" }))
        let (anomalies, incidents) = IncidentGrouping.group(rows, maximumPerKindDay: 50)
        // The scan's targets' outliers join the scan: one incident, 61 rows.
        #expect(incidents.count == 1 && incidents[0].detections.count == 61 && anomalies.count == 61)
        let alone = Array(rows.prefix(60))
        let capped = IncidentGrouping.group(alone, maximumPerKindDay: 50)
        #expect(capped.incidents.count == 50 && capped.anomalies.count == 50)
    }
}

@Suite struct AllowlistTests {
    @Test func decodesEntriesAndReportsEveryProblemAtOnce() throws {
        let good = """
        allowlist:
          hosts: [{address: 10.0.0.5, reason: backup server}]
          networks: [{cidr: 192.0.2.0/24, reason: authorised scanner}]
          ports: [{port: 123, reason: NTP}]
          pairs: [{src: 10.0.0.6, dst: 203.0.113.9, reason: offsite backup}]
        """
        let list = try ModelsConfig.read(yaml: good, source: "models.yaml").allowlist
        #expect(list.hosts.count == 1 && list.networks.count == 1 && list.ports.count == 1 && list.pairs.count == 1)
        let bad = """
        allowlist:
          hosts: [{address: 10.0.0.300, reason: x}, {address: 10.0.0.7}]
          ports: [{port: 70000, reason: y, proto: udp}]
          networks: [{cidr: 10.0.0.1/8, reason: z}]
          people: []
        """
        do {
            _ = try ModelsConfig.read(yaml: bad, source: "models.yaml")
            Issue.record("expected an error")
        } catch let error as ConfigError {
            let text = error.description
            for part in ["models.yaml:2:21: models.allowlist.hosts[0].address: '10.0.0.300' is not an IPv4 or IPv6 address",
                         "models.yaml:2:45: models.allowlist.hosts[1].reason: give the reason",
                         "models.yaml:3:18: models.allowlist.ports[0].port: '70000' is not a port number",
                         "models.yaml:3:36: unknown key 'proto' in models.allowlist.ports[0]",
                         "models.yaml:4:21: models.allowlist.networks[0].cidr: '10.0.0.1/8': host bits are set; did you mean 10.0.0.0/8?",
                         "models.yaml:5:3: unknown key 'people' in models.allowlist"] {
                #expect(text.contains(part), "missing: \(part) in \(text)")
            }
        }
        // Through the models section in JSON.
        let json = #"{"models": {"allowlist": {"hosts": [{"address": "10.0.0.5", "reason": "backup"}]}}}"#
        #expect(try ModelsConfig.decode(json: Data(json.utf8), source: "x").allowlist.hosts.first?.reason == "backup")
    }

    @Test func allowlistedDetectionsAreMarkedAndNeverRaised() throws {
        let list = try ModelsConfig.read(yaml: """
        allowlist:
          hosts: [{address: 10.0.0.5, reason: backup server}]
          networks: [{cidr: 192.0.2.0/24, reason: authorised scanner}]
          pairs: [{src: 10.0.0.6, dst: 203.0.113.9, reason: offsite backup}]
          ports: [{port: 123, reason: NTP}]
        """, source: "x").allowlist
        let hour: Int64 = 3_600_000
        let rows = [
            AnomalyRecord(kind: "density_outlier", entity: "10.0.0.5", start: 0, end: hour, score: 1, evidence: "", log10P: -5),
            AnomalyRecord(kind: "port_scan", entity: "192.0.2.44", start: 0, end: hour, score: 1, evidence: "", log10P: -50),
            AnomalyRecord(kind: "exfiltration", entity: "203.0.113.9 -> 10.0.0.6", start: 0, end: hour, score: 1, evidence: "",
                          log10P: -6, hosts: ["203.0.113.9", "10.0.0.6"]),
            AnomalyRecord(kind: "beaconing", entity: "10.0.0.8 -> 198.51.100.1", start: 0, end: hour, score: 1, evidence: "",
                          log10P: -20, hosts: ["10.0.0.8", "198.51.100.1"], ports: [123]),
            AnomalyRecord(kind: "port_scan", entity: "198.51.100.77", start: 0, end: hour, score: 1, evidence: "", log10P: -30),
        ]
        let (anomalies, incidents) = IncidentGrouping.group(rows, allowlist: list)
        #expect(anomalies.count == 5)
        #expect(incidents.count == 1 && incidents[0].hosts == ["198.51.100.77"])
        let marks = Dictionary(uniqueKeysWithValues: anomalies.map { ($0.entity, $0.incident) })
        #expect(marks["10.0.0.5"] == "allowlisted:backup server")
        #expect(marks["192.0.2.44"] == "allowlisted:authorised scanner")
        #expect(marks["203.0.113.9 -> 10.0.0.6"] == "allowlisted:offsite backup")
        #expect(marks["10.0.0.8 -> 198.51.100.1"] == "allowlisted:NTP")
        #expect(marks["198.51.100.77"] == incidents[0].id)
    }
}

@Suite struct HostHistoryTests {
    let day: Int64 = 86_400_000, hour: Int64 = 3_600_000

    /// Four training days: 10.0.3.3 backs up 500 MB to 198.51.100.20 at 02:00 every day.
    func history() -> HostHistory {
        var b = TableBuilder()
        for d in 0..<4 {
            for k in 0..<5 { b.add("10.0.3.3", "198.51.100.20", port: 443, start: Int64(d) * day + 2 * hour + Int64(k) * 60_000, bytes: 100_000_000, reverse: 10_000) }
            b.add("10.0.3.3", "198.51.100.21", port: 443, start: Int64(d) * day + 9 * hour, bytes: 5_000)
        }
        for i in 0..<40 { b.add("10.0.3.\(10 + i % 5)", "198.51.100.\(30 + i)", port: 443, start: Int64(i % 4) * day + 10 * hour, bytes: UInt64(1_000 * (i + 1))) }
        return HostHistory.build(b.t, days: 4).history
    }

    @Test func usualPeersAndHoursAreLearnt() {
        let h = history()
        #expect(h.days("10.0.3.3", "198.51.100.20") == 4)
        #expect(h.days("10.0.3.3", "203.0.113.99") == 0)
        #expect(h.usualHour("10.0.3.3", 2) && h.usualHour("10.0.3.3", 9))
        #expect(!h.usualHour("10.0.3.3", 14))
    }

    @Test func aHostsNormalBigTransfersAreNotExfiltrationANewPeerOrHourIs() {
        let h = history()
        let t0 = 10 * day
        var b = TableBuilder()
        // The usual backup: same peer, same hour.
        for k in 0..<5 { b.add("10.0.3.3", "198.51.100.20", port: 443, start: t0 + 2 * hour + Int64(k) * 60_000, bytes: 100_000_000) }
        let usual = HostHistoryKind.exfiltration(b.t, history: h, minimumBytes: 100_000_000)
        #expect(usual.isEmpty)
        #expect(h.usualBehaviour([("10.0.3.3", t0 + 2 * hour, t0 + 3 * hour)], table: b.t) == [true])
        // Same peer at an unusual hour, and a new peer.
        for k in 0..<5 { b.add("10.0.3.3", "198.51.100.20", port: 443, start: t0 + 14 * hour + Int64(k) * 60_000, bytes: 100_000_000) }
        for k in 0..<20 { b.add("10.0.3.3", "203.0.113.99", port: 443, start: t0 + 3 * hour + Int64(k) * 60_000, bytes: 200_000_000) }
        let found = HostHistoryKind.exfiltration(b.t, history: h, minimumBytes: 100_000_000)
        // Both: the new peer, and the usual peer now half at an unusual hour.
        #expect(Set(found.map(\.entity)) == ["10.0.3.3 -> 203.0.113.99", "10.0.3.3 -> 198.51.100.20"])
        let new = found.first { $0.entity.hasSuffix("203.0.113.99") }?.summary ?? ""
        #expect(new == "10.0.3.3 sent 4.0 GB to 203.0.113.99:443 in 19 minutes (03:00–03:19 UTC), a peer it had not used in the 4 training days, mostly at hours it is usually idle", "\(new)")
        let odd = found.first { $0.entity.hasSuffix("198.51.100.20") }?.summary ?? ""
        #expect(odd.contains("a peer it used on 4 of the 4 training days, mostly at hours it is usually idle"), "\(odd)")
        #expect(h.usualBehaviour([("10.0.3.3", t0 + 3 * hour, t0 + 4 * hour), ("10.0.3.3", t0 + 14 * hour, t0 + 15 * hour)], table: b.t) == [false, false])
    }
}
