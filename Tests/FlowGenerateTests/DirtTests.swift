import Testing
import FlowCore
@testable import FlowGenerate

@Suite("Dirt injection")
struct DirtTests {
    let config = Fixture.dirtyConfig

    @Test func countsPerKindMatchTheLabelsFile() throws {
        let labels = try #require(Fixture.dirtyGenerator).generate(encoder: TestCSVEncoder()).labels
        var counts: [String: Int] = [:]
        for row in Fixture.dirtyRows { if let d = row.dirt { counts[d.rawValue, default: 0] += 1 } }
        for kind in DirtKind.allCases {
            #expect(labels.dirt[kind.rawValue] == (counts[kind.rawValue] ?? 0), "\(kind)")
            #expect((counts[kind.rawValue] ?? 0) > 100, "\(kind)")  // 0.5 % of ~57 000 benign rows
        }
        #expect(labels.rowsDirty == counts.values.reduce(0, +))
        #expect(labels.rowsClean == config.rows)
        #expect(labels.rowsWritten == Fixture.dirtyRows.count)
    }

    @Test func cleanRowsAreUnchangedByDirt() {
        let clean = Fixture.dirtyRows.filter { $0.dirt == nil }
        #expect(clean.count == Fixture.rows.count)
        #expect(zip(clean, Fixture.rows).allSatisfy { $0.record == $1.record && $0.label == $1.label })
    }

    @Test func eachDirtyRowBreaksExactlyItsRule() {
        var previous: FlowRecord?
        for row in Fixture.dirtyRows {
            defer { previous = row.record }
            guard let kind = row.dirt else {
                #expect(brokenRule(row.record, windowEnd: config.endMillis) == nil)
                continue
            }
            let original = previous ?? FlowRecord()
            #expect(row.label == .benign)
            switch kind {
            case .duplicate:
                #expect(row.record == original)
            case .secondExporter:
                #expect(row.record.exporter == AddressPlan.secondExporter)
                let shift = abs(row.record.start - original.start)
                #expect(shift >= 1 && shift <= 80 && row.record.end - row.record.start == original.end - original.start)
                var same = row.record
                same.exporter = original.exporter
                same.start = original.start
                same.end = original.end
                #expect(same == original)
            default:
                #expect(brokenRule(row.record, windowEnd: config.endMillis) == kind, "\(kind) \(row.record)")
            }
        }
    }

    @Test func exactDuplicatesFoundEqualTheRecordedCount() {
        // What a cleaner's exact-duplicate pass sees: identical adjacent rows.
        var found = 0
        for (a, b) in zip(Fixture.dirtyRows, Fixture.dirtyRows.dropFirst()) where a.record == b.record { found += 1 }
        let recorded = Fixture.dirtyRows.filter { $0.dirt == .duplicate }.count
        #expect(found == recorded)
    }

    @Test func perKindRateOnlyInjectsThatKind() throws {
        var c = GeneratorConfig(rows: 5_000, days: 1, seed: 9, anomalies: false, chunkRows: 1_000)
        try c.dirt.apply("future_skew=0.1")
        let rows = collectRows(try FlowGenerator(config: c))
        let dirty = rows.filter { $0.dirt != nil }
        #expect(dirty.allSatisfy { $0.dirt == .futureSkew && $0.record.start > c.endMillis })
        #expect(dirty.count > 350 && dirty.count < 650)
    }
}
