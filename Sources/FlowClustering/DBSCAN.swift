import Dispatch
import FlowFeatures

/// Parameters of DBSCAN (scikit-learn's meanings: a point is core when at least
/// `minSamples` points, itself included, lie within distance `eps`, inclusive).
public struct DBSCANParameters: Sendable, Codable, Equatable {
    public var eps: Double
    public var minSamples: Int

    public init(eps: Double, minSamples: Int) {
        self.eps = eps
        self.minSamples = minSamples
    }

    enum CodingKeys: String, CodingKey {
        case eps
        case minSamples = "min_samples"
    }
}

/// The result of DBSCAN on a matrix.
public struct DBSCANResult: Sendable, Equatable {
    /// Cluster of every row (0, 1, … in order of each cluster's lowest core row), −1 noise.
    public var labels: [Int32]
    /// Whether each row is a core point.
    public var isCore: [Bool]
    public var clusterCount: Int
    public var noiseCount: Int { labels.reduce(0) { $0 + ($1 < 0 ? 1 : 0) } }
}

/// DBSCAN (Ester et al. 1996) over a k-d tree, so neighbourhoods are found without
/// comparing all pairs and without storing them: one parallel pass counts each point's
/// neighbours (core points), one parallel pass unions neighbouring core points
/// (union–find over k-d tree order), and one parallel pass gives each border point the
/// cluster of its lowest-index core neighbour. All passes run in tree order over the
/// tree's own copy of the points (the caller's matrix when it is handed over with
/// `consume`), so memory beyond the points is a few bytes per point: the tree order and
/// nodes, one core flag, one union–find slot, and the result. Core points and their
/// clusters are unique; border points touching two clusters may be labelled differently
/// from scikit-learn, whose choice depends on its expansion order.
public enum DBSCAN {
    public static func fit(_ x: consuming FeatureMatrix, parameters p: DBSCANParameters) throws -> DBSCANResult {
        guard p.eps > 0, p.eps.isFinite else {
            throw FlowModelsError.invalidParameter(name: "eps", value: "\(p.eps)", reason: "must be a positive number")
        }
        guard p.minSamples >= 1 else {
            throw FlowModelsError.invalidParameter(name: "min_samples", value: "\(p.minSamples)", reason: "must be at least 1")
        }
        let n = x.rows, d = x.columns
        let tree = KDTree(consuming: x)
        // Core flags by tree position.
        var coreAt = [Bool](repeating: false, count: n)
        tree.points.withUnsafeBufferPointer { pv in
            coreAt.withUnsafeMutableBufferPointer { cv in
                Parallel.forEachChunk(count: n, minimumChunk: 2_048) { _, range in
                    for t in range {
                        var c = 0
                        tree.visitPositionsWithin(pv.baseAddress! + t * d, radius: p.eps, after: -1) { _ in
                            c += 1
                            return c < p.minSamples
                        }
                        cv[t] = c >= p.minSamples
                    }
                }
            }
        }
        var parent = Self.coreComponents(tree, coreAt: coreAt, eps: p.eps)
        let clusters = Self.numberClusters(tree, coreAt: coreAt, roots: &parent)
        // Labels and core flags by original row; border points take the cluster of their
        // lowest-row core neighbour (each position writes its own row: no two writers).
        var labels = [Int32](repeating: -1, count: n)
        var isCore = [Bool](repeating: false, count: n)
        for t in 0..<n where coreAt[t] {
            let row = tree.row(at: t)
            isCore[row] = true
            labels[row] = Self.cluster(ofCore: t, roots: parent)
        }
        tree.points.withUnsafeBufferPointer { pv in
            coreAt.withUnsafeBufferPointer { cv in
                parent.withUnsafeBufferPointer { roots in
                    labels.withUnsafeMutableBufferPointer { lv in
                        Parallel.forEachChunk(count: n, minimumChunk: 2_048) { _, range in
                            for t in range where !cv[t] {
                                var bestRow = Int.max, bestPosition = -1
                                tree.visitPositionsWithin(pv.baseAddress! + t * d, radius: p.eps, after: -1) { j in
                                    if cv[j] {
                                        let row = tree.row(at: j)
                                        if row < bestRow { bestRow = row; bestPosition = j }
                                    }
                                    return true
                                }
                                if bestPosition >= 0 { lv[tree.row(at: t)] = Self.cluster(ofCore: bestPosition, roots: roots) }
                            }
                        }
                    }
                }
            }
        }
        return DBSCANResult(labels: labels, isCore: isCore, clusterCount: clusters)
    }

    /// Union–find parent of every tree position after the core union: each core point's
    /// slot holds its component root (a tree position), every other slot itself. Runs on
    /// all cores. `forcedChunks` overrides the number of ranges (tests).
    static func coreComponents(_ tree: KDTree, coreAt: [Bool], eps: Double, forcedChunks: Int? = nil) -> [Int32] {
        let n = tree.count, d = tree.dimensions
        var parent = (0..<n).map { Int32($0) }
        let chunks = max(1, min(n, forcedChunks ?? min(8, Parallel.chunkCount(n, minimumChunk: 16_384))))
        // Union of neighbouring core points over tree positions, so that neighbours are
        // mostly in the same contiguous range: each worker unions pairs inside its own range
        // (it alone writes those parent slots) and flags points with a core neighbour in a
        // later range for a short sequential pass (a flag per point instead of a list of
        // pairs keeps memory O(n)). Each pair is visited once (j > i).
        var crossing = [Bool](repeating: false, count: n)
        parent.withUnsafeMutableBufferPointer { parentSlots in
            crossing.withUnsafeMutableBufferPointer { crossingSlots in
                tree.points.withUnsafeBufferPointer { points in
                    let pv = parentSlots, cv = crossingSlots
                    let work = { (chunk: Int) in
                        let lo = n * chunk / chunks, hi = n * (chunk + 1) / chunks
                        for i in lo..<hi where coreAt[i] {
                            tree.visitPositionsWithin(points.baseAddress! + i * d, radius: eps, after: i) { j in
                                guard coreAt[j] else { return true }
                                if j < hi {
                                    Self.union(i, j, pv)
                                } else {
                                    cv[i] = true
                                }
                                return true
                            }
                        }
                    }
                    if chunks == 1 {
                        work(0)
                    } else {
                        let shared = UncheckedBox(work)
                        DispatchQueue.concurrentPerform(iterations: chunks) { shared.value($0) }
                    }
                }
            }
        }
        parent.withUnsafeMutableBufferPointer { pv in
            tree.points.withUnsafeBufferPointer { points in
                for chunk in 0..<chunks {
                    let lo = n * chunk / chunks, hi = n * (chunk + 1) / chunks
                    for i in lo..<hi where crossing[i] {
                        tree.visitPositionsWithin(points.baseAddress! + i * d, radius: eps, after: hi - 1) { j in
                            if coreAt[j] { Self.union(i, j, pv) }
                            return true
                        }
                    }
                }
            }
            for t in 0..<n where coreAt[t] { pv[t] = Int32(Self.find(t, pv)) }
        }
        return parent
    }

    /// Root of `i` with path compression.
    @inline(__always)
    static func find(_ i: Int, _ parent: UnsafeMutableBufferPointer<Int32>) -> Int {
        var r = i
        while Int(parent[r]) != r { r = Int(parent[r]) }
        var c = i
        while Int(parent[c]) != r { let next = Int(parent[c]); parent[c] = Int32(r); c = next }
        return r
    }

    /// Joins the sets of `i` and `j` (the lower root becomes the root).
    @inline(__always)
    static func union(_ i: Int, _ j: Int, _ parent: UnsafeMutableBufferPointer<Int32>) {
        let a = find(i, parent), b = find(j, parent)
        if a != b { if a < b { parent[b] = Int32(a) } else { parent[a] = Int32(b) } }
    }

    /// Numbers the components of `roots` (from `coreComponents`) 0, 1, … in order of each
    /// one's lowest core row, and stores −(number + 1) in each root's own slot (members keep
    /// pointing at their root). Returns the number of clusters.
    static func numberClusters(_ tree: KDTree, coreAt: [Bool], roots: inout [Int32]) -> Int {
        let n = tree.count
        // Lowest row per component, kept as −(row + 1) in the root's slot while collecting.
        for t in 0..<n where coreAt[t] {
            let r = roots[t] < 0 ? t : Int(roots[t])
            let encoded = -Int32(tree.row(at: t)) - 1
            roots[r] = roots[r] < 0 ? max(roots[r], encoded) : encoded
        }
        // (lowest row << 32 | root position), sorted: cluster numbers in row order.
        var firsts: [UInt64] = []
        for t in 0..<n where coreAt[t] && roots[t] < 0 {
            firsts.append(UInt64(-Int(roots[t]) - 1) << 32 | UInt64(t))
        }
        firsts.sort()
        for (number, key) in firsts.enumerated() { roots[Int(key & 0xFFFF_FFFF)] = -Int32(number) - 1 }
        return firsts.count
    }

    /// Cluster number of core position `t` after `numberClusters`.
    @inline(__always)
    static func cluster<R: RandomAccessCollection>(ofCore t: Int, roots: R) -> Int32 where R.Element == Int32, R.Index == Int {
        let slot = roots[t]
        return slot < 0 ? -slot - 1 : -roots[Int(slot)] - 1
    }

    /// `eps` at the knee of the sorted k-distance curve (k = `minSamples`, the point
    /// itself included, as DBSCAN counts it), on at most `sampleSize` seeded query rows
    /// against all rows: the knee is the point of the ascending curve farthest below the
    /// chord joining its ends (both axes scaled to [0, 1]).
    public static func kneeEps(_ x: FeatureMatrix, minSamples: Int, sampleSize: Int = 5_000, seed: UInt64 = 0) -> (eps: Double, curve: [Double]) {
        let n = x.rows, d = x.columns
        guard n > 1 else { return (1, []) }
        let tree = KDTree(x)
        var rng = SeededRandom(seed: seed ^ 0xDB5C)
        let rows = rng.sample(min(sampleSize, n), of: n)
        let k = max(1, min(minSamples, n))
        var distances = [Double](repeating: 0, count: rows.count)
        x.values.withUnsafeBufferPointer { xv in
            distances.withUnsafeMutableBufferPointer { dv in
                Parallel.forEachChunk(count: rows.count, minimumChunk: 256) { _, range in
                    let scratch = UnsafeMutablePointer<Double>.allocate(capacity: k)
                    defer { scratch.deallocate() }
                    for r in range {
                        dv[r] = tree.kthNearestDistance(xv.baseAddress! + rows[r] * d, k: k, scratch: scratch)
                    }
                }
            }
        }
        distances.sort()
        let m = distances.count
        let y0 = distances[0], y1 = distances[m - 1]
        guard m > 2, y1 > y0 else { return (max(y1, 1e-9), distances) }
        var best = 0, bestGap = -Double.infinity
        for i in 0..<m {
            let gap = Double(i) / Double(m - 1) - (distances[i] - y0) / (y1 - y0)
            if gap > bestGap { bestGap = gap; best = i }
        }
        return (max(distances[best], 1e-9), distances)
    }
}

/// The saved DBSCAN model used for scoring: the training core points and `eps`. A new
/// point is a density outlier when no training core point lies within `eps`: it is not
/// density-reachable from the training clusters.
public struct DensityModel: Sendable {
    public let parameters: DBSCANParameters
    public let corePoints: FeatureMatrix
    let tree: KDTree

    public init(parameters: DBSCANParameters, corePoints: FeatureMatrix) {
        self.parameters = parameters
        self.corePoints = corePoints
        tree = KDTree(corePoints)
    }

    /// Per row: distance to the nearest core point in units of eps, capped at `cap`
    /// (≥ 1 and not reachable: an outlier).
    public func reachDistances(_ x: FeatureMatrix, cap: Double = 100) -> [Double] {
        let n = x.rows, d = x.columns
        var out = [Double](repeating: cap, count: n)
        if corePoints.rows == 0 { return out }
        x.values.withUnsafeBufferPointer { xv in
            out.withUnsafeMutableBufferPointer { ov in
                Parallel.forEachChunk(count: n, minimumChunk: 1_024) { _, range in
                    let scratch = UnsafeMutablePointer<Double>.allocate(capacity: 1)
                    defer { scratch.deallocate() }
                    for i in range {
                        let q = xv.baseAddress! + i * d
                        let nearest = tree.kthNearestDistance(q, k: 1, scratch: scratch)
                        ov[i] = min(cap, nearest / parameters.eps)
                    }
                }
            }
        }
        return out
    }
}
