import FlowFeatures

extension KMeans {
    /// Rows of one block of a lockstep pass: about 256 KiB of features, so the block stays
    /// in the core's cache while every active run reads it.
    static func lockstepBlockRows(columns: Int) -> Int { max(64, 32_768 / max(columns, 1)) }

    /// One pass over the rows in cache-sized blocks: both cores take chunks of
    /// `Parallel.forEachChunk` (fixed chunk count), and `body(features, rows, chunk)` sees
    /// the blocks of a chunk in increasing row order.
    static func forEachBlock(_ x: FeatureMatrix, _ body: (UnsafeBufferPointer<Double>, Range<Int>, Int) -> Void) {
        let block = lockstepBlockRows(columns: x.columns)
        x.values.withUnsafeBufferPointer { xv in
            Parallel.forEachChunk(count: x.rows) { chunk, range in
                var lo = range.lowerBound
                while lo < range.upperBound {
                    let hi = min(lo + block, range.upperBound)
                    body(xv, lo..<hi, chunk)
                    lo = hi
                }
            }
        }
    }

    /// Runs `count` bounded Lloyd runs, at most `slots` at a time, in lockstep: each
    /// iteration makes one pass over the rows (`forEachBlock`) in which every active run
    /// assigns a block before the next block is read, so the features come from memory
    /// once per pass for all active runs instead of once per run. Run `r` starts from the
    /// centres `start(r)` (called in increasing `r` when a slot is free) and its model goes
    /// to `finish(r, model)` once it has converged; its slot then takes the next run. Each
    /// run's model is bit for bit the one `lloyd` gives for it alone (`LloydRun` keeps each
    /// run's state and row order apart). Memory: the bounds of `slots` runs, 20 bytes a row each.
    static func lockstep(_ x: FeatureMatrix, count: Int, slots: Int, maxIter: Int, absoluteTolerance: Double,
                         start: (Int) -> [Double], finish: (Int, KMeansResult) -> Void) {
        var active: [(index: Int, run: LloydRun)] = []
        var next = 0
        while true {
            while active.count < max(1, slots) && next < count {
                let run = LloydRun(rows: x.rows, dimensions: x.columns, initialCentres: start(next), maxIter: maxIter,
                                   absoluteTolerance: absoluteTolerance)
                active.append((next, run))
                next += 1
            }
            if active.isEmpty { return }
            let runs = active.map(\.run)
            for run in runs { run.beginAssignment() }
            forEachBlock(x) { xv, rows, chunk in
                for run in runs { run.assign(xv, rows: rows, chunk: chunk) }
            }
            var still: [(index: Int, run: LloydRun)] = []
            for entry in active {
                entry.run.endIteration(x)
                if entry.run.finished { finish(entry.index, entry.run.result(x)) } else { still.append(entry) }
            }
            active = still
        }
    }

    /// Greedy k-means++ seedings from each of `generators`, in lockstep: every pass over the
    /// rows (`forEachBlock`) serves all the seedings, block by block. Each seeding's centres
    /// and generator afterwards are bit for bit those of `plusPlus` alone (`PlusPlusRun`).
    /// Memory: 12 bytes a row per seeding.
    static func plusPlusLockstep(_ x: FeatureMatrix, k: Int, generators: [SeededRandom]) -> [(centres: [Double], rng: SeededRandom)] {
        let runs = generators.map { PlusPlusRun(rows: x.rows, dimensions: x.columns, k: k, rng: $0) }
        for run in runs { run.takeFirst(x) }
        forEachBlock(x) { xv, rows, chunk in
            for run in runs { run.distancesToFirst(xv, rows: rows, chunk: chunk) }
        }
        for c in 1..<max(k, 1) {
            for run in runs { run.drawCandidates(x, centre: c) }
            forEachBlock(x) { xv, rows, chunk in
                for run in runs { run.potentials(xv, rows: rows, chunk: chunk) }
            }
            var more = false
            for run in runs { more = run.choose(x) }
            if !more { break }
            forEachBlock(x) { xv, rows, chunk in
                for run in runs { run.update(xv, rows: rows, chunk: chunk) }
            }
        }
        return runs.map { ($0.centres, $0.rng) }
    }
}
