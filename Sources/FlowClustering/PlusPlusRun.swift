import FlowFeatures

/// One greedy k-means++ seeding (`KMeans.plusPlus`) as steps, so that several seedings can
/// share each pass over the rows (`KMeans.plusPlusLockstep`). Every centre after the first
/// takes `drawCandidates` (serial), a `potentials` pass, `choose` (serial) and, unless it
/// is the last centre, an `update` pass; the first centre takes one `distancesToFirst`
/// pass. Passes run on blocks of rows of `Parallel.forEachChunk`'s chunks (the blocks of a
/// chunk in increasing order), and every per-chunk sum is carried from block to block in
/// row order, so a seeding's centres and draws do not depend on the other seedings.
///
/// Each row remembers its squared distance to the nearest chosen centre (`closest`) and
/// which centre that is (`owner`); a candidate at least twice as far from that centre as
/// the row is cannot come closer to the row (triangle inequality), so its distance is not
/// computed. The margin keeps rounding out of it: the sums are exactly those of computing
/// every distance.
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
    private let closest: UnsafeMutableBufferPointer<Double>
    private let owner: UnsafeMutableBufferPointer<Int32>
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
    private let margin = 4 * (1 + 1e-9)

    init(rows: Int, dimensions: Int, k: Int, rng: SeededRandom) {
        self.k = k
        d = dimensions
        trials = KMeans.plusPlusTrials(k)
        chunks = Parallel.chunkCount(rows)
        self.rng = rng
        first = self.rng.below(rows)
        centres = [Double](repeating: 0, count: k * dimensions)
        closest = .allocate(capacity: rows)
        closest.initialize(repeating: 0)
        owner = .allocate(capacity: rows)
        owner.initialize(repeating: 0)
        chunkPotential = .allocate(capacity: chunks)
        chunkPotential.initialize(repeating: 0)
        partialPots = .allocate(capacity: chunks * trials)
        partialPots.initialize(repeating: 0)
        candidates = [Int](repeating: 0, count: trials)
        toCentres = [Double](repeating: 0, count: trials * k)
    }

    deinit {
        closest.deallocate()
        owner.deallocate()
        chunkPotential.deallocate()
        partialPots.deallocate()
    }

    /// Takes the first centre (a uniform row, drawn in `init`) from `x`.
    func takeFirst(_ x: FeatureMatrix) {
        for j in 0..<d { centres[j] = x.values[first * d + j] }
    }

    /// Pass for the first centre: every row's squared distance to it.
    func distancesToFirst(_ xv: UnsafeBufferPointer<Double>, rows: Range<Int>, chunk: Int) {
        let cl = closest, first = first, d = d
        var s = chunkPotential[chunk]
        for i in rows { cl[i] = KMeans.squaredDistance(xv, i, xv, first, d); s += cl[i] }
        chunkPotential[chunk] = s
    }

    /// Draws the candidates for centre `c` with probability proportional to `closest`, and
    /// measures them against the chosen centres; clears the potentials of the next pass.
    func drawCandidates(_ x: FeatureMatrix, centre c: Int) {
        current = c
        var potential = 0.0
        for chunk in 0..<chunks { potential += chunkPotential[chunk] }
        let weights = UnsafeBufferPointer(closest), sums = UnsafeBufferPointer(chunkPotential)
        for t in 0..<trials { candidates[t] = KMeans.sampleRow(weights, sums, target: rng.unit() * potential) }
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
        let cl = closest, ow = owner
        let pots = UnsafeMutableBufferPointer(rebasing: partialPots[(chunk * trials)..<((chunk + 1) * trials)])
        toCentres.withUnsafeBufferPointer { tc in
            candidates.withUnsafeBufferPointer { cand in
                for i in rows {
                    let near = cl[i], o = Int(ow[i])
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
    /// current centre; returns whether an `update` pass must follow (not after the last).
    func choose(_ x: FeatureMatrix) -> Bool {
        var pots = [Double](repeating: 0, count: trials)
        for chunk in 0..<chunks { for t in 0..<trials { pots[t] += partialPots[chunk * trials + t] } }
        var bestT = 0
        for t in 1..<trials where pots[t] < pots[bestT] { bestT = t }
        chosenRow = candidates[bestT]
        let c = current
        for j in 0..<d { centres[c * d + j] = x.values[chosenRow * d + j] }
        if c == k - 1 { return false }
        chosenToCentres = Array(toCentres[(bestT * k)..<(bestT * k + c)])
        chunkPotential.update(repeating: 0)
        return true
    }

    /// Pass: only the chosen candidate updates the distances and chunk sums.
    func update(_ xv: UnsafeBufferPointer<Double>, rows: Range<Int>, chunk: Int) {
        let cl = closest, ow = owner, row = chosenRow, c = current, d = d, margin = margin
        var s = chunkPotential[chunk]
        chosenToCentres.withUnsafeBufferPointer { chosen in
            for i in rows {
                let near = cl[i]
                if chosen[Int(ow[i])] <= margin * near {
                    let v = KMeans.squaredDistance(xv, i, xv, row, d)
                    if v < near { cl[i] = v; ow[i] = Int32(c) }
                }
                s += cl[i]
            }
        }
        chunkPotential[chunk] = s
    }
}
