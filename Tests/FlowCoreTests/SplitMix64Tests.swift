import FlowRandom
import Testing

@Suite struct SplitMix64Tests {
    /// The reference sequence of SplitMix64 for seed 1234567 (Steele, Lea, Flood; the
    /// values every implementation checks against).
    @Test func knownAnswers() {
        var g = SplitMix64(seed: 1_234_567)
        let expected: [UInt64] = [6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423,
                                  4_593_380_528_125_082_431, 16_408_922_859_458_223_821]
        #expect((0..<5).map { _ in g.next() } == expected)
        #expect(SplitMix64.scramble(1_234_567) == expected[0])
        var h = SplitMix64(seed: 42)
        let first = h.next()
        #expect(SplitMix64.mix(42 &+ SplitMix64.increment) == first)
    }
}
