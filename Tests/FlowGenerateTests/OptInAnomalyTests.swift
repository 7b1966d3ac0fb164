import FlowCore
import Testing
@testable import FlowGenerate

@Suite("Opt-in anomaly kinds (brute force, new service)")
struct OptInAnomalyTests {
    static let config: GeneratorConfig = {
        var c = Fixture.config
        c.extraAnomalies = [.bruteForce, .newService]
        return c
    }()
    static let generator = try? FlowGenerator(config: config)
    static let rows: [Row] = generator.map(collectRows) ?? []

    @Test func bothKindsAreInjectedAndLabelledAfterTheDefaultFour() throws {
        let labels = try #require(Self.generator).generate(encoder: TestCSVEncoder()).labels
        #expect(labels.anomalies.map(\.kind) == ["portscan", "ddos", "exfiltration", "beaconing", "brute_force", "new_service"])
        #expect(labels.parameters.extraAnomalies == ["brute_force", "new_service"])
        for anomaly in labels.anomalies.suffix(2) {
            let label = try #require(TrafficLabel(name: anomaly.kind))
            let rows = Self.rows.filter { $0.label == label }.map(\.record)
            #expect(rows.count == anomaly.rows && rows.count > 0, "\(anomaly.kind)")
            #expect(labels.rowsByLabel[anomaly.kind] == anomaly.rows)
            for r in rows {
                #expect(r.start >= anomaly.window.startMillis && r.end < anomaly.window.endMillis)
                #expect(Set(anomaly.sources).contains(r.srcAddr.description) && Set(anomaly.targets).contains(r.dstAddr.description))
                #expect(r.dstPort == anomaly.dstPort && r.tcpFlags == 0x1B)
                #expect(r.bytes + (r.revBytes ?? 0) <= 30_000)
            }
        }
        let brute = Self.rows.filter { $0.label == .bruteForce }.map(\.record)
        #expect(brute.count == 60 && Set(brute.map(\.srcAddr)).count == 1 && brute.allSatisfy { $0.dstPort == 22 })
        let service = Self.rows.filter { $0.label == .newService }.map(\.record)
        #expect(service.count == 24 && Set(service.map(\.srcAddr)).count == 8 && Set(service.map(\.dstAddr)).count == 1)
        #expect(labels.rowsByLabel.values.reduce(0, +) == Self.config.rows)
    }

    @Test func theDefaultFourAreUnchangedAndTheDefaultMixHasNoOptInKinds() throws {
        let withExtra = try #require(Self.generator).generate(encoder: TestCSVEncoder()).labels
        let plain = try #require(Fixture.generator).generate(encoder: TestCSVEncoder()).labels
        #expect(Array(withExtra.anomalies.prefix(4)) == plain.anomalies)
        #expect(plain.parameters.extraAnomalies == nil && plain.rowsByLabel["brute_force"] == nil)
        #expect(!String(decoding: try plain.jsonBytes(), as: UTF8.self).contains("extra_anomalies"))
    }

    @Test func onlyOptInKindsMayBeInjected() throws {
        #expect(throws: GenerateError.self) { try TrafficLabel.optIn(parsing: "brute_force,portscan") }
        #expect(try TrafficLabel.optIn(parsing: "new_service, brute_force") == [.newService, .bruteForce])
        var c = Fixture.config
        c.extraAnomalies = [.bruteForce]
        c.anomalies = false
        #expect(throws: GenerateError.self) { try c.validate() }
    }
}
