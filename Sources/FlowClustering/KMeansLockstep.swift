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

    /// Runs `count` runs (`start(r)`, called in increasing `r` when a slot is free), at
    /// most `slots` at a time, in lockstep: each step makes one pass over the rows
    /// (`forEachBlock`) in which every active run handles a block before the next block is
    /// read, so the features come from memory once per pass for all active runs instead of
    /// once per run. A run's model goes to `finish(r, model)` when its `endPass` gives one;
    /// its slot then takes the next run. Each run reads and writes only its own state, so
    /// its model does not depend on the runs that share its passes.
    static func lockstep(_ x: FeatureMatrix, count: Int, slots: Int, start: (Int) -> any LockstepRestart,
                         finish: (Int, KMeansResult) -> Void) {
        var active: [(index: Int, run: any LockstepRestart)] = []
        var next = 0
        while true {
            while active.count < max(1, slots) && next < count {
                active.append((next, start(next)))
                next += 1
            }
            if active.isEmpty { return }
            let runs = active.map(\.run)
            for run in runs { run.beginPass() }
            forEachBlock(x) { xv, rows, chunk in
                for run in runs { run.pass(xv, rows: rows, chunk: chunk) }
            }
            var still: [(index: Int, run: any LockstepRestart)] = []
            for entry in active {
                if let model = entry.run.endPass(x) { finish(entry.index, model) } else { still.append(entry) }
            }
            active = still
        }
    }

    /// Bounded Lloyd runs from given centres in lockstep (`lockstep(_:count:slots:start:finish:)`):
    /// run `r` starts from `start(r)`; each run's model is bit for bit the one `lloyd`
    /// gives for it alone. Memory: the bounds of `slots` runs, 20 bytes a row each.
    static func lockstep(_ x: FeatureMatrix, count: Int, slots: Int, maxIter: Int, absoluteTolerance: Double,
                         start: (Int) -> [Double], finish: (Int, KMeansResult) -> Void) {
        lockstep(x, count: count, slots: slots, start: { r in
            LloydRun(rows: x.rows, dimensions: x.columns, initialCentres: start(r), maxIter: maxIter,
                     absoluteTolerance: absoluteTolerance)
        }, finish: finish)
    }

    /// Greedy k-means++ seedings from each of `generators`, in lockstep: every pass over the
    /// rows (`forEachBlock`) serves all the seedings, block by block. Each seeding's centres
    /// and generator afterwards are bit for bit those of `plusPlus` alone (`PlusPlusRun`).
    /// Memory: 20 bytes a row per seeding. (`fit` seeds each restart inside its
    /// `SeededRestart` instead, which hands the seeding's state to its Lloyd run.)
    static func plusPlusLockstep(_ x: FeatureMatrix, k: Int, generators: [SeededRandom]) -> [(centres: [Double], rng: SeededRandom)] {
        seedings(x, k: k, generators: generators, complete: false).map { ($0.centres, $0.rng) }
    }

    /// The seedings of `plusPlusLockstep`; with `complete`, the rows' state is also updated
    /// for the last centre (what `LloydRun(seeding:)` takes over; one pass more).
    static func seedings(_ x: FeatureMatrix, k: Int, generators: [SeededRandom], complete: Bool) -> [PlusPlusRun] {
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
            if !more && !complete { break }
            forEachBlock(x) { xv, rows, chunk in
                for run in runs { run.update(xv, rows: rows, chunk: chunk) }
            }
        }
        return runs
    }
}
