import FlowFeatures

/// One bounded Lloyd run (`KMeans.lloyd`) as steps, so that several runs can share each
/// pass over the rows (`KMeans.lockstep`): `beginAssignment` prepares an iteration's
/// assignment, `assign(_:rows:chunk:)` assigns a block of rows of one of
/// `Parallel.forEachChunk`'s chunks (the blocks of a chunk in increasing order, chunks on
/// any core), and `endIteration` reduces the per-chunk deltas in chunk order, moves the
/// centres and decides whether the run has converged. A run reads and writes only its own
/// state, so its result does not depend on which other runs share its passes.
///
/// Assignment uses Hamerly's bounds (`HamerlyBounds`): a row whose bounds prove its
/// nearest centre is not touched at all (neither its features nor its bounds are read or
/// written beyond the test); a row whose label changes moves its features from the old
/// cluster's running sum to the new one's (per-chunk deltas). A pass with
/// `bounds.needsFullPass` computes every distance and rebuilds the sums from zero, except
/// the first pass of a run that took over its seeding's state (`init(seeding:)`), which
/// computes none (`assignSeeded`).
final class LloydRun: LockstepRestart, @unchecked Sendable {
    let k: Int
    let d: Int
    let maxIter: Int
    let tolerance: Double
    let initialCentres: [Double]
    let bounds: HamerlyBounds
    private let chunks: Int
    private var centres: [Double]
    /// Running per-cluster sums and counts of the rows' current labels.
    private var sums: [Double]
    private var counts: [Int]
    private var iterations = 0
    private var strict = false
    private var relocatedLast = false
    /// The run has converged or reached `maxIter`: `result` gives its model.
    private(set) var finished = false
    // One pass's per-chunk deltas of the sums and counts, and rows that changed label.
    private let deltaSums: UnsafeMutableBufferPointer<Double>
    private let deltaCounts: UnsafeMutableBufferPointer<Int>
    private let changedRows: UnsafeMutableBufferPointer<Int>
    // Fixed during a pass: half the distance from each centre to its nearest other
    // centre, the drifts of the bounds and whether every distance is computed.
    private var half: [Double] = []
    private var drift: [Double] = []
    private var maxDrift = 0.0
    private var full = true

    /// A run from `initialCentres` (k × d), whose first pass computes every distance.
    convenience init(rows: Int, dimensions: Int, initialCentres: [Double], maxIter: Int, absoluteTolerance: Double) {
        let k = initialCentres.count / max(dimensions, 1)
        self.init(bounds: HamerlyBounds(rows: rows, clusters: k), dimensions: dimensions, initialCentres: initialCentres,
                  maxIter: maxIter, absoluteTolerance: absoluteTolerance)
    }

    /// A run from a finished seeding's centres that takes over its per-row state: its first
    /// pass must be `assignSeeded`, in the same pass as the seeding's `update` for its last
    /// centre (no update when k = 1).
    convenience init(seeding: PlusPlusRun, maxIter: Int, absoluteTolerance: Double) {
        self.init(bounds: seeding.bounds, dimensions: seeding.d, initialCentres: seeding.centres,
                  maxIter: maxIter, absoluteTolerance: absoluteTolerance)
    }

    private init(bounds: HamerlyBounds, dimensions: Int, initialCentres: [Double], maxIter: Int, absoluteTolerance: Double) {
        d = dimensions
        k = initialCentres.count / max(dimensions, 1)
        self.maxIter = max(1, maxIter)
        tolerance = absoluteTolerance
        self.initialCentres = initialCentres
        centres = initialCentres
        self.bounds = bounds
        chunks = Parallel.chunkCount(bounds.labels.count)
        sums = [Double](repeating: 0, count: k * d)
        counts = [Int](repeating: 0, count: k)
        deltaSums = .allocate(capacity: chunks * k * d)
        deltaCounts = .allocate(capacity: chunks * k)
        changedRows = .allocate(capacity: chunks)
        deltaSums.initialize(repeating: 0)
        deltaCounts.initialize(repeating: 0)
        changedRows.initialize(repeating: 0)
    }

    deinit {
        deltaSums.deallocate()
        deltaCounts.deallocate()
        changedRows.deallocate()
    }

    /// Prepares the next iteration's assignment pass.
    func beginAssignment() {
        half = Self.halfGaps(centres, k: k, d: d)
        drift = bounds.drift
        maxDrift = bounds.maxDrift
        full = bounds.needsFullPass
        if full {
            for t in sums.indices { sums[t] = 0 }
            for c in counts.indices { counts[c] = 0 }
        }
        deltaSums.update(repeating: 0)
        deltaCounts.update(repeating: 0)
        changedRows.update(repeating: 0)
    }

    /// Assigns `rows` (within chunk `chunk`) to their nearest centres. A first sweep reads
    /// only the bounds and lists the rows they do not prove (no branch to mispredict); the
    /// second measures those, in row order, their feature loads no longer waiting on a
    /// mispredicted test each.
    func assign(_ xv: UnsafeBufferPointer<Double>, rows: Range<Int>, chunk: Int) {
        let k = k, d = d
        let half = half, drift = drift, maxDrift = maxDrift, full = full
        let lv = bounds.labels, lim = bounds.limits, ds = deltaSums, dc = deltaCounts
        let sumBase = chunk * k * d
        // The row's upper bound, the bound it must stay under and the rounding margin.
        @inline(__always) func test(_ i: Int, _ a: Int) -> (upper: Double, bound: Double, margin: Double) {
            // Stored bounds are relative to the drift so far.
            let upper = lim[2 * i] + drift[a]
            let bound = max(half[a], lim[2 * i + 1] - maxDrift)
            return (upper, bound, 1e-9 * (abs(upper) + drift[a] + maxDrift))
        }
        var changed = 0
        centres.withUnsafeBufferPointer { cv in
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: rows.count) { picked in
                var count = 0
                for i in rows {
                    picked[count] = Int32(truncatingIfNeeded: i)
                    if full { count &+= 1; continue }
                    let (upper, bound, margin) = test(i, Int(lv[i]))
                    count &+= upper + margin < bound ? 0 : 1
                }
                for p in 0..<count {
                    let i = Int(picked[p])
                    let a = Int(lv[i])
                    var own = 0.0
                    if !full {
                        let (_, bound, margin) = test(i, a)
                        own = KMeans.squaredDistance(xv, i, cv, a, d)
                        let exact = own.squareRoot()
                        lim[2 * i] = exact - drift[a]
                        if exact + margin < bound { continue }
                    }
                    var best = 0, bestD = Double.infinity, second = Double.infinity
                    for c in 0..<k {
                        // The distance to the row's own centre is known (the same computation).
                        let dist = c == a && !full ? own : KMeans.squaredDistance(xv, i, cv, c, d)
                        if dist < bestD { second = bestD; bestD = dist; best = c } else if dist < second { second = dist }
                    }
                    lim[2 * i] = bestD.squareRoot() - drift[best]
                    lim[2 * i + 1] = second.squareRoot() + maxDrift
                    if best != a { changed += 1; lv[i] = Int32(best) } else if !full { continue }
                    Self.add(xv, row: i, to: sumBase + best * d, count: chunk * k + best, ds, dc, d)
                    if !full {
                        let from = sumBase + a * d
                        dc[chunk * k + a] -= 1
                        for j in 0..<d { ds[from + j] -= xv[i * d + j] }
                    }
                }
            }
        }
        changedRows[chunk] += changed
    }

    /// The first assignment of a run made by `init(seeding:)`, for `rows` of chunk `chunk`
    /// after the seeding's `update` for its last centre has run on them: the seeding's
    /// owners are the labels a full pass would give (nearest centre, ties to the lower
    /// index, as `PlusPlusRun` keeps them), its squared distances give the upper bounds and
    /// its squared lower bounds the lower bounds; the sums grow row by row as in a full
    /// pass, so everything after is bit for bit as from a full first pass.
    func assignSeeded(_ xv: UnsafeBufferPointer<Double>, rows: Range<Int>, chunk: Int) {
        precondition(full, "assignSeeded is a run's first assignment")
        let k = k, d = d
        let lv = bounds.labels, lim = bounds.limits, ds = deltaSums, dc = deltaCounts
        let sumBase = chunk * k * d
        for i in rows {
            let a = Int(lv[i])
            lim[2 * i] = lim[2 * i].squareRoot()
            lim[2 * i + 1] = lim[2 * i + 1].squareRoot()
            Self.add(xv, row: i, to: sumBase + a * d, count: chunk * k + a, ds, dc, d)
        }
        // Every row had no label before (as a full first pass counts them).
        changedRows[chunk] += rows.count
    }

    /// Half the distance from each of the k centres to its nearest other centre (a row
    /// nearer than that to its centre needs no other distance).
    private static func halfGaps(_ centres: [Double], k: Int, d: Int) -> [Double] {
        var half = [Double](repeating: .infinity, count: k)
        centres.withUnsafeBufferPointer { cv in
            for a in 0..<k {
                for b in 0..<k where b != a { half[a] = min(half[a], KMeans.squaredDistance(cv, a, cv, b, d).squareRoot() / 2) }
            }
        }
        return half
    }

    /// Adds row `row` to the chunk's delta sums at `to` and counts one at `count`.
    @inline(__always)
    private static func add(_ xv: UnsafeBufferPointer<Double>, row: Int, to: Int, count: Int,
                            _ ds: UnsafeMutableBufferPointer<Double>, _ dc: UnsafeMutableBufferPointer<Int>, _ d: Int) {
        let base = row * d
        dc[count] += 1
        for j in 0..<d { ds[to + j] += xv[base + j] }
    }

    /// `KMeans.assign(x, centres:labels:)` for the final centres (the exact means of the
    /// labels, close to the last iteration's), bit for bit, with the bounds: each row's
    /// distance to its own centre is computed (the inertia sums it), the other centres only
    /// where the bounds, loosened by the move to `centres`, do not prove the label.
    private func finalAssignment(_ x: FeatureMatrix, centres final: [Double], labels: inout [Int32]) -> Double {
        let k = k, d = d
        var drift = bounds.drift, largest = 0.0
        final.withUnsafeBufferPointer { fv in
            centres.withUnsafeBufferPointer { cv in
                for c in 0..<k {
                    let moved = KMeans.squaredDistance(fv, c, cv, c, d).squareRoot()
                    drift[c] += moved
                    largest = max(largest, moved)
                }
            }
        }
        let maxDrift = bounds.maxDrift + largest, ownDrift = drift, half = Self.halfGaps(final, k: k, d: d)
        let lim = UnsafeBufferPointer(bounds.limits)
        return KMeans.assign(x, centres: final, labels: &labels) { xv, i, fv, a in
            let own = KMeans.squaredDistance(xv, i, fv, a, d)
            let exact = own.squareRoot()
            let bound = max(half[a], lim[2 * i + 1] - maxDrift)
            if exact + 1e-9 * (exact + ownDrift[a] + maxDrift) < bound { return (a, own) }
            return KMeans.nearest(xv, i, fv, k, d)
        }
    }

    // The run as a lockstep restart: one assignment pass per iteration.
    func beginPass() { beginAssignment() }

    func pass(_ xv: UnsafeBufferPointer<Double>, rows: Range<Int>, chunk: Int) { assign(xv, rows: rows, chunk: chunk) }

    func endPass(_ x: FeatureMatrix) -> KMeansResult? {
        endIteration(x)
        return finished ? result(x) : nil
    }

    /// Completes the iteration whose assignment pass ran: folds the chunk deltas into the
    /// sums in chunk order, gives empty clusters their farthest rows, moves the centres to
    /// the means and stops on strict convergence (no label changed), on a summed squared
    /// shift of at most the tolerance, or at `maxIter`.
    func endIteration(_ x: FeatureMatrix) {
        for chunk in 0..<chunks {
            for t in 0..<(k * d) { sums[t] += deltaSums[chunk * k * d + t] }
            for c in 0..<k { counts[c] += deltaCounts[chunk * k + c] }
        }
        bounds.needsFullPass = false
        let changed = changedRows.reduce(0, +)
        iterations += 1
        var newCentres = sums
        var newCounts = counts
        relocatedLast = false
        if newCounts.contains(0) {
            // Exact distances to the current centres pick the rows to move.
            KMeans.relocateEmpty(x, centres: centres, labels: UnsafeBufferPointer(bounds.labels),
                                 sums: &newCentres, counts: &newCounts, k: k)
            relocatedLast = true
        }
        var shift = 0.0
        var moved = [Double](repeating: 0, count: k)
        for c in 0..<k {
            if newCounts[c] > 0 {
                for j in 0..<d { newCentres[c * d + j] /= Double(newCounts[c]) }
            } else {
                for j in 0..<d { newCentres[c * d + j] = centres[c * d + j] }
            }
            var m = 0.0
            for j in 0..<d {
                let delta = newCentres[c * d + j] - centres[c * d + j]
                m += delta * delta
            }
            shift += m
            moved[c] = m.squareRoot()
        }
        centres = newCentres
        if relocatedLast {
            // The relocated rows keep their labels but no longer match the sums:
            // the next assignment starts the bounds and sums afresh.
            bounds.reset()
        } else {
            bounds.centresMoved(moved)
        }
        if changed == 0 { strict = true }
        finished = strict || shift <= tolerance || iterations >= maxIter
    }

    /// The fitted model of a finished run: without a relocation in the last iteration the
    /// means of the final labels are recomputed exactly (the running sums carry rounding
    /// from many small updates); without strict convergence the labels are recomputed
    /// from the final centres; the inertia is that of the final centres and labels.
    func result(_ x: FeatureMatrix) -> KMeansResult {
        var labels = bounds.labelArray
        var final = centres
        if !relocatedLast { final = KMeans.exactMeans(x, labels: labels, k: k, fallback: centres) }
        var inertia: Double
        if strict {
            inertia = KMeans.inertiaOf(x, centres: final, labels: labels)
        } else if relocatedLast {
            inertia = KMeans.assign(x, centres: final, labels: &labels)
        } else {
            inertia = finalAssignment(x, centres: final, labels: &labels)
        }
        if inertia.isNaN { inertia = .infinity }
        return KMeansResult(centres: final, k: k, dimensions: d, labels: labels, inertia: inertia,
                            iterations: iterations, initialCentres: initialCentres)
    }
}
