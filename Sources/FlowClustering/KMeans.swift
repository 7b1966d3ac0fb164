import Dispatch
import FlowFeatures
import Foundation
/// Parameters of k-means (names and meanings as scikit-learn's `KMeans`).
public struct KMeansParameters: Sendable, Codable, Equatable {
    public var k: Int
    /// Independent runs from different k-means++ seeds; the lowest inertia wins.
    public var nInit: Int
    public var maxIter: Int
    /// Relative tolerance: a run stops when the summed squared centre shift of one
    /// iteration is at most `tol × mean per-column variance` (scikit-learn semantics).
    public var tol: Double
    public var seed: UInt64

    public init(k: Int, nInit: Int = 4, maxIter: Int = 300, tol: Double = 1e-4, seed: UInt64 = 0) {
        self.k = k
        self.nInit = nInit
        self.maxIter = maxIter
        self.tol = tol
        self.seed = seed
    }

    enum CodingKeys: String, CodingKey {
        case k, seed, tol
        case nInit = "n_init"
        case maxIter = "max_iter"
    }
}

/// A fitted k-means model and its training run.
public struct KMeansResult: Sendable, Equatable {
    /// k × d centres, row-major.
    public var centres: [Double]
    public var k: Int
    public var dimensions: Int
    /// Cluster of every training row.
    public var labels: [Int32]
    /// Sum of squared distances of the rows to their centres.
    public var inertia: Double
    /// Lloyd iterations of the winning run.
    public var iterations: Int
    /// The k-means++ centres the winning run started from.
    public var initialCentres: [Double]
}

/// Lloyd's k-means with greedy k-means++ initialisation, `n_init` restarts, tolerance on
/// the centre shift and empty-cluster relocation, following scikit-learn's `lloyd`
/// algorithm step for step:
/// - each iteration assigns every row to its nearest centre (ties to the lower index) and
///   moves each centre to the mean of its rows;
/// - a cluster left empty takes the row farthest from its current centre (largest first),
///   which is removed from its old cluster's sums;
/// - the run stops when no label changed (strict convergence) or when the summed squared
///   centre shift is at most `tol × mean(var(X))`; without strict convergence labels are
///   recomputed from the final centres, and the inertia is that of final centres/labels.
/// Assignment runs on all cores; per-chunk sums are reduced in chunk order, so results
/// are deterministic for a given machine's core count up to float summation order.
public enum KMeans {
    /// Fits with `parameters.nInit` k-means++ restarts; the lowest inertia wins (the
    /// earliest restart on a tie). Restarts run side by side, one per core, each drawing
    /// from its own stretch of the seed's random sequence (`restartGenerators`), so the
    /// result is the one running them one after the other gives, on any number of cores.
    public static func fit(_ x: FeatureMatrix, parameters p: KMeansParameters) throws -> KMeansResult {
        try check(x, k: p.k)
        let tolerance = p.tol * meanVariance(x)
        let generators = restartGenerators(seed: p.seed, restarts: max(1, p.nInit), k: p.k)
        return bestRestart(count: generators.count) { r in
            var rng = generators[r]
            let initial = plusPlus(x, k: p.k, rng: &rng)
            return lloyd(x, initialCentres: initial, maxIter: p.maxIter, absoluteTolerance: tolerance)
        }
    }

    /// Random draws one k-means++ seeding takes: the first centre, then `plusPlusTrials(k)`
    /// candidates for each of the other k − 1.
    static func plusPlusDraws(k: Int) -> Int { 1 + max(0, k - 1) * plusPlusTrials(k) }

    /// Candidates drawn per centre by greedy k-means++: 2 + ⌊ln k⌋, as scikit-learn.
    static func plusPlusTrials(_ k: Int) -> Int { 2 + Int(log(Double(max(k, 1)))) }

    /// The generator each restart seeds from: restart r starts where restart r − 1's
    /// seeding stopped drawing, as when the restarts share one generator in turn.
    static func restartGenerators(seed: UInt64, restarts: Int, k: Int) -> [SeededRandom] {
        var rng = SeededRandom(seed: seed)
        var generators: [SeededRandom] = []
        for _ in 0..<restarts {
            generators.append(rng)
            for _ in 0..<plusPlusDraws(k: k) { _ = rng.next() }
        }
        return generators
    }

    /// Runs restarts 0..<count, up to one per core at a time (each also spreads its own
    /// passes over the cores), and returns the lowest inertia, the lowest restart index
    /// among equal ones. Only each worker's best result is kept, so memory holds at most
    /// two results per core whatever the count.
    static func bestRestart(count: Int, _ run: (Int) -> KMeansResult) -> KMeansResult {
        let workers = min(count, max(1, ProcessInfo.processInfo.activeProcessorCount))
        if workers == 1 {
            var best: (index: Int, result: KMeansResult)?
            for r in 0..<count {
                let result = run(r)
                if best == nil || result.inertia < best!.result.inertia { best = (r, result) }
            }
            return best!.result
        }
        let queue = RestartQueue()
        var bests = [(index: Int, result: KMeansResult)?](repeating: nil, count: workers)
        withoutActuallyEscaping(run) { escapable in
            let shared = UncheckedBox(escapable)
            bests.withUnsafeMutableBufferPointer { slots in
                let slotsBox = UncheckedBox(slots)
                DispatchQueue.concurrentPerform(iterations: workers) { w in
                    while case let r = queue.take(), r < count {
                        let result = shared.value(r)
                        // Restarts reach a worker in increasing order: strictly lower wins.
                        if slotsBox.value[w] == nil || result.inertia < slotsBox.value[w]!.result.inertia {
                            slotsBox.value[w] = (r, result)
                        }
                    }
                }
            }
        }
        let found = bests.compactMap { $0 }
        return found.min { $0.result.inertia < $1.result.inertia || ($0.result.inertia == $1.result.inertia && $0.index < $1.index) }!.result
    }

    static func check(_ x: FeatureMatrix, k: Int) throws {
        guard k >= 1 else { throw FlowModelsError.invalidParameter(name: "k", value: "\(k)", reason: "must be at least 1") }
        guard x.rows >= k else {
            throw FlowModelsError.notEnoughData(detail: "k-means with k=\(k) needs at least \(k) rows, the features have \(x.rows)")
        }
    }

    /// Timings of `fit`'s parts (for the benchmark): seconds in k-means++, seconds in
    /// Lloyd and Lloyd iterations, summed over the restarts (run one after the other).
    public static func profile(_ x: FeatureMatrix, parameters p: KMeansParameters) throws -> (plusPlus: Double, lloyd: Double, iterations: Int) {
        try check(x, k: p.k)
        let tolerance = p.tol * meanVariance(x)
        var times = (0.0, 0.0, 0)
        for var rng in restartGenerators(seed: p.seed, restarts: max(1, p.nInit), k: p.k) {
            let t0 = DispatchTime.now().uptimeNanoseconds
            let initial = plusPlus(x, k: p.k, rng: &rng)
            let t1 = DispatchTime.now().uptimeNanoseconds
            let run = lloyd(x, initialCentres: initial, maxIter: p.maxIter, absoluteTolerance: tolerance)
            let t2 = DispatchTime.now().uptimeNanoseconds
            times.0 += Double(t1 - t0) / 1e9
            times.1 += Double(t2 - t1) / 1e9
            times.2 += run.iterations
        }
        return times
    }

    /// Greedy k-means++ (as scikit-learn's `_kmeans_plusplus`): the first centre is a
    /// uniform row; each next centre is the best, by resulting potential, of
    /// 2 + ⌊ln k⌋ candidates drawn with probability proportional to squared distance.
    public static func plusPlus(_ x: FeatureMatrix, k: Int, seed: UInt64) -> [Double] {
        var rng = SeededRandom(seed: seed)
        return plusPlus(x, k: k, rng: &rng)
    }

    static func plusPlus(_ x: FeatureMatrix, k: Int, rng: inout SeededRandom) -> [Double] {
        let n = x.rows, d = x.columns
        var centres = [Double](repeating: 0, count: k * d)
        let first = rng.below(n)
        for j in 0..<d { centres[j] = x.values[first * d + j] }
        let chunks = Parallel.chunkCount(n)
        // Each row's squared distance to its nearest chosen centre, and per chunk their sum
        // (the chunk sums locate a sampled row without a serial cumulative pass).
        var closest = [Double](repeating: 0, count: n)
        var chunkPotential = [Double](repeating: 0, count: chunks)
        x.values.withUnsafeBufferPointer { xv in
            closest.withUnsafeMutableBufferPointer { c in
                chunkPotential.withUnsafeMutableBufferPointer { cp in
                    Parallel.forEachChunk(count: n) { chunk, range in
                        var s = 0.0
                        for i in range { c[i] = squaredDistance(xv, i, xv, first, d); s += c[i] }
                        cp[chunk] = s
                    }
                }
            }
        }
        var potential = chunkPotential.reduce(0, +)
        let trials = plusPlusTrials(k)
        var partialPots = [Double](repeating: 0, count: chunks * trials)
        var candidates = [Int](repeating: 0, count: trials)
        // Which chosen centre each row is nearest to, and squared distances from the
        // candidates to the chosen centres: a row whose centre is at least twice as far from
        // a candidate as from the row cannot get closer to that candidate (triangle
        // inequality), so its distance is not computed. The margin keeps rounding out of it:
        // the sums are exactly those of computing every distance.
        var owner = [Int32](repeating: 0, count: n)
        var toCentres = [Double](repeating: 0, count: trials * k)
        let margin = 4 * (1 + 1e-9)
        for c in 1..<max(k, 1) {
            for t in 0..<trials { candidates[t] = sampleRow(closest, chunkPotential, target: rng.unit() * potential) }
            centres.withUnsafeBufferPointer { cv in
                x.values.withUnsafeBufferPointer { xv in
                    for t in 0..<trials {
                        for j in 0..<c { toCentres[t * k + j] = squaredDistance(xv, candidates[t], cv, j, d) }
                    }
                }
            }
            // Pass 1: the potential each candidate would leave (no per-row writes).
            x.values.withUnsafeBufferPointer { xv in
                closest.withUnsafeBufferPointer { cl in
                    owner.withUnsafeBufferPointer { ow in
                        toCentres.withUnsafeBufferPointer { tc in
                            partialPots.withUnsafeMutableBufferPointer { pp in
                                candidates.withUnsafeBufferPointer { cand in
                                    Parallel.forEachChunk(count: n) { chunk, range in
                                        let pots = UnsafeMutableBufferPointer(rebasing: pp[(chunk * trials)..<((chunk + 1) * trials)])
                                        for t in 0..<trials { pots[t] = 0 }
                                        for i in range {
                                            let near = cl[i], o = Int(ow[i])
                                            for t in 0..<trials {
                                                if tc[t * k + o] > margin * near {
                                                    pots[t] += near
                                                } else {
                                                    pots[t] += min(near, squaredDistance(xv, i, xv, cand[t], d))
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            var pots = [Double](repeating: 0, count: trials)
            for chunk in 0..<chunks { for t in 0..<trials { pots[t] += partialPots[chunk * trials + t] } }
            var bestT = 0
            for t in 1..<trials where pots[t] < pots[bestT] { bestT = t }
            let row = candidates[bestT]
            for j in 0..<d { centres[c * d + j] = x.values[row * d + j] }
            if c == k - 1 { break }
            let chosen = Array(toCentres[(bestT * k)..<(bestT * k + c)])
            // Pass 2: only the chosen candidate updates the distances and chunk sums.
            x.values.withUnsafeBufferPointer { xv in
                closest.withUnsafeMutableBufferPointer { cl in
                    owner.withUnsafeMutableBufferPointer { ow in
                        chunkPotential.withUnsafeMutableBufferPointer { cp in
                            Parallel.forEachChunk(count: n) { chunk, range in
                                var s = 0.0
                                for i in range {
                                    let near = cl[i]
                                    if chosen[Int(ow[i])] <= margin * near {
                                        let v = squaredDistance(xv, i, xv, row, d)
                                        if v < near { cl[i] = v; ow[i] = Int32(c) }
                                    }
                                    s += cl[i]
                                }
                                cp[chunk] = s
                            }
                        }
                    }
                }
            }
            potential = chunkPotential.reduce(0, +)
        }
        return centres
    }

    /// The first row whose running sum of `weights` reaches `target` (numpy's
    /// `searchsorted` on the cumulative sum), found through the per-chunk sums of
    /// `Parallel.forEachChunk`'s chunks; the last row with positive weight when rounding
    /// leaves `target` past the total.
    static func sampleRow(_ weights: [Double], _ chunkSums: [Double], target: Double) -> Int {
        let n = weights.count, chunks = chunkSums.count
        var running = 0.0
        var lastPositive = 0
        for chunk in 0..<chunks {
            let lo = n * chunk / chunks, hi = n * (chunk + 1) / chunks
            if chunkSums[chunk] > 0 { lastPositive = chunk }
            if running + chunkSums[chunk] < target && chunk < chunks - 1 { running += chunkSums[chunk]; continue }
            for i in lo..<hi {
                running += weights[i]
                if running >= target && weights[i] > 0 { return i }
            }
        }
        // Rounding: the target lies past the summed weights; take the last row with weight.
        let lo = n * lastPositive / chunks, hi = n * (lastPositive + 1) / chunks
        for i in stride(from: hi - 1, through: lo, by: -1) where weights[i] > 0 { return i }
        return n - 1
    }

    /// One Lloyd run from `initialCentres` (k × d). The assignment step uses Hamerly's
    /// bounds (an upper bound on each row's distance to its centre, a lower bound on the
    /// second nearest) to skip rows whose centre cannot have changed; a row is skipped
    /// only when the bounds prove its nearest centre strictly, so labels are those of
    /// plain Lloyd (ties still go to the lower index).
    public static func lloyd(_ x: FeatureMatrix, initialCentres: [Double], maxIter: Int, tol: Double) -> KMeansResult {
        lloyd(x, initialCentres: initialCentres, maxIter: maxIter, absoluteTolerance: tol * meanVariance(x))
    }

    static func lloyd(_ x: FeatureMatrix, initialCentres: [Double], maxIter: Int, absoluteTolerance tolerance: Double) -> KMeansResult {
        let n = x.rows, d = x.columns
        let k = initialCentres.count / max(d, 1)
        var centres = initialCentres
        var bounds = HamerlyBounds(rows: n, clusters: k)
        // Running per-cluster sums and counts of the rows' current labels.
        var sums = [Double](repeating: 0, count: k * d)
        var counts = [Int](repeating: 0, count: k)
        var strict = false
        var iterations = 0
        var relocatedLast = false
        for iteration in 0..<max(1, maxIter) {
            iterations = iteration + 1
            let changed = boundedAssign(x, centres: centres, k: k, bounds: &bounds, sums: &sums, counts: &counts)
            var newCentres = sums
            var newCounts = counts
            relocatedLast = false
            if newCounts.contains(0) {
                // Exact distances to the current centres are needed to pick the rows to move.
                let distances = exactDistances(x, centres: centres, labels: bounds.labels)
                relocateEmpty(x, centres: centres, labels: bounds.labels, distances: distances,
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
            if changed == 0 {
                strict = true
                break
            }
            if shift <= tolerance { break }
        }
        if !relocatedLast {
            // The running sums carry rounding from many small updates: recompute the means
            // of the final labels exactly, as one full pass.
            centres = exactMeans(x, labels: bounds.labels, k: k, fallback: centres)
        }
        var labels = bounds.labels
        var inertia: Double
        if strict {
            inertia = inertiaOf(x, centres: centres, labels: labels)
        } else {
            inertia = assign(x, centres: centres, labels: &labels)
        }
        if inertia.isNaN { inertia = .infinity }
        return KMeansResult(centres: centres, k: k, dimensions: d, labels: labels, inertia: inertia,
                            iterations: iterations, initialCentres: initialCentres)
    }

    /// Means of the rows of each label (per-chunk sums reduced in chunk order); a cluster
    /// without rows keeps its `fallback` centre.
    static func exactMeans(_ x: FeatureMatrix, labels: [Int32], k: Int, fallback: [Double]) -> [Double] {
        let n = x.rows, d = x.columns
        let chunks = Parallel.chunkCount(n)
        var partialSums = [Double](repeating: 0, count: chunks * k * d)
        var partialCounts = [Int](repeating: 0, count: chunks * k)
        x.values.withUnsafeBufferPointer { xv in
            labels.withUnsafeBufferPointer { lv in
                partialSums.withUnsafeMutableBufferPointer { ps in
                    partialCounts.withUnsafeMutableBufferPointer { pc in
                        Parallel.forEachChunk(count: n) { chunk, range in
                            let sumBase = chunk * k * d
                            for i in range {
                                let a = Int(lv[i])
                                pc[chunk * k + a] += 1
                                let row = i * d, base = sumBase + a * d
                                for j in 0..<d { ps[base + j] += xv[row + j] }
                            }
                        }
                    }
                }
            }
        }
        var centres = fallback
        for c in 0..<k {
            var count = 0
            var sum = [Double](repeating: 0, count: d)
            for chunk in 0..<chunks {
                count += partialCounts[chunk * k + c]
                for j in 0..<d { sum[j] += partialSums[(chunk * k + c) * d + j] }
            }
            if count > 0 { for j in 0..<d { centres[c * d + j] = sum[j] / Double(count) } }
        }
        return centres
    }

    /// Assignment with Hamerly bounds on all cores (every distance when
    /// `bounds.needsFullPass`, which also rebuilds `sums`/`counts`). A row whose bounds prove its nearest
    /// centre is not touched at all (neither its features nor its bounds are read or
    /// written beyond the test); a row whose label changes moves its features from the
    /// old cluster's running sum to the new one's (per-chunk deltas, reduced in chunk
    /// order). Returns how many rows changed label.
    static func boundedAssign(_ x: FeatureMatrix, centres: [Double], k: Int, bounds: inout HamerlyBounds,
                              sums: inout [Double], counts: inout [Int]) -> Int {
        let n = x.rows, d = x.columns
        // Half the distance from each centre to its nearest other centre.
        var half = [Double](repeating: .infinity, count: k)
        centres.withUnsafeBufferPointer { cv in
            for a in 0..<k {
                for b in 0..<k where b != a { half[a] = min(half[a], squaredDistance(cv, a, cv, b, d).squareRoot() / 2) }
            }
        }
        let chunks = Parallel.chunkCount(n)
        var deltaSums = [Double](repeating: 0, count: chunks * k * d)
        var deltaCounts = [Int](repeating: 0, count: chunks * k)
        var partialChanged = [Int](repeating: 0, count: chunks)
        let drift = bounds.drift, maxDrift = bounds.maxDrift
        let full = bounds.needsFullPass
        if full {
            for t in sums.indices { sums[t] = 0 }
            for c in counts.indices { counts[c] = 0 }
        }
        x.values.withUnsafeBufferPointer { xv in
            centres.withUnsafeBufferPointer { cv in
                bounds.labels.withUnsafeMutableBufferPointer { lv in
                    bounds.limits.withUnsafeMutableBufferPointer { lim in
                        deltaSums.withUnsafeMutableBufferPointer { ds in
                            deltaCounts.withUnsafeMutableBufferPointer { dc in
                                partialChanged.withUnsafeMutableBufferPointer { changedSlots in
                                    Parallel.forEachChunk(count: n) { chunk, range in
                                        let sumBase = chunk * k * d
                                        var changed = 0
                                        for i in range {
                                            let a = Int(lv[i])
                                            if !full {
                                                // Stored bounds are relative to the drift so far.
                                                let upper = lim[2 * i] + drift[a]
                                                let bound = max(half[a], lim[2 * i + 1] - maxDrift)
                                                let margin = 1e-9 * (abs(upper) + drift[a] + maxDrift)
                                                if upper + margin < bound { continue }
                                                let exact = squaredDistance(xv, i, cv, a, d).squareRoot()
                                                lim[2 * i] = exact - drift[a]
                                                if exact + margin < bound { continue }
                                            }
                                            var best = 0, bestD = Double.infinity, second = Double.infinity
                                            for c in 0..<k {
                                                let dist = squaredDistance(xv, i, cv, c, d)
                                                if dist < bestD { second = bestD; bestD = dist; best = c } else if dist < second { second = dist }
                                            }
                                            lim[2 * i] = bestD.squareRoot() - drift[best]
                                            lim[2 * i + 1] = second.squareRoot() + maxDrift
                                            if best != a { changed += 1; lv[i] = Int32(best) } else if !full { continue }
                                            let row = i * d
                                            let to = sumBase + best * d
                                            dc[chunk * k + best] += 1
                                            for j in 0..<d { ds[to + j] += xv[row + j] }
                                            if !full {
                                                let from = sumBase + a * d
                                                dc[chunk * k + a] -= 1
                                                for j in 0..<d { ds[from + j] -= xv[row + j] }
                                            }
                                        }
                                        changedSlots[chunk] = changed
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        for chunk in 0..<chunks {
            for t in 0..<(k * d) { sums[t] += deltaSums[chunk * k * d + t] }
            for c in 0..<k { counts[c] += deltaCounts[chunk * k + c] }
        }
        bounds.needsFullPass = false
        return partialChanged.reduce(0, +)
    }

    /// Squared distance of every row to the centre of its label.
    static func exactDistances(_ x: FeatureMatrix, centres: [Double], labels: [Int32]) -> [Double] {
        var out = [Double](repeating: 0, count: x.rows)
        let d = x.columns
        x.values.withUnsafeBufferPointer { xv in
            centres.withUnsafeBufferPointer { cv in
                for i in 0..<x.rows { out[i] = squaredDistance(xv, i, cv, Int(labels[i]), d) }
            }
        }
        return out
    }

    /// Mean over columns of the population variance (scikit-learn's `_tolerance`), in two
    /// row-major passes (means, then squared deviations).
    static func meanVariance(_ x: FeatureMatrix) -> Double {
        let n = x.rows, d = x.columns
        guard n > 0, d > 0 else { return 0 }
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { mean[j] += x.values[i * d + j] } }
        for j in 0..<d { mean[j] /= Double(n) }
        var ss = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { let v = x.values[i * d + j] - mean[j]; ss[j] += v * v } }
        return ss.reduce(0, +) / Double(n) / Double(d)
    }

    /// Squared Euclidean distance between row `i` of `a` and row `j` of `b` (width `d`),
    /// with four partial sums so the additions overlap.
    @inline(__always)
    static func squaredDistance(_ a: UnsafeBufferPointer<Double>, _ i: Int, _ b: UnsafeBufferPointer<Double>, _ j: Int, _ d: Int) -> Double {
        // Offsets in wrapping arithmetic: row and column indices are within the buffers,
        // and overflow checks in this innermost loop cost a fifth of the assignment.
        let pa = a.baseAddress! + i &* d, pb = b.baseAddress! + j &* d
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var t = 0
        while t &+ 4 <= d {
            let v0 = pa[t] - pb[t], v1 = pa[t &+ 1] - pb[t &+ 1]
            let v2 = pa[t &+ 2] - pb[t &+ 2], v3 = pa[t &+ 3] - pb[t &+ 3]
            s0 += v0 * v0; s1 += v1 * v1; s2 += v2 * v2; s3 += v3 * v3
            t &+= 4
        }
        while t < d {
            let v = pa[t] - pb[t]
            s0 += v * v
            t &+= 1
        }
        return (s0 + s1) + (s2 + s3)
    }

    /// Nearest centre (ties to the lower index) and its squared distance.
    @inline(__always)
    static func nearest(_ xv: UnsafeBufferPointer<Double>, _ i: Int, _ cv: UnsafeBufferPointer<Double>, _ k: Int, _ d: Int) -> (Int, Double) {
        var best = 0
        var bestDistance = Double.infinity
        for c in 0..<k {
            let dist = squaredDistance(xv, i, cv, c, d)
            if dist < bestDistance { bestDistance = dist; best = c }
        }
        return (best, bestDistance)
    }

    /// Gives each empty cluster the row farthest from its centre (scikit-learn's
    /// `_relocate_empty_clusters_dense`), moving that row out of its old cluster's sums.
    static func relocateEmpty(_ x: FeatureMatrix, centres: [Double], labels: [Int32], distances: [Double],
                              sums: inout [Double], counts: inout [Int], k: Int) {
        let empty = (0..<k).filter { counts[$0] == 0 }
        if empty.isEmpty { return }
        let d = x.columns
        let far = (0..<x.rows).sorted { distances[$0] > distances[$1] || (distances[$0] == distances[$1] && $0 < $1) }
        for (slot, cluster) in empty.enumerated() where slot < far.count {
            let row = far[slot]
            let old = Int(labels[row])
            for j in 0..<d {
                sums[old * d + j] -= x.values[row * d + j]
                sums[cluster * d + j] = x.values[row * d + j]
            }
            counts[old] -= 1
            counts[cluster] = 1
        }
    }

    /// Assigns every row to its nearest centre; returns the inertia.
    @discardableResult
    public static func assign(_ x: FeatureMatrix, centres: [Double], labels: inout [Int32]) -> Double {
        let n = x.rows, d = x.columns
        let k = centres.count / max(d, 1)
        if labels.count != n { labels = [Int32](repeating: 0, count: n) }
        let chunks = Parallel.chunkCount(n)
        var partial = [Double](repeating: 0, count: chunks)
        x.values.withUnsafeBufferPointer { xv in
            centres.withUnsafeBufferPointer { cv in
                labels.withUnsafeMutableBufferPointer { lv in
                    partial.withUnsafeMutableBufferPointer { pv in
                        Parallel.forEachChunk(count: n) { chunk, range in
                            var s = 0.0
                            for i in range {
                                let (c, dist) = nearest(xv, i, cv, k, d)
                                lv[i] = Int32(c)
                                s += dist
                            }
                            pv[chunk] = s
                        }
                    }
                }
            }
        }
        return partial.reduce(0, +)
    }

    /// Distance (not squared) of every row to its nearest centre, with the centre index.
    public static func nearestCentres(_ x: FeatureMatrix, centres: [Double]) -> (labels: [Int32], distances: [Double]) {
        let n = x.rows, d = x.columns
        let k = centres.count / max(d, 1)
        var labels = [Int32](repeating: 0, count: n)
        var distances = [Double](repeating: 0, count: n)
        x.values.withUnsafeBufferPointer { xv in
            centres.withUnsafeBufferPointer { cv in
                labels.withUnsafeMutableBufferPointer { lv in
                    distances.withUnsafeMutableBufferPointer { dv in
                        Parallel.forEachChunk(count: n) { _, range in
                            for i in range {
                                let (c, dist) = nearest(xv, i, cv, k, d)
                                lv[i] = Int32(c)
                                dv[i] = dist.squareRoot()
                            }
                        }
                    }
                }
            }
        }
        return (labels, distances)
    }

    static func inertiaOf(_ x: FeatureMatrix, centres: [Double], labels: [Int32]) -> Double {
        let d = x.columns
        var s = 0.0
        x.values.withUnsafeBufferPointer { xv in
            centres.withUnsafeBufferPointer { cv in
                for i in 0..<x.rows { s += squaredDistance(xv, i, cv, Int(labels[i]), d) }
            }
        }
        return s
    }
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Hands out restart indices 0, 1, 2, … to the workers of `KMeans.bestRestart`.
private final class RestartQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0

    func take() -> Int {
        lock.lock()
        defer { lock.unlock() }
        next += 1
        return next - 1
    }
}
