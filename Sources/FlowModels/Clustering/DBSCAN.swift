import Dispatch

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
/// (union–find over k-d tree order), and one parallel pass gives each border point the cluster of its lowest-index core
/// neighbour. Memory is O(n) beyond the tree. Core points and their clusters are
/// unique; border points touching two clusters may be labelled differently from
/// scikit-learn, whose choice depends on its expansion order.
public enum DBSCAN {
    public static func fit(_ x: FeatureMatrix, parameters p: DBSCANParameters) throws -> DBSCANResult {
        guard p.eps > 0, p.eps.isFinite else {
            throw FlowModelsError.invalidParameter(name: "eps", value: "\(p.eps)", reason: "must be a positive number")
        }
        guard p.minSamples >= 1 else {
            throw FlowModelsError.invalidParameter(name: "min_samples", value: "\(p.minSamples)", reason: "must be at least 1")
        }
        let n = x.rows, d = x.columns
        let tree = KDTree(x)
        var isCore = [Bool](repeating: false, count: n)
        x.values.withUnsafeBufferPointer { xv in
            isCore.withUnsafeMutableBufferPointer { cv in
                Parallel.forEachChunk(count: n, minimumChunk: 2_048) { _, range in
                    for i in range {
                        var c = 0
                        tree.visitWithin(xv.baseAddress! + i * d, radius: p.eps) { _ in
                            c += 1
                            return c < p.minSamples
                        }
                        cv[i] = c >= p.minSamples
                    }
                }
            }
        }
        // Union of neighbouring core points, over tree positions so that neighbours are
        // mostly in the same contiguous range: each worker unions pairs inside its own
        // range (it alone writes those parent slots) and keeps pairs that cross into a
        // later range for a short sequential merge. Each pair is visited once (j > i).
        let roots = Self.coreComponents(tree, isCore: isCore, eps: p.eps)
        var parent = roots
        func find(_ i: Int) -> Int {
            var r = i
            while Int(parent[r]) != r { r = Int(parent[r]) }
            var c = i
            while Int(parent[c]) != r { let next = Int(parent[c]); parent[c] = Int32(r); c = next }
            return r
        }
        var labels = [Int32](repeating: -1, count: n)
        var rootLabel = [Int32](repeating: -1, count: n)
        var clusters: Int32 = 0
        for i in 0..<n where isCore[i] {
            let r = find(i)
            if rootLabel[r] < 0 { rootLabel[r] = clusters; clusters += 1 }
            labels[i] = rootLabel[r]
        }
        let coreLabels = labels
        x.values.withUnsafeBufferPointer { xv in
            isCore.withUnsafeBufferPointer { cv in
                labels.withUnsafeMutableBufferPointer { lv in
                    Parallel.forEachChunk(count: n, minimumChunk: 2_048) { _, range in
                        for i in range where !cv[i] {
                            var bestCore = Int.max
                            tree.visitWithin(xv.baseAddress! + i * d, radius: p.eps) { j in
                                if cv[j] && j < bestCore { bestCore = j }
                                return true
                            }
                            if bestCore != Int.max { lv[i] = coreLabels[bestCore] }
                        }
                    }
                }
            }
        }
        return DBSCANResult(labels: labels, isCore: isCore, clusterCount: Int(clusters))
    }

    /// Component root (an original row index) of every core point, and the row itself
    /// for the others. Runs on all cores.
    /// `forcedChunks` overrides the number of ranges (tests).
    static func coreComponents(_ tree: KDTree, isCore: [Bool], eps: Double, forcedChunks: Int? = nil) -> [Int32] {
        let n = tree.count, d = tree.dimensions
        // Core flags and parents by tree position.
        let coreAt = (0..<n).map { isCore[Int(tree.order[$0])] }
        var parent = (0..<n).map { Int32($0) }
        let chunks = max(1, min(n, forcedChunks ?? min(8, Parallel.chunkCount(n, minimumChunk: 16_384))))
        // Core points with a core neighbour in a later range: re-queried sequentially below
        // (a flag per point instead of a list of pairs keeps memory O(n)).
        var crossing = [Bool](repeating: false, count: n)
        parent.withUnsafeMutableBufferPointer { parentSlots in
            crossing.withUnsafeMutableBufferPointer { crossingSlots in
                tree.points.withUnsafeBufferPointer { points in
                    let pv = parentSlots, cv = crossingSlots
                    let work = { (chunk: Int) in
                        let lo = n * chunk / chunks, hi = n * (chunk + 1) / chunks
                        func find(_ i: Int) -> Int {
                            var r = i
                            while Int(pv[r]) != r { r = Int(pv[r]) }
                            var c = i
                            while Int(pv[c]) != r { let next = Int(pv[c]); pv[c] = Int32(r); c = next }
                            return r
                        }
                        for i in lo..<hi where coreAt[i] {
                            tree.visitPositionsWithin(points.baseAddress! + i * d, radius: eps, after: i) { j in
                                guard coreAt[j] else { return }
                                if j < hi {
                                    let a = find(i), b = find(j)
                                    if a != b { if a < b { pv[b] = Int32(a) } else { pv[a] = Int32(b) } }
                                } else {
                                    cv[i] = true
                                }
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
        func find(_ i: Int) -> Int {
            var r = i
            while Int(parent[r]) != r { r = Int(parent[r]) }
            var c = i
            while Int(parent[c]) != r { let next = Int(parent[c]); parent[c] = Int32(r); c = next }
            return r
        }
        tree.points.withUnsafeBufferPointer { points in
            for chunk in 0..<chunks {
                let lo = n * chunk / chunks, hi = n * (chunk + 1) / chunks
                for i in lo..<hi where crossing[i] {
                    tree.visitPositionsWithin(points.baseAddress! + i * d, radius: eps, after: hi - 1) { j in
                        guard coreAt[j] else { return }
                        let a = find(i), b = find(j)
                        if a != b { if a < b { parent[b] = Int32(a) } else { parent[a] = Int32(b) } }
                    }
                }
            }
        }
        // Back to original rows: every member points at its root's row.
        var byRow = (0..<n).map { Int32($0) }
        for t in 0..<n where coreAt[t] { byRow[Int(tree.order[t])] = tree.order[find(t)] }
        return byRow
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
