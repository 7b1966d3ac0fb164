import FlowCore
import Testing
@testable import FlowGenerate

@Suite("Repeated anomaly episodes (--repeat-anomalies)")
struct RepeatedAnomalyTests {
    static let config: GeneratorConfig = {
        var c = Fixture.config
        c.extraAnomalies = [.bruteForce, .newService]
        c.anomalyRepeats = 5
        return c
    }()
    static let generator = try? FlowGenerator(config: config)
    static let rows: [Row] = generator.map(collectRows) ?? []

    @Test func everyKindComesBackOnOtherDaysWithOtherHostsAndItsRowsAreLabelled() throws {
        let labels = try #require(Self.generator).generate(encoder: TestCSVEncoder()).labels
        #expect(labels.parameters.anomalyRepeats == 5)
        let window = (Self.config.startMillis, Self.config.endMillis)
        for kind in ["portscan", "ddos", "exfiltration", "beaconing", "brute_force", "new_service"] {
            let episodes = labels.anomalies.filter { $0.kind == kind }
            #expect(episodes.count == 6, "\(kind)")
            let days = Set(episodes.map { CivilTime.day(ofMillis: $0.window.startMillis) })
            #expect(days.count >= 2, "\(kind) on \(days.count) days")
            let principals = Set(episodes.map { $0.sources.count == 1 ? $0.sources[0] : $0.targets[0] })
            #expect(principals.count >= 2, "\(kind): hosts \(principals)")
            for e in episodes {
                #expect(e.window.startMillis >= window.0 && e.window.endMillis <= window.1 + 60_000, "\(kind)")
            }
            let label = try #require(TrafficLabel(name: kind))
            let written = Self.rows.filter { $0.label == label }
            #expect(written.count == episodes.reduce(0) { $0 + $1.rows }, "\(kind)")
            #expect(labels.rowsByLabel[kind] == written.count)
            // Each row lies inside one of its kind's episodes, between its hosts.
            for r in written.prefix(2_000) {
                #expect(episodes.contains { e in
                    r.record.start >= e.window.startMillis && r.record.start < e.window.endMillis
                        && e.sources.contains(r.record.srcAddr.description) && e.targets.contains(r.record.dstAddr.description)
                }, "\(kind) row at \(r.record.start)")
            }
        }
        #expect(labels.rowsByLabel.values.reduce(0, +) == Self.config.rows)
        // No row starts inside the coverage gap, repeated beacons included.
        let gap = try #require(labels.coverageGaps.first)
        #expect(!Self.rows.contains { $0.dirt == nil && $0.record.start >= gap.startMillis && $0.record.start < gap.endMillis })
    }

    @Test func withoutRepeatsThePlanAndLabelsAreUnchanged() throws {
        var extra = Fixture.config
        extra.extraAnomalies = [.bruteForce, .newService]
        let plain = try FlowGenerator(config: extra).generate(encoder: TestCSVEncoder())
        let repeated = try #require(Self.generator).generate(encoder: TestCSVEncoder())
        // The first six episodes are the ones planned without repeats.
        #expect(Array(repeated.labels.anomalies.prefix(6)) == plain.labels.anomalies)
        #expect(plain.labels.parameters.anomalyRepeats == nil)
        #expect(!String(decoding: try plain.labels.jsonBytes(), as: UTF8.self).contains("anomaly_repeats"))
        var zero = extra
        zero.anomalyRepeats = 0
        #expect(try FlowGenerator(config: zero).generate(encoder: TestCSVEncoder()).bytes == plain.bytes)
    }

    @Test func repeatsAreCheckedAndNeedAnomalies() throws {
        var c = Fixture.config
        c.anomalyRepeats = -1
        #expect(throws: GenerateError.self) { try c.validate() }
        c.anomalyRepeats = 3
        c.anomalies = false
        #expect(throws: GenerateError.self) { try c.validate() }
    }
}
