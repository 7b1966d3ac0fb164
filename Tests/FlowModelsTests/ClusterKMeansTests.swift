import Foundation
import Testing
@testable import FlowClustering
@testable import FlowDetection
@testable import FlowFeatures
@testable import FlowModels

/// Three well separated 2-D blobs of `perBlob` points each, deterministic.
func blobs(perBlob: Int = 100, seed: UInt64 = 3) -> FeatureMatrix {
    var rng = SeededRandom(seed: seed)
    let centres: [(Double, Double)] = [(0, 0), (10, 0), (0, 10)]
    var values: [Double] = []
    for c in centres {
        for _ in 0..<perBlob {
            values.append(c.0 + rng.unit() - 0.5)
            values.append(c.1 + rng.unit() - 0.5)
        }
    }
    return FeatureMatrix(rows: 3 * perBlob, columns: 2, values: values, names: ["a", "b"])
}

@Suite struct ClusterKMeansTests {
    @Test func recoversThreeBlobs() throws {
        let x = blobs()
        let r = try KMeans.fit(x, parameters: KMeansParameters(k: 3, nInit: 3, maxIter: 100, tol: 1e-6, seed: 1))
        // Every blob maps to one cluster and the three clusters differ.
        let first = (0..<3).map { r.labels[$0 * 100] }
        #expect(Set(first).count == 3)
        for b in 0..<3 { #expect((0..<100).allSatisfy { r.labels[b * 100 + $0] == first[b] }) }
        // Inertia of uniform noise in a unit square is about n/6 per point pair of axes.
        #expect(r.inertia < 300 * 0.25)
    }

    @Test func sameSeedSameResult() throws {
        let x = blobs()
        let p = KMeansParameters(k: 4, nInit: 2, maxIter: 50, tol: 1e-4, seed: 9)
        let a = try KMeans.fit(x, parameters: p), b = try KMeans.fit(x, parameters: p)
        #expect(a.centres == b.centres)
        #expect(a.labels == b.labels)
    }

    @Test func lloydFromGivenCentresMatchesManualMeans() {
        let x = FeatureMatrix(rows: 4, columns: 1, values: [0, 1, 10, 11], names: ["v"])
        let r = KMeans.lloyd(x, initialCentres: [0, 1], maxIter: 10, tol: 0)
        #expect(r.centres == [0.5, 10.5])
        #expect(r.labels == [0, 0, 1, 1])
        #expect(abs(r.inertia - 1.0) < 1e-12)
    }

    @Test func boundedLloydGivesPlainLloydLabels() {
        // Overlapping clusters need many iterations: the bounds must never skip a change.
        var rng = SeededRandom(seed: 31)
        let n = 3_000, d = 3, k = 7
        let values = (0..<(n * d)).map { _ in rng.unit() * 4 + (rng.unit() < 0.5 ? 0 : 2) }
        let x = FeatureMatrix(rows: n, columns: d, values: values, names: ["a", "b", "c"])
        let initial = KMeans.plusPlus(x, k: k, seed: 8)
        let fast = KMeans.lloyd(x, initialCentres: initial, maxIter: 500, tol: 0)
        let (centres, labels) = plainLloyd(x, k: k, initialCentres: initial, maxIter: 500)
        #expect(fast.iterations > 5)
        #expect(fast.labels == labels)
        for t in 0..<(k * d) { #expect(abs(fast.centres[t] - centres[t]) < 1e-9) }
    }

    @Test func emptyClusterTakesFarthestPoint() {
        // The third centre is far from every point: it starts empty and must be relocated.
        let x = FeatureMatrix(rows: 4, columns: 1, values: [0, 1, 10, 11], names: ["v"])
        let r = KMeans.lloyd(x, initialCentres: [0, 10, 1000], maxIter: 10, tol: 0)
        #expect(Set(r.labels).count == 3)
        #expect(!r.centres.contains(1000))
    }

    @Test func miniBatchFindsBlobs() throws {
        let x = blobs(perBlob: 300)
        let r = try MiniBatchKMeans.fit(x, parameters: KMeansParameters(k: 3, nInit: 3, seed: 5),
                                        options: MiniBatchOptions(enabled: true, batchSize: 64, maxSteps: 200))
        #expect(Set(r.labels).count == 3)
        #expect(r.inertia < 900 * 0.3)
    }

    @Test func autoKPicksThreeBySilhouette() throws {
        let x = blobs()
        let p = KMeansParameters(k: 2, nInit: 2, maxIter: 100, tol: 1e-6, seed: 2)
        let chosen = try KSelection.choose(x, range: 2...6, parameters: p, sampleSize: 200) { try KMeans.fit($0, parameters: $1) }
        #expect(chosen.best.k == 3)
        #expect(chosen.curve.map(\.k) == [2, 3, 4, 5, 6])
        // The elbow curve falls with k.
        #expect(chosen.curve[0].inertia > chosen.curve[1].inertia)
        #expect(chosen.curve[1].silhouette > 0.8)
    }

    @Test func tooFewRowsIsAnError() {
        let x = FeatureMatrix(rows: 2, columns: 1, values: [0, 1], names: ["v"])
        #expect(throws: FlowModelsError.self) { try KMeans.fit(x, parameters: KMeansParameters(k: 3)) }
    }
}

/// The bounded Lloyd run on heavy-tailed data over several chunks (so both cores and the
/// per-chunk sum deltas are used) gives plain Lloyd's labels and centres.
@Suite struct ClusterKMeansBoundsTests {
    @Test func boundedLloydOnHeavyTailedRowsGivesPlainLloydResult() {
        var rng = SeededRandom(seed: 77)
        let n = 40_000, d = 4, k = 8
        // Log-normal-ish columns with a few extreme rows, as scaled flow features look.
        let values = (0..<(n * d)).map { _ in exp(2 * (rng.unit() + rng.unit() + rng.unit() - 1.5)) }
        let x = FeatureMatrix(rows: n, columns: d, values: values, names: ["a", "b", "c", "e"])
        let initial = KMeans.plusPlus(x, k: k, seed: 4)
        let fast = KMeans.lloyd(x, initialCentres: initial, maxIter: 300, tol: 0)
        let (centres, labels) = plainLloyd(x, k: k, initialCentres: initial, maxIter: 300)
        #expect(fast.iterations > 10)
        #expect(fast.labels == labels)
        for t in 0..<(k * d) { #expect(abs(fast.centres[t] - centres[t]) <= 1e-9 * max(1, abs(centres[t]))) }
    }

    @Test func labelsOfAnUnconvergedRunAreAFullAssignmentToTheFinalCentres() {
        // Stopped by max_iter: the final labels and inertia come from the bounds
        // (`LloydRun.finalAssignment`) and must be those of assigning every row afresh.
        let x = lockstepRows(seed: 71), k = 8
        let initial = KMeans.plusPlus(x, k: k, seed: 6)
        for maxIter in [1, 2, 4, 9] {
            let run = KMeans.lloyd(x, initialCentres: initial, maxIter: maxIter, absoluteTolerance: 0)
            #expect(run.iterations == maxIter)
            var labels: [Int32] = []
            let inertia = KMeans.assign(x, centres: run.centres, labels: &labels)
            let same = run.labels == labels && run.inertia == inertia
            #expect(same, "max_iter \(maxIter): inertia \(run.inertia) vs \(inertia)")
        }
    }

    @Test func sampledRowIsTheFirstWhoseRunningSumReachesTheTarget() {
        var rng = SeededRandom(seed: 5)
        let n = 50_000
        var weights = (0..<n).map { _ in rng.unit() < 0.3 ? 0 : rng.unit() }
        weights[n - 1] = 0
        let sums = chunkSumsOf(weights)
        let total = sums.reduce(0, +)
        for _ in 0..<200 {
            let target = rng.unit() * total
            let row = sampleRowOf(weights, sums, target: target)
            var running = 0.0
            var expected = -1
            for i in 0..<n { running += weights[i]; if running >= target && weights[i] > 0 { expected = i; break } }
            #expect(row == expected)
        }
        // A target past the total (rounding) gives the last row with weight, never a zero-weight row.
        let last = sampleRowOf(weights, sums, target: total * 2)
        #expect(weights[last] > 0)
        #expect(weights[(last + 1)...].allSatisfy { $0 == 0 })
    }
}

/// k-means++ with triangle-inequality pruning picks exactly the centres of the plain
/// greedy algorithm (every distance computed), on data with many rows near each centre.
@Suite struct ClusterPlusPlusTests {
    /// Plain greedy k-means++: same random draws, same per-chunk sums in chunk order.
    static func reference(_ x: FeatureMatrix, k: Int, seed: UInt64) -> [Double] {
        var rng = SeededRandom(seed: seed)
        let n = x.rows, d = x.columns
        let chunks = Parallel.chunkCount(n)
        func dist(_ i: Int, _ centre: [Double]) -> Double {
            var s = 0.0
            for j in 0..<d { let v = x[i, j] - centre[j]; s += v * v }
            return s
        }
        func row(_ i: Int) -> [Double] { Array(x.values[(i * d)..<((i + 1) * d)]) }
        func chunkSums(_ v: [Double]) -> [Double] {
            (0..<chunks).map { c in (n * c / chunks..<n * (c + 1) / chunks).reduce(0.0) { $0 + v[$1] } }
        }
        var centres = row(rng.below(n))
        var closest = (0..<n).map { dist($0, centres) }
        var sums = chunkSums(closest)
        let trials = 2 + Int(log(Double(k)))
        for c in 1..<k {
            let potential = sums.reduce(0, +)
            let candidates = (0..<trials).map { _ in sampleRowOf(closest, sums, target: rng.unit() * potential) }
            let after = candidates.map { cand in (0..<n).map { min(closest[$0], dist($0, row(cand))) } }
            let pots = after.map { chunkSums($0).reduce(0, +) }
            var best = 0
            for t in 1..<trials where pots[t] < pots[best] { best = t }
            centres += row(candidates[best])
            if c == k - 1 { break }
            closest = after[best]
            sums = chunkSums(closest)
        }
        return centres
    }

    @Test func prunedSeedingEqualsPlainGreedySeeding() {
        var rng = SeededRandom(seed: 12)
        let n = 30_000, d = 3, k = 9
        // Tight blobs: after a few centres most rows are pruned.
        let values = (0..<n).flatMap { i -> [Double] in
            let blob = Double(i % 9)
            return (0..<d).map { j in blob * Double(j + 1) * 3 + rng.unit() * 0.5 }
        }
        let x = FeatureMatrix(rows: n, columns: d, values: values, names: ["a", "b", "c"])
        for seed in [UInt64(1), 2, 3] {
            #expect(KMeans.plusPlus(x, k: k, seed: seed) == Self.reference(x, k: k, seed: seed))
        }
    }

    @Test func lockstepSeedingsEachGiveTheirOwnCentresAndDraws() {
        let x = lockstepRows(seed: 19), k = 7
        let seeds: [UInt64] = [5, 6, 7, 8]
        let together = KMeans.plusPlusLockstep(x, k: k, generators: seeds.map { SeededRandom(seed: $0) })
        #expect(Set(together.map(\.centres)).count == seeds.count)
        for (r, seed) in seeds.enumerated() {
            // Compared as one flag: a mismatch prints the seed, not every centre.
            let same = together[r].centres == Self.reference(x, k: k, seed: seed)
            #expect(same, "seed \(seed)")
            // The generator has made exactly a seeding's draws.
            var after = SeededRandom(seed: seed)
            for _ in 0..<KMeans.plusPlusDraws(k: k) { _ = after.next() }
            var got = together[r].rng
            #expect(got.next() == after.next(), "seed \(seed)")
        }
    }
}

/// Heavy-tailed rows (log-normal-ish columns, as scaled flow features look) spread over
/// several chunks, each of them several lockstep blocks.
private func lockstepRows(seed: UInt64) -> FeatureMatrix {
    var rng = SeededRandom(seed: seed)
    let n = 40_000, d = 8
    let values = (0..<(n * d)).map { _ in exp(2 * (rng.unit() + rng.unit() + rng.unit() - 1.5)) }
    let x = FeatureMatrix(rows: n, columns: d, values: values, names: (0..<d).map { "c\($0)" })
    #expect(Parallel.chunkCount(n) > 1 && KMeans.lockstepBlockRows(columns: d) < n / Parallel.chunkCount(n))
    return x
}

/// The sums of `weights` over `Parallel.forEachChunk`'s chunks.
private func chunkSumsOf(_ weights: [Double]) -> [Double] {
    let n = weights.count, chunks = Parallel.chunkCount(n)
    var sums = [Double](repeating: 0, count: chunks)
    for c in 0..<chunks { for i in (n * c / chunks)..<(n * (c + 1) / chunks) { sums[c] += weights[i] } }
    return sums
}

/// `KMeans.sampleRow` on arrays.
private func sampleRowOf(_ weights: [Double], _ chunkSums: [Double], target: Double) -> Int {
    weights.withUnsafeBufferPointer { w in chunkSums.withUnsafeBufferPointer { KMeans.sampleRow(w, $0, target: target) } }
}

/// The textbook Lloyd iteration (full assignment, exact means, until no label changes), the
/// reference the bounded k-means is compared with.
private func plainLloyd(_ x: FeatureMatrix, k: Int, initialCentres: [Double], maxIter: Int) -> (centres: [Double], labels: [Int32]) {
    let n = x.rows, d = x.columns
    var centres = initialCentres
    var labels = [Int32](repeating: -1, count: n)
    for _ in 0..<maxIter {
        var next = labels
        KMeans.assign(x, centres: centres, labels: &next)
        var sums = [Double](repeating: 0, count: k * d), counts = [Int](repeating: 0, count: k)
        for i in 0..<n { counts[Int(next[i])] += 1; for j in 0..<d { sums[Int(next[i]) * d + j] += x[i, j] } }
        for c in 0..<k where counts[c] > 0 { for j in 0..<d { centres[c * d + j] = sums[c * d + j] / Double(counts[c]) } }
        if next == labels { break }
        labels = next
    }
    return (centres, labels)
}

/// Restarts run in lockstep give exactly the result of running them one after the other
/// from one shared generator, and the earliest of equally good restarts wins.
@Suite struct ClusterKMeansRestartTests {
    @Test func parallelRestartsGiveTheSerialResult() throws {
        var rng = SeededRandom(seed: 31)
        let n = 30_000, d = 5
        let values = (0..<(n * d)).map { _ in exp(2 * (rng.unit() + rng.unit() + rng.unit() - 1.5)) }
        let x = FeatureMatrix(rows: n, columns: d, values: values, names: ["a", "b", "c", "e", "f"])
        for (k, nInit, seed) in [(8, 7, UInt64(3)), (3, 4, 11), (1, 2, 5)] {
            let p = KMeansParameters(k: k, nInit: nInit, maxIter: 60, tol: 1e-4, seed: seed)
            // The restarts in turn, sharing one generator.
            var shared = SeededRandom(seed: seed)
            var serial: [KMeansResult] = []
            let tolerance = p.tol * KMeans.meanVariance(x)
            for _ in 0..<nInit {
                let initial = KMeans.plusPlus(x, k: k, rng: &shared)
                serial.append(KMeans.lloyd(x, initialCentres: initial, maxIter: p.maxIter, absoluteTolerance: tolerance))
            }
            let expected = serial.indices.min { serial[$0].inertia < serial[$1].inertia || (serial[$0].inertia == serial[$1].inertia && $0 < $1) }!
            // The restarts differ (else the test could not tell which one won).
            if k > 1 { #expect(Set(serial.map(\.inertia)).count > 1, "k \(k)") }
            let fitted = try KMeans.fit(x, parameters: p)
            // Compared as one flag: a mismatch prints the inertias, not every label.
            let same = fitted == serial[expected]
            #expect(same, "k \(k), n_init \(nInit): inertia \(fitted.inertia), serial \(serial[expected].inertia)")
        }
    }

    @Test func lockstepRunsEachGiveTheirOwnResult() {
        // Heavy-tailed rows over several chunks and blocks; the runs converge at different
        // iterations, one of them through an empty cluster (a seed far from every row), and
        // three slots for five runs, so runs drop out and new ones join mid-way.
        let x = lockstepRows(seed: 41), k = 6, d = x.columns
        var seeds = (0..<4).map { KMeans.plusPlus(x, k: k, seed: UInt64(10 + $0)) }
        var far = seeds[0]
        for j in 0..<d { far[(k - 1) * d + j] = 1e6 }
        seeds.insert(far, at: 2)
        let alone = seeds.map { KMeans.lloyd(x, initialCentres: $0, maxIter: 200, absoluteTolerance: 0) }
        #expect(Set(alone.map(\.iterations)).count > 2)
        var together = [KMeansResult?](repeating: nil, count: seeds.count)
        var order: [Int] = []
        KMeans.lockstep(x, count: seeds.count, slots: 3, maxIter: 200, absoluteTolerance: 0) { seeds[$0] } finish: { r, result in
            order.append(r)
            together[r] = result
        }
        #expect(order.sorted() == Array(seeds.indices))
        #expect(order != Array(seeds.indices))
        for r in seeds.indices {
            // Compared as one flag: a mismatch prints the inertias, not every label.
            let same = together[r] == alone[r]
            #expect(same, "run \(r): \(together[r]?.inertia ?? .nan) vs \(alone[r].inertia)")
            // And each is plain Lloyd's answer (which leaves an empty cluster where it is).
            if r == 2 { continue }
            let (_, labels) = plainLloyd(x, k: k, initialCentres: seeds[r], maxIter: 200)
            let plain = alone[r].labels == labels
            #expect(plain, "run \(r)")
        }
        // The far centre was given a row.
        #expect(!alone[2].centres.contains(1e6))
    }

    /// Empty clusters take the farthest rows, farthest first and the lower row on a tie,
    /// as sorting every row by distance would pick them (scikit-learn's order).
    @Test func emptyClustersTakeTheFarthestRowsInOrderLowerRowOnATie() {
        // One column; every row labelled 0 with the centre at 0: distances are the squares.
        let values: [Double] = [1, -3, 2, 3, -1, 0.5, 3, -2]
        let x = FeatureMatrix(rows: values.count, columns: 1, values: values, names: ["v"])
        let labels = [Int32](repeating: 0, count: values.count)
        for emptyCount in 1...3 {
            let k = 1 + emptyCount
            var sums = [values.reduce(0, +)] + [Double](repeating: 0, count: emptyCount)
            var counts = [values.count] + [Int](repeating: 0, count: emptyCount)
            labels.withUnsafeBufferPointer { l in
                KMeans.relocateEmpty(x, centres: [Double](repeating: 0, count: k), labels: l, sums: &sums, counts: &counts, k: k)
            }
            // Rows 1, 3 and 6 are all at distance 9: they go in row order.
            let expected = Array([-3.0, 3, 3].prefix(emptyCount))
            #expect(Array(sums.dropFirst()) == expected, "\(emptyCount) empty")
            #expect(counts == [values.count - emptyCount] + [Int](repeating: 1, count: emptyCount))
            #expect(sums[0] == values.reduce(0, +) - expected.reduce(0, +))
        }
    }

    /// Restarts finish out of order in lockstep: the lowest inertia wins, and on a tie the
    /// earliest restart, whichever finished first.
    @Test func theBestRestartIsTheLowestInertiaThenTheEarliest() {
        let finishes: [(restart: Int, inertia: Double)] = [(3, 5.0), (1, 7.0), (4, 5.0), (0, 5.0), (2, 6.0)]
        var best: (index: Int, inertia: Double)?
        for f in finishes where best == nil || KMeans.beats(restart: f.restart, inertia: f.inertia, best: best!) {
            best = (f.restart, f.inertia)
        }
        #expect(best?.index == 0 && best?.inertia == 5.0)
        #expect(!KMeans.beats(restart: 4, inertia: 5.0, best: (3, 5.0)) && KMeans.beats(restart: 2, inertia: 5.0, best: (3, 5.0)))
        #expect(KMeans.beats(restart: 9, inertia: 4.0, best: (0, 5.0)))
    }
}

/// A restart's Lloyd run starts from its seeding's own per-row state (`SeededRestart`,
/// `LloydRun(seeding:)`): the seeding's owners are a full assignment's labels, its squared
/// distances exact and its lower bounds valid, so the model is the one a full first pass gives.
@Suite struct ClusterSeededRestartTests {
    /// Rows on a small integer grid (many rows equally far from two centres, so ties to the
    /// lower index matter) over several chunks and blocks.
    static func gridRows() -> FeatureMatrix {
        var rng = SeededRandom(seed: 23)
        let n = 40_000, d = 3
        let values = (0..<(n * d)).map { _ in Double(rng.below(4)) }
        return FeatureMatrix(rows: n, columns: d, values: values, names: ["a", "b", "c"])
    }

    @Test func completedSeedingHoldsAFullAssignment() {
        for (x, k) in [(Self.gridRows(), 6), (lockstepRows(seed: 61), 8)] {
            let d = x.columns
            let runs = KMeans.seedings(x, k: k, generators: [SeededRandom(seed: 2), SeededRandom(seed: 3)], complete: true)
            for (r, run) in runs.enumerated() {
                // The centres are those of the seeding alone.
                #expect(run.centres == KMeans.plusPlus(x, k: k, seed: UInt64(2 + r)))
                var labels: [Int32] = []
                KMeans.assign(x, centres: run.centres, labels: &labels)
                let same = Array(run.bounds.labels) == labels
                #expect(same, "k \(k), run \(r)")
                var exact = 0, wrong = 0, ties = 0
                x.values.withUnsafeBufferPointer { xv in
                    run.centres.withUnsafeBufferPointer { cv in
                        for i in 0..<x.rows {
                            let own = Int(labels[i])
                            var second = Double.infinity
                            for c in 0..<k where c != own { second = min(second, KMeans.squaredDistance(xv, i, cv, c, d)) }
                            let near = run.bounds.limits[2 * i], lower = run.bounds.limits[2 * i + 1]
                            if near != KMeans.squaredDistance(xv, i, cv, own, d) { exact += 1 }
                            // A valid lower bound, and not a trivial one where the second is apart.
                            if lower > second || (second > 0 && !(lower > 0)) { wrong += 1 }
                            if second == KMeans.squaredDistance(xv, i, cv, own, d) { ties += 1 }
                        }
                    }
                }
                #expect(exact == 0 && wrong == 0, "k \(k), run \(r): \(exact) inexact distances, \(wrong) bad lower bounds")
                if x.columns == 3 { #expect(ties > 1_000) }
            }
        }
    }

    @Test func restartFromSeedingGivesTheFullFirstPassModel() throws {
        for (x, k, nInit) in [(Self.gridRows(), 6, 3), (lockstepRows(seed: 67), 8, 4), (lockstepRows(seed: 67), 1, 2)] {
            let p = KMeansParameters(k: k, nInit: nInit, maxIter: 80, tol: 1e-4, seed: 13)
            let tolerance = p.tol * KMeans.meanVariance(x)
            let generators = KMeans.restartGenerators(seed: p.seed, restarts: nInit, k: k)
            var together = [KMeansResult?](repeating: nil, count: nInit)
            // Two slots for more restarts: seedings and Lloyd runs share passes.
            KMeans.lockstep(x, count: nInit, slots: 2) { r in
                SeededRestart(x, k: k, rng: generators[r], maxIter: p.maxIter, absoluteTolerance: tolerance)
            } finish: { r, model in together[r] = model }
            for r in 0..<nInit {
                var rng = generators[r]
                let initial = KMeans.plusPlus(x, k: k, rng: &rng)
                let alone = KMeans.lloyd(x, initialCentres: initial, maxIter: p.maxIter, absoluteTolerance: tolerance)
                // Compared as one flag: a mismatch prints the inertias, not every label.
                let same = together[r] == alone
                #expect(same, "k \(k), restart \(r): \(together[r]?.inertia ?? .nan) vs \(alone.inertia)")
                if k > 1 { #expect(alone.iterations > 1) }
            }
        }
    }

    @Test func sampledRowReadsStridedWeights() {
        var rng = SeededRandom(seed: 9)
        let n = 30_000
        let weights = (0..<n).map { _ in rng.unit() < 0.2 ? 0 : rng.unit() }
        // Each weight followed by a large decoy that must not be read as a weight.
        let interleaved = weights.flatMap { [$0, 1e9] }
        let sums = chunkSumsOf(weights)
        let total = sums.reduce(0, +)
        for _ in 0..<100 {
            let target = rng.unit() * total
            let strided = interleaved.withUnsafeBufferPointer { w in
                sums.withUnsafeBufferPointer { KMeans.sampleRow(w, $0, target: target, stride: 2) }
            }
            #expect(strided == sampleRowOf(weights, sums, target: target))
        }
    }
}
