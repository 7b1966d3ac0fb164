import FlowFeatures

/// Options of mini-batch k-means, for feature sets too large for full Lloyd passes.
public struct MiniBatchOptions: Sendable, Codable, Equatable {
    public var enabled: Bool
    public var batchSize: Int
    public var maxSteps: Int

    public init(enabled: Bool = false, batchSize: Int = 4_096, maxSteps: Int = 300) {
        self.enabled = enabled
        self.batchSize = batchSize
        self.maxSteps = maxSteps
    }

    enum CodingKeys: String, CodingKey {
        case enabled
        case batchSize = "batch_size"
        case maxSteps = "max_steps"
    }
}

/// Mini-batch k-means (Sculley 2010, as scikit-learn's `MiniBatchKMeans` without its
/// reassignment heuristics): k-means++ on a sample, then `maxSteps` steps that each draw
/// `batchSize` rows, assign them, and move each centre towards its rows with a per-centre
/// learning rate 1 / (rows it has seen). Stops early when a step moves the centres by at
/// most `tol × mean(var(X))`. Final labels and inertia come from one full assignment pass.
public enum MiniBatchKMeans {
    public static func fit(_ x: FeatureMatrix, parameters p: KMeansParameters, options: MiniBatchOptions) throws -> KMeansResult {
        try KMeans.check(x, k: p.k)
        let n = x.rows, d = x.columns, k = p.k
        var rng = SeededRandom(seed: p.seed)
        let initSample = x.selecting(rows: rng.sample(min(n, max(3 * options.batchSize, 10 * k)), of: n))
        var best: [Double] = []
        var bestInertia = Double.infinity
        for _ in 0..<max(1, p.nInit) {
            let candidate = KMeans.plusPlus(initSample, k: k, rng: &rng)
            var scratch: [Int32] = []
            let inertia = KMeans.assign(initSample, centres: candidate, labels: &scratch)
            if inertia < bestInertia { bestInertia = inertia; best = candidate }
        }
        let initial = best
        var centres = initial
        var seen = [Double](repeating: 0, count: k)
        let tolerance = p.tol * KMeans.meanVariance(initSample)
        var steps = 0
        let batch = max(1, min(options.batchSize, n))
        var batchRows = [Int](repeating: 0, count: batch)
        var batchLabels = [Int32](repeating: 0, count: batch)
        for step in 0..<max(1, options.maxSteps) {
            steps = step + 1
            for b in 0..<batch { batchRows[b] = rng.below(n) }
            x.values.withUnsafeBufferPointer { xv in
                centres.withUnsafeBufferPointer { cv in
                    for b in 0..<batch { batchLabels[b] = Int32(KMeans.nearest(xv, batchRows[b], cv, k, d).0) }
                }
            }
            let old = centres
            for b in 0..<batch {
                let c = Int(batchLabels[b])
                seen[c] += 1
                let rate = 1 / seen[c]
                let row = batchRows[b] * d
                for j in 0..<d { centres[c * d + j] += rate * (x.values[row + j] - centres[c * d + j]) }
            }
            var shift = 0.0
            for t in 0..<(k * d) { let v = centres[t] - old[t]; shift += v * v }
            if step > 10 && shift <= tolerance { break }
        }
        var labels: [Int32] = []
        let inertia = KMeans.assign(x, centres: centres, labels: &labels)
        return KMeansResult(centres: centres, k: k, dimensions: d, labels: labels, inertia: inertia,
                            iterations: steps, initialCentres: initial)
    }
}
