import FlowCore
import FlowGenerate
import Foundation
import Testing
@testable import FlowClean
import FlowTestSupport

/// Clean must find exactly the dirt the generator injected: each dirt kind maps to one
/// rule (or to dedupe), and every clean row comes out.
@Suite struct GeneratedDirtTests {
    static let ruleForKind: [DirtKind: CleanRule] = [
        .futureSkew: .futureSkew, .endBeforeStart: .endBeforeStart, .zeroPackets: .zeroPacketsWithBytes,
        .tinyPackets: .bytesPerPacketTooSmall, .hugePackets: .bytesPerPacketTooLarge,
        .icmpWithPorts: .portsOnPortlessProtocol, .udpWithTCPFlags: .tcpFlagsOnNonTCP,
        .unspecifiedAddress: .unspecifiedAddress,
    ]

    @Test(arguments: [UInt64(7), 11])
    func accountingMatchesInjectedDirt(seed: UInt64) throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let gen = GeneratorConfig(rows: 20_000, days: 3, seed: seed, anomalies: true, dirt: DirtRates(total: 0.2))
        let generator = try FlowGenerator(config: gen)
        var injected: [DirtKind: Int64] = [:]
        var clean: Int64 = 0
        var batches = [FlowBatch(), FlowBatch()]
        var n = 0
        generator.forEachRow { record, label, dirt in
            if let dirt { injected[dirt, default: 0] += 1 } else { clean += 1 }
            var text = label.name
            // Two overlapping-free files: first and second half of the rows.
            text.withUTF8 { batches[n < 12_000 ? 0 : 1].append(record, label: $0) }
            n += 1
        }
        try writeRaw(batches[0], to: tmp.sub("raw") + "/part-00000.arrow")
        try writeRaw(batches[1], to: tmp.path + "/raw/part-00001.arrow")

        var config = CleanConfig()
        config.referenceTimeMillis = gen.endMillis  // cleaned right after collection
        var engine = CleanEngine(config: config, toolVersion: "test")
        engine.spillLimitRows = 7_000  // exercise the spill path too
        let m = try engine.run(inputs: [tmp.path + "/raw"], output: tmp.path + "/flows")
        let totals = m.totals.counts
        #expect(totals.rowsIn == Int64(n))
        #expect(totals.isBalanced)
        #expect(m.inputs.allSatisfy { $0.counts.isBalanced })
        for kind in DirtKind.allCases where kind != .duplicate && kind != .secondExporter {
            #expect(totals.rejects(Self.ruleForKind[kind]!) == injected[kind, default: 0], "\(kind)")
            #expect(injected[kind, default: 0] > 0, "the generator injected no \(kind)")
        }
        #expect(totals.rejects(.invalidValue) == 0)
        #expect(totals.rejects(.durationOverActiveTimeout) == 0)
        #expect(totals.rejects(.packetsWithoutBytes) == 0)
        #expect(totals.duplicates == injected[.duplicate, default: 0] + injected[.secondExporter, default: 0])
        #expect(totals.rowsOut == clean)
        #expect(m.partitions.reduce(0) { $0 + $1.rows } == clean)
        #expect(m.partitions.map(\.date) == ["2026-11-01", "2026-11-02", "2026-11-03"])
        #expect(m.spills > 0)
    }
}
