import Testing
import FlowCore
@testable import FlowGenerate

@Suite("Ordered pipeline and fixtures API")
struct PipelineTests {
    struct Boom: Error {}

    @Test func resultsArriveInOrderFromSeveralThreads() throws {
        var seen: [Int] = []
        try OrderedPipeline.run(count: 200, threads: 3, window: 4, makeScratch: { 0 },
                                produce: { i, calls in calls += 1; return i * i },
                                consume: { i, value in
                                    #expect(value == i * i)
                                    seen.append(i)
                                })
        #expect(seen == Array(0..<200))
    }

    @Test func errorsStopTheRunAndAreRethrown() {
        var consumed = 0
        #expect(throws: Boom.self) {
            try OrderedPipeline.run(count: 100, threads: 2, window: 3, makeScratch: { () },
                                    produce: { i, _ in if i == 7 { throw Boom() }; return i },
                                    consume: { _, _ in consumed += 1 })
        }
        #expect(consumed == 7)
        #expect(throws: Boom.self) {
            try OrderedPipeline.run(count: 100, threads: 2, window: 3, makeScratch: { () },
                                    produce: { i, _ in i },
                                    consume: { i, _ in if i == 5 { throw Boom() } })
        }
    }

    @Test func batchHoldsEveryRowWithItsLabel() throws {
        let generator = try #require(Fixture.generator)
        let batch = generator.makeBatch()
        #expect(batch.count == Fixture.rows.count)
        for i in stride(from: 0, to: batch.count, by: 97) {
            #expect(batch.record(at: i) == Fixture.rows[i].record)
            #expect(batch.label[i] == Fixture.rows[i].label.name)
        }
    }

    @Test func aliasTableFollowsItsWeights() {
        let table = AliasTable(weights: [1, 0, 3, 6])
        var rng = Xoshiro256(seed: 11, stream: 0)
        var counts = [0, 0, 0, 0]
        for _ in 0..<100_000 { counts[table.sample(&rng)] += 1 }
        #expect(counts[1] == 0)
        #expect(abs(counts[0] - 10_000) < 600 && abs(counts[2] - 30_000) < 900 && abs(counts[3] - 60_000) < 900)
        var below = [0, 0, 0]
        for _ in 0..<30_000 { below[rng.below(3)] += 1 }
        #expect(below.allSatisfy { abs($0 - 10_000) < 500 })
    }
}
