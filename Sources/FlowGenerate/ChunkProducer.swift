import FlowCore

/// Receives the rows of a chunk in file order.
protocol RowSink {
    /// `dirt` is the index of the row's `DirtKind` in `allCases`, or -1 for a clean row.
    mutating func emit(_ record: FlowRecord, label: TrafficLabel, dirt: Int)
}

/// Reusable buffers of one worker: records, labels and sort keys of the current chunk.
struct ChunkScratch {
    var records: [FlowRecord] = []
    var labels: [TrafficLabel] = []
    var keys: [UInt64] = []

    mutating func reset() {
        records.removeAll(keepingCapacity: true)
        labels.removeAll(keepingCapacity: true)
        keys.removeAll(keepingCapacity: true)
    }
}

extension GenerationPlan {
    /// Generates chunk `index` and hands its rows to `sink`, sorted by start (ties in
    /// generation order). Benign rows come from a xoshiro256** stream seeded by (seed,
    /// chunk); anomaly rows are keyed by (seed, kind, row); dirt decisions use a separate
    /// stream, so dirt never changes the clean rows.
    func produce<Sink: RowSink>(chunk index: Int, scratch: inout ChunkScratch, into sink: inout Sink) {
        scratch.reset()
        let chunk = chunks[index]
        let t0 = chunkStartMillis(chunk)
        let t1 = chunkEndMillis(chunk)
        var rng = Xoshiro256(seed: config.seed, stream: UInt64(index) << 2)
        var record = FlowRecord()

        for m in chunk.firstMinute..<chunk.endMinute {
            let n = minuteCounts[m]
            if n == 0 { continue }
            let minuteStart = config.startMillis + Int64(m) * 60_000
            for _ in 0..<n {
                // `make` sets every field, so the record needs no reset.
                benign.make(start: minuteStart + Int64(rng.below(60_000)), into: &record, &rng)
                scratch.records.append(record)
                scratch.labels.append(.benign)
            }
        }
        for a in anomalies {
            var i = a.firstIndex(startingAtOrAfter: t0)
            while i < a.indexCount {
                record = FlowRecord()
                if a.make(i, into: &record) {
                    if record.start >= t1 { break }
                    scratch.records.append(record)
                    scratch.labels.append(a.label)
                }
                i += 1
            }
        }

        // Sort by start: key = start offset in the chunk (< 2^27 ms) << 36 | row index.
        let count = scratch.records.count
        scratch.keys.reserveCapacity(count)
        scratch.records.withUnsafeBufferPointer { recs in
            for k in 0..<count {
                scratch.keys.append(UInt64(recs[k].start - t0) << 36 | UInt64(k))
            }
        }
        scratch.keys.sort()

        let rates = config.dirt.rates
        let dirty = !config.dirt.isZero
        var dirtRNG = Xoshiro256(seed: config.seed, stream: UInt64(index) << 2 | 1)
        let windowEnd = config.endMillis
        let mask: UInt64 = (1 << 36) - 1
        for key in scratch.keys {
            let k = Int(key & mask)
            let r = scratch.records[k]
            let label = scratch.labels[k]
            sink.emit(r, label: label, dirt: -1)
            if dirty && label == .benign, let kind = DirtInjector.kind(for: dirtRNG.unit(), rates: rates) {
                var copy = r
                DirtInjector.apply(kind, to: &copy, windowEnd: windowEnd, &dirtRNG)
                if let g = gap, copy.start >= g.start && copy.start < g.end {
                    // A second-exporter copy shifted into the gap: shift it back before it.
                    let back = copy.start - r.start
                    copy.start -= 2 * back
                    copy.end -= 2 * back
                }
                sink.emit(copy, label: label, dirt: kind)
            }
        }
    }
}

/// Row accounting of one chunk, summed in file order for the trailer and labels file.
struct ChunkStats: Sendable {
    var flows: UInt64 = 0
    var packets: UInt64 = 0
    var bytes: UInt64 = 0
    var firstMillis = Int64.max
    var lastMillis = Int64.min
    var byLabel = [Int](repeating: 0, count: TrafficLabel.allCases.count)
    var byDirt = [Int](repeating: 0, count: DirtKind.allCases.count)

    @inline(__always)
    mutating func count(_ r: FlowRecord, label: TrafficLabel, dirt: Int) {
        flows += 1
        packets &+= r.packets
        bytes &+= r.bytes
        if r.start < firstMillis { firstMillis = r.start }
        if r.end > lastMillis { lastMillis = r.end }
        if dirt >= 0 { byDirt[dirt] += 1 } else { byLabel[Int(label.rawValue)] += 1 }
    }

    mutating func add(_ o: ChunkStats) {
        flows += o.flows
        packets &+= o.packets
        bytes &+= o.bytes
        firstMillis = min(firstMillis, o.firstMillis)
        lastMillis = max(lastMillis, o.lastMillis)
        for i in byLabel.indices { byLabel[i] += o.byLabel[i] }
        for i in byDirt.indices { byDirt[i] += o.byDirt[i] }
    }
}
