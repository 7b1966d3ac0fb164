import FlowFeatures

/// One greedy k-means++ seeding (`KMeans.plusPlus`) as steps, so that several seedings can
/// share each pass over the rows (`KMeans.plusPlusLockstep`, `SeededRestart`). Every
/// centre after the first takes `drawCandidates` (serial), a `potentials` pass, `choose`
/// (serial) and an `update` pass (after the last centre only to complete the per-row state
/// for the Lloyd run); the first centre takes one `distancesToFirst` pass. Passes run on blocks of rows of `Parallel.forEachChunk`'s chunks (the blocks of a
/// chunk in increasing order), and every per-chunk sum is carried from block to block in
/// row order, so a seeding's centres and draws do not depend on the other seedings.
///
/// Each row remembers its squared distance to the nearest chosen centre (`closest`) and
/// which centre that is (`owner`, ties to the earlier centre); a candidate at least twice
/// as far from that centre as the row is cannot come closer to the row (triangle
/// inequality), so its distance is not computed. The margin keeps rounding out of it: the
/// sums are exactly those of computing every distance, and `owner` is the row's nearest
/// centre as a full assignment (`KMeans.nearest`) finds it.
///
/// The per-row state lives in a `HamerlyBounds`, in the seeding's own form, so that the
/// restart's Lloyd run takes it over (`LloydRun(seeding:)`) instead of allocating its
/// own: `labels[i]` is the owner, `limits[2i]` the squared distance to it and
/// `limits[2i + 1]` a lower bound on the squared distance to every other chosen centre
/// (the exact distance where it was computed, else the triangle inequality's
/// (|owner − centre| − √closest)², with a margin for rounding). After an `update` pass for
/// the last centre, the owners are the first Lloyd iteration's labels and the two limits
/// squared Hamerly bounds, so that iteration needs no distance (`LloydRun.assignSeeded`).
final class PlusPlusRun: @unchecked Sendable {
    let k: Int
    let d: Int
    private let trials: Int
    private let chunks: Int
    /// The seeding's generator; after `choose` of the last centre it has made every draw.
    private(set) var rng: SeededRandom
    /// k × d centres, the first `chosen` of them set.
    private(set) var centres: [Double]
    private let first: Int
    /// Per row: owner, squared distance to it, lower bound on the squared second nearest.
    let bounds: HamerlyBounds
    /// Per chunk, the sum of `closest` (locates a sampled row without a serial cumulative pass).
    private let chunkPotential: UnsafeMutableBufferPointer<Double>
    /// Per chunk and candidate, the potential the candidate would leave.
    private let partialPots: UnsafeMutableBufferPointer<Double>
    private var candidates: [Int]
    /// Squared distances from each candidate (row) to each chosen centre (column), k wide.
    private var toCentres: [Double]
    /// The centre being chosen, its row once chosen, and its squared distances to the
    /// earlier centres.
    private var current = 0
    private var chosenRow = 0
    private var chosenToCentres: [Double] = []
    /// √`chosenToCentres`, shrunk by a margin for rounding (lower bounds of skipped rows).
    private var chosenReach: [Double] = []
    private let margin = 4 * (1 + 1e-9)

    init(rows: Int, dimensions: Int, k: Int, rng: SeededRandom) {
        self.k = k
        d = dimensions
        trials = KMeans.plusPlusTrials(k)
        chunks = Parallel.chunkCount(rows)
        self.rng = rng
        first = self.rng.below(rows)
        centres = [Double](repeating: 0, count: k * dimensions)
        bounds = HamerlyBounds(rows: rows, clusters: k)
        chunkPotential = .allocate(capacity: chunks)
        chunkPotential.initialize(repeating: 0)
        partialPots = .allocate(capacity: chunks * trials)
        partialPots.initialize(repeating: 0)
        candidates = [Int](repeating: 0, count: trials)
        toCentres = [Double](repeating: 0, count: trials * k)
    }

    deinit {
        chunkPotential.deallocate()
        partialPots.deallocate()
    }

    /// Takes the first centre (a uniform row, drawn in `init`) from `x`.
    func takeFirst(_ x: FeatureMatrix) {
        for j in 0..<d { centres[j] = x.values[first * d + j] }
    }

    /// Pass for the first centre: every row's squared distance to it.
    func distancesToFirst(_ xv: UnsafeBufferPointer<Double>, rows: Range<Int>, chunk: Int) {
        let lim = bounds.limits, ow = bounds.labels, first = first, d = d
        var s = chunkPotential[chunk]
        for i in rows {
            let v = KMeans.squaredDistance(xv, i, xv, first, d)
            lim[2 * i] = v
            lim[2 * i + 1] = .infinity
            ow[i] = 0
            s += v
        }
        chunkPotential[chunk] = s
    }

    /// Draws the candidates for centre `c` with probability proportional to `closest`, and
    /// measures them against the chosen centres; clears the potentials of the next pass.
    func drawCandidates(_ x: FeatureMatrix, centre c: Int) {
        current = c
        var potential = 0.0
        for chunk in 0..<chunks { potential += chunkPotential[chunk] }
        let weights = UnsafeBufferPointer(bounds.limits), sums = UnsafeBufferPointer(chunkPotential)
        for t in 0..<trials { candidates[t] = KMeans.sampleRow(weights, sums, target: rng.unit() * potential, stride: 2) }
        centres.withUnsafeBufferPointer { cv in
            x.values.withUnsafeBufferPointer { xv in
                for t in 0..<trials {
                    for j in 0..<c { toCentres[t * k + j] = KMeans.squaredDistance(xv, candidates[t], cv, j, d) }
                }
            }
        }
        partialPots.update(repeating: 0)
    }

    /// Pass: the potential each candidate would leave (no per-row writes).
    func potentials(_ xv: UnsafeBufferPointer<Double>, rows: Range<Int>, chunk: Int) {
        let trials = trials, k = k, d = d, margin = margin
        let lim = bounds.limits, ow = bounds.labels
        let pots = UnsafeMutableBufferPointer(rebasing: partialPots[(chunk * trials)..<((chunk + 1) * trials)])
        toCentres.withUnsafeBufferPointer { tc in
            candidates.withUnsafeBufferPointer { cand in
                for i in rows {
                    let near = lim[2 * i], o = Int(ow[i])
                    for t in 0..<trials {
                        if tc[t * k + o] > margin * near {
                            pots[t] += near
                        } else {
                            pots[t] += min(near, KMeans.squaredDistance(xv, i, xv, cand[t], d))
                        }
                    }
                }
            }
        }
    }

    /// Takes the candidate leaving the lowest potential (the first on a tie) as the
    /// current centre; returns whether more centres follow (an `update` pass must follow
    /// then; after the last centre only if the per-row state is to be complete, as for
    /// `LloydRun(seeding:)`).
    @discardableResult
    func choose(_ x: FeatureMatrix) -> Bool {
        var pots = [Double](repeating: 0, count: trials)
        for chunk in 0..<chunks { for t in 0..<trials { pots[t] += partialPots[chunk * trials + t] } }
        var bestT = 0
        for t in 1..<trials where pots[t] < pots[bestT] { bestT = t }
        chosenRow = candidates[bestT]
        let c = current
        for j in 0..<d { centres[c * d + j] = x.values[chosenRow * d + j] }
        chosenToCentres = Array(toCentres[(bestT * k)..<(bestT * k + c)])
        chosenReach = chosenToCentres.map { $0.squareRoot() * (1 - 1e-9) }
        chunkPotential.update(repeating: 0)
        return c < k - 1
    }

    /// Pass: only the chosen candidate updates the distances, owners, lower bounds and
    /// chunk sums.
    func update(_ xv: UnsafeBufferPointer<Double>, rows: Range<Int>, chunk: Int) {
        let lim = bounds.limits, ow = bounds.labels, row = chosenRow, c = current, d = d, margin = margin
        var s = chunkPotential[chunk]
        chosenToCentres.withUnsafeBufferPointer { chosen in
            chosenReach.withUnsafeBufferPointer { reach in
                for i in rows {
                    let near = lim[2 * i], o = Int(ow[i])
                    if chosen[o] <= margin * near {
                        let v = KMeans.squaredDistance(xv, i, xv, row, d)
                        if v < near {
                            lim[2 * i] = v
                            ow[i] = Int32(c)
                            lim[2 * i + 1] = min(lim[2 * i + 1], near)
                        } else {
                            lim[2 * i + 1] = min(lim[2 * i + 1], v)
                        }
                    } else {
                        // |x − c| ≥ |o − c| − |x − o| > |x − o| (the row keeps its owner).
                        let gap = max(0, reach[o] - near.squareRoot() * (1 + 1e-9))
                        lim[2 * i + 1] = min(lim[2 * i + 1], gap * gap)
                    }
                    s += lim[2 * i]
                }
            }
        }
        chunkPotential[chunk] = s
    }
}
