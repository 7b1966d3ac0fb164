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
/// Assignment runs on all cores; per-chunk sums are reduced in chunk order over a fixed
/// number of chunks, so results are the same bit for bit on any number of cores.
public enum KMeans {
    /// Fits with `parameters.nInit` k-means++ restarts; the lowest inertia wins (the
    /// earliest restart on a tie). Each restart draws from its own stretch of the seed's
    /// random sequence (`restartGenerators`), and the restarts, each its seeding then its
    /// Lloyd run (`SeededRestart`), share their passes over the rows (`lockstep`; up to
    /// `lockstepSlots` at a time), so the result is the one running them one after the
    /// other gives, on any number of cores.
    public static func fit(_ x: FeatureMatrix, parameters p: KMeansParameters) throws -> KMeansResult {
        try check(x, k: p.k)
        let tolerance = p.tol * meanVariance(x)
        let generators = restartGenerators(seed: p.seed, restarts: max(1, p.nInit), k: p.k)
        let slots = lockstepSlots(restarts: generators.count, columns: x.columns)
        var best: (index: Int, inertia: Double, result: KMeansResult)?
        lockstep(x, count: generators.count, slots: slots) { r in
            SeededRestart(x, k: p.k, rng: generators[r], maxIter: p.maxIter, absoluteTolerance: tolerance)
        } finish: { r, result in
            if let b = best, !beats(restart: r, inertia: result.inertia, best: (b.index, b.inertia)) { return }
            best = (r, result.inertia, result)
        }
        return best!.result
    }

    /// Whether restart `restart` with `inertia` replaces the best so far: a lower inertia,
    /// or the same from an earlier restart (restarts finish in any order in lockstep, and
    /// the result must be the one running them in turn gives).
    static func beats(restart: Int, inertia: Double, best: (index: Int, inertia: Double)) -> Bool {
        inertia < best.inertia || (inertia == best.inertia && restart < best.index)
    }

    /// Bytes of per-row fitting state `fit` may hold per matrix value: the allowance
    /// floe-train's memory plan counts for it (`TrainingMemory.bytesPerMatrixValue` less
    /// the matrix copies).
    static let stateBytesPerValue = 8

    /// Restarts `fit` keeps in lockstep: as many as the state allowance holds (20 bytes a
    /// row each for the one `HamerlyBounds` a restart's seeding fills and its Lloyd run
    /// takes over, 8 for the labels of the best and of a finishing run), at least two (what
    /// running two restarts side by side took before) and at most the restarts.
    static func lockstepSlots(restarts: Int, columns: Int) -> Int {
        return min(restarts, max(2, (stateBytesPerValue * columns - 8) / 20))
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
        let seeded = plusPlusLockstep(x, k: k, generators: [rng])[0]
        rng = seeded.rng
        return seeded.centres
    }

    /// The first row whose running sum of `weights` reaches `target` (numpy's
    /// `searchsorted` on the cumulative sum), found through the per-chunk sums of
    /// `Parallel.forEachChunk`'s chunks; the last row with positive weight when rounding
    /// leaves `target` past the total. Row i's weight is `weights[i × stride]`.
    static func sampleRow(_ weights: UnsafeBufferPointer<Double>, _ chunkSums: UnsafeBufferPointer<Double>, target: Double,
                          stride step: Int = 1) -> Int {
        let n = weights.count / step, chunks = chunkSums.count
        var running = 0.0
        var lastPositive = 0
        for chunk in 0..<chunks {
            let lo = n * chunk / chunks, hi = n * (chunk + 1) / chunks
            if chunkSums[chunk] > 0 { lastPositive = chunk }
            if running + chunkSums[chunk] < target && chunk < chunks - 1 { running += chunkSums[chunk]; continue }
            for i in lo..<hi {
                running += weights[i * step]
                if running >= target && weights[i * step] > 0 { return i }
            }
        }
        // Rounding: the target lies past the summed weights; take the last row with weight.
        let lo = n * lastPositive / chunks, hi = n * (lastPositive + 1) / chunks
        for i in stride(from: hi - 1, through: lo, by: -1) where weights[i * step] > 0 { return i }
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
        var model: KMeansResult?
        lockstep(x, count: 1, slots: 1, maxIter: maxIter, absoluteTolerance: tolerance) { _ in initialCentres } finish: { _, result in
            model = result
        }
        return model!
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
    /// `_relocate_empty_clusters_dense`: the farthest row to the first empty cluster, the
    /// next to the second, ties to the lower row), moving that row out of its old cluster's
    /// sums. One pass over the rows keeps the few farthest in a short sorted list: no
    /// per-row array, so relocating holds nothing beyond the fitting state.
    static func relocateEmpty(_ x: FeatureMatrix, centres: [Double], labels: UnsafeBufferPointer<Int32>,
                              sums: inout [Double], counts: inout [Int], k: Int) {
        let empty = (0..<k).filter { counts[$0] == 0 }
        if empty.isEmpty { return }
        let d = x.columns
        let wanted = min(empty.count, x.rows)
        // The `wanted` farthest rows, farthest first (rows are visited in increasing
        // order, so an equal distance never displaces an earlier row).
        var far: [(distance: Double, row: Int)] = []
        far.reserveCapacity(wanted + 1)
        x.values.withUnsafeBufferPointer { xv in
            centres.withUnsafeBufferPointer { cv in
                for i in 0..<x.rows {
                    let distance = squaredDistance(xv, i, cv, Int(labels[i]), d)
                    if far.count == wanted, !(distance > far[wanted - 1].distance) { continue }
                    var at = far.count
                    while at > 0 && distance > far[at - 1].distance { at -= 1 }
                    far.insert((distance, i), at: at)
                    if far.count > wanted { far.removeLast() }
                }
            }
        }
        for (slot, cluster) in empty.enumerated() where slot < far.count {
            let row = far[slot].row
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
        let d = x.columns
        let k = centres.count / max(d, 1)
        return assign(x, centres: centres, labels: &labels) { xv, i, cv, _ in nearest(xv, i, cv, k, d) }
    }

    /// Gives row i the label and squared distance `nearestOf(features, i, centres, label)`
    /// returns (`label` the row's current one, 0 when `labels` had another length); returns
    /// the inertia, per-chunk sums in row order reduced in chunk order.
    @inline(__always)
    static func assign(_ x: FeatureMatrix, centres: [Double], labels: inout [Int32],
                       nearestOf: (UnsafeBufferPointer<Double>, Int, UnsafeBufferPointer<Double>, Int) -> (Int, Double)) -> Double {
        let n = x.rows
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
                                let (c, dist) = nearestOf(xv, i, cv, Int(lv[i]))
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
