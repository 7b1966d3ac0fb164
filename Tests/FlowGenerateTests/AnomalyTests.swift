import Testing
import FlowCore
@testable import FlowGenerate

@Suite("Injected anomalies and the coverage gap")
struct AnomalyTests {
    let config = Fixture.config

    func labels() throws -> GenerationLabels {
        try #require(Fixture.generator).generate(encoder: TestCSVEncoder()).labels
    }

    @Test func everyKindIsLabelledWithinItsWindow() throws {
        let labels = try labels()
        #expect(labels.anomalies.map(\.kind) == ["portscan", "ddos", "exfiltration", "beaconing"])
        for anomaly in labels.anomalies {
            let label = try #require(TrafficLabel(name: anomaly.kind))
            let rows = Fixture.rows.filter { $0.label == label }.map(\.record)
            #expect(rows.count == anomaly.rows, "\(anomaly.kind)")
            #expect(labels.rowsByLabel[anomaly.kind] == anomaly.rows)
            #expect(rows.count > 0)
            let sources = Set(anomaly.sources), targets = Set(anomaly.targets)
            for r in rows {
                #expect(r.start >= anomaly.window.startMillis && r.end < anomaly.window.endMillis)
                #expect(r.start < r.end)
                #expect(sources.contains(r.srcAddr.description) && targets.contains(r.dstAddr.description))
                #expect(r.proto == anomaly.protocolNumber)
                if let port = anomaly.dstPort { #expect(r.dstPort == port) }
            }
            #expect(anomaly.window.start == CivilTime.isoString(millis: anomaly.window.startMillis))
        }
        #expect(labels.rowsByLabel.values.reduce(0, +) == config.rows)
    }

    @Test func portScanIsManySynOnlyProbes() throws {
        let scan = try #require(try labels().anomalies.first { $0.kind == "portscan" })
        let rows = Fixture.rows.filter { $0.label == .portscan }.map(\.record)
        #expect(rows.count == 240)  // 60 000 / 250
        #expect(rows.allSatisfy { $0.tcpFlags == 0x02 && $0.packets == 1 && $0.bytes <= 60 })
        #expect(Set(rows.map(\.dstPort)).count == rows.count)  // every probe a new port
        #expect(scan.sources.count == 1)
        #expect(scan.window.endMillis - scan.window.startMillis == 20 * 60_000)
    }

    @Test func synFloodIsAShortBurstFromManySources() throws {
        let flood = try #require(try labels().anomalies.first { $0.kind == "ddos" })
        let rows = Fixture.rows.filter { $0.label == .ddos }.map(\.record)
        #expect(rows.count == 1_200)
        #expect(Set(rows.map(\.srcAddr)).count == flood.sources.count)
        #expect(flood.sources.count == 1_200 && flood.targets.count == 1)
        #expect(rows.allSatisfy { $0.tcpFlags == 0x02 })
        // The five flood minutes hold far more flows than any benign five minutes.
        let benignPerFiveMinutes = Double(config.rows) / Double(config.days * 288)
        #expect(Double(rows.count) > 10 * benignPerFiveMinutes)
    }

    @Test func exfiltrationIsASteadyNightUpload() throws {
        let rows = Fixture.rows.filter { $0.label == .exfiltration }.map(\.record)
        #expect(rows.count == 60)
        let total = rows.reduce(UInt64(0)) { $0 + $1.bytes }
        #expect(total > 1_000_000_000)  // ~1.4 MB/s for three hours
        for r in rows {
            let hour = (r.start - config.startMillis) % 86_400_000 / 3_600_000
            #expect((1...4).contains(hour))
            let rate = Double(r.bytes) / Double(r.end - r.start)  // bytes per ms
            #expect(rate > 1_300 && rate < 1_500)
        }
        #expect(Set(rows.map(\.srcAddr)).count == 1 && Set(rows.map(\.dstAddr)).count == 1)
    }

    @Test func beaconsArePeriodicAndConstantSize() throws {
        let beacon = try #require(try labels().anomalies.first { $0.kind == "beaconing" })
        let rows = Fixture.rows.filter { $0.label == .beaconing }.map(\.record)
        #expect(beacon.periodSeconds == 60 && beacon.jitterSeconds == 2)
        #expect(Set(rows.map(\.bytes)) == [PlannedAnomaly.beaconBytes])
        #expect(Set(rows.map(\.packets)) == [PlannedAnomaly.beaconPackets])
        var intervals = 0
        for (a, b) in zip(rows, rows.dropFirst()) {
            let gap = b.start - a.start
            if gap > 70_000 { continue }  // beacons lost in the coverage gap
            #expect(gap >= 56_000 && gap <= 64_000)
            intervals += 1
        }
        #expect(intervals > 500)
    }

    @Test func coverageGapHourHasNoRows() throws {
        let labels = try labels()
        let gap = try #require(labels.coverageGaps.first)
        #expect(gap.endMillis - gap.startMillis == 3_600_000)
        #expect(gap.startMillis % 3_600_000 == 0)
        for row in Fixture.rows + Fixture.dirtyRows {
            #expect(row.record.start < gap.startMillis || row.record.start >= gap.endMillis)
        }
        // The beaconing window spans the gap, so some beacons were dropped from it.
        let beacon = try #require(labels.anomalies.first { $0.kind == "beaconing" })
        if beacon.window.startMillis < gap.startMillis && beacon.window.endMillis > gap.endMillis {
            #expect(beacon.rows < config.rows / 100)
        }
        // The hours around the gap have traffic.
        let before = Fixture.rows.filter { $0.record.start >= gap.startMillis - 3_600_000 && $0.record.start < gap.startMillis }
        #expect(!before.isEmpty)
    }

    @Test func noAnomaliesMeansNoGapAndOnlyBenign() throws {
        var c = config
        c.anomalies = false
        c.rows = 5_000
        let generated = try FlowGenerator(config: c).generate(encoder: TestCSVEncoder())
        #expect(generated.labels.anomalies.isEmpty && generated.labels.coverageGaps.isEmpty)
        #expect(generated.labels.rowsByLabel["benign"] == 5_000)
    }

    @Test func largeRunsReachThousandsOfScannedPorts() throws {
        // Planning alone (no rows generated) shows the size of a million-row run.
        let plan = try GenerationPlan(config: GeneratorConfig(rows: 1_000_000, days: 7, seed: 5))
        let scan = try #require(plan.anomalies.first { $0.label == .portscan })
        #expect(scan.injected == 4_000 && scan.targets.count == 4)
        let flood = try #require(plan.anomalies.first { $0.label == .ddos })
        #expect(flood.injected == 20_000 && flood.sources.count == 4_096)
        #expect(plan.benignRows + plan.anomalies.reduce(0) { $0 + $1.injected } == 1_000_000)
        #expect(plan.minuteCounts.reduce(0, +) == plan.benignRows)
    }
}
