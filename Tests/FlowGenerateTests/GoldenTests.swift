import Testing
import FlowCore
@testable import FlowGenerate

/// Pins the output of one small run across processes and builds (Swift's hashed
/// collections are seeded per process, so an in-process comparison alone would not catch
/// an output that depends on their order). Change the expected values only when the
/// traffic model changes on purpose, and say so in the commit.
@Suite("Golden output")
struct GoldenTests {
    static func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        return h
    }

    @Test func smallRunIsPinned() throws {
        let config = GeneratorConfig(rows: 3_000, days: 1, seed: 2026, dirt: DirtRates(total: 0.05), chunkRows: 1_000)
        let (bytes, labels) = try FlowGenerator(config: config).generate(encoder: TestCSVEncoder())
        let labelBytes = try labels.jsonBytes()
        #expect(String(GoldenTests.fnv1a(bytes), radix: 16) == "eade4ad94daf7ad9")
        #expect(String(GoldenTests.fnv1a(labelBytes), radix: 16) == "81043ec02ac573e0")
    }
}
