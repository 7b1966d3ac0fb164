import Testing
@testable import FlowCore

/// The builder must produce exactly the batch that row-by-row `FlowBatch.append` does,
/// whatever the null pattern, the capacity (drains on and off byte and word boundaries) and
/// whether the target batch already holds rows.
@Suite struct FlowBatchBuilderTests {
    @Test(arguments: NullPattern.all)
    func drainedRowsMatchReference(pattern: NullPattern) {
        for capacity in [1, 7, 8, 63, 64, 65, 130] {
            var rng = SplitMix(state: 7)
            let builder = FlowBatchBuilder(capacity: capacity)
            var ref = ReferenceBatch()
            var appended = FlowBatch()
            var drained = FlowBatch()
            let rows = 3 * capacity + 5
            for row in 0..<rows {
                FlowBatchEquivalenceTests.nextRow(row, pattern, &rng, into: &ref) { r, label in
                    appended.append(r, label: label)
                    builder.append(r, label: label)
                }
                // Drain into a batch that already holds rows (not only into empty ones).
                if builder.isFull { builder.drain(into: &drained) }
            }
            builder.drain(into: &drained)
            #expect(builder.isEmpty)
            #expect(ref.mismatch(drained) == nil, "\(pattern.name), capacity \(capacity)")
            #expect(drained == appended, "\(pattern.name), capacity \(capacity)")
        }
    }

    @Test func drainIntoEmptyBatchThenReuse() {
        var rng = SplitMix(state: 11)
        let builder = FlowBatchBuilder(capacity: 100)
        let pattern = NullPattern.all[2]
        for round in 0..<3 {
            var ref = ReferenceBatch()
            for row in 0..<(37 + round * 20) {
                FlowBatchEquivalenceTests.nextRow(row, pattern, &rng, into: &ref) { builder.append($0, label: $1) }
            }
            var batch = FlowBatch()
            builder.drain(into: &batch)
            // Bits of the previous round must not leak into this one.
            #expect(ref.mismatch(batch) == nil, "round \(round)")
        }
    }

    @Test func bulkValidityAppendMatchesBitByBit() {
        var rng = SplitMix(state: 3)
        for prefix in [0, 3, 8, 13] {
            for n in [1, 8, 9, 64, 65, 200] {
                for p in [0.0, 0.3, 1.0] {
                    var words = [UInt64](repeating: 0, count: (n + 63) / 64 + 1)
                    var valid = 0
                    var bulk = ValidityBitmap(), single = ValidityBitmap()
                    for i in 0..<prefix { let v = i % 3 != 0; bulk.append(v); single.append(v) }
                    for i in 0..<n where !rng.chance(p) {
                        words[i / 64] |= 1 << UInt64(i % 64)
                        valid += 1
                    }
                    words[n / 64] |= 1 << UInt64(n % 64)  // row n is past `count`: ignored
                    for i in 0..<n { single.append(words[i / 64] >> UInt64(i % 64) & 1 == 1) }
                    words.withUnsafeBufferPointer { bulk.append(words: $0, count: n, valid: valid) }
                    #expect(bulk == single && bulk.bytes == single.bytes && bulk.nullCount == single.nullCount,
                            "prefix \(prefix), \(n) rows, p \(p)")
                }
            }
        }
    }
}

extension FlowBatchBuilderTests {
    /// Binary readers append a whole chunk's records without draining: the builder grows
    /// and keeps every row and bit.
    @Test(arguments: [NullPattern.all[2], NullPattern.all[5]])
    func growsPastItsCapacity(pattern: NullPattern) {
        var rng = SplitMix(state: 5)
        let builder = FlowBatchBuilder(capacity: 3)
        var ref = ReferenceBatch()
        for row in 0..<517 {
            let r = FlowBatchEquivalenceTests.record(row: row, pattern: pattern, &rng)
            ref.append(r, label: nil)
            builder.append(r)
        }
        #expect(builder.capacity >= 517)
        var batch = FlowBatch()
        builder.drain(into: &batch)
        #expect(ref.mismatch(batch) == nil, "\(pattern.name)")
    }
}
