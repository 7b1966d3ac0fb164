import FlowFeatures

/// One point of the `k: auto` search: the inertia (elbow curve) and the silhouette on
/// the sample for one k.
public struct KCandidate: Sendable, Codable, Equatable {
    public var k: Int
    public var inertia: Double
    public var silhouette: Double
}

/// Picks k over a range by the mean silhouette coefficient on a seeded sample of rows
/// (the k with the highest silhouette wins; ties to the smaller k) and records the elbow
/// curve (inertia per k) alongside.
public enum KSelection {
    public static func choose(_ x: FeatureMatrix, range: ClosedRange<Int>, parameters: KMeansParameters,
                              sampleSize: Int, fit: (FeatureMatrix, KMeansParameters) throws -> KMeansResult)
        throws -> (best: KMeansResult, curve: [KCandidate]) {
        var rng = SeededRandom(seed: parameters.seed ^ 0x5111_0E77)
        let sampleRows = rng.sample(min(sampleSize, x.rows), of: x.rows)
        let sample = x.selecting(rows: sampleRows)
        var curve: [KCandidate] = []
        var best: (KMeansResult, Double)?
        for k in range where k >= 2 && k <= x.rows {
            var p = parameters
            p.k = k
            let result = try fit(x, p)
            let sampleLabels = sampleRows.map { result.labels[$0] }
            let s = silhouette(sample, labels: sampleLabels, k: k)
            curve.append(KCandidate(k: k, inertia: result.inertia, silhouette: s))
            if best == nil || s > best!.1 { best = (result, s) }
        }
        guard let chosen = best else {
            throw FlowModelsError.notEnoughData(detail: "k: auto over \(range) needs more rows than the \(x.rows) available")
        }
        return (chosen.0, curve)
    }

    /// Mean silhouette coefficient (Rousseeuw 1987) with Euclidean distances; rows of
    /// single-member clusters score 0, as in scikit-learn.
    public static func silhouette(_ x: FeatureMatrix, labels: [Int32], k: Int) -> Double {
        let n = x.rows, d = x.columns
        guard n > 1 else { return 0 }
        var sizes = [Int](repeating: 0, count: k)
        for l in labels { sizes[Int(l)] += 1 }
        var scores = [Double](repeating: 0, count: n)
        x.values.withUnsafeBufferPointer { xv in
            labels.withUnsafeBufferPointer { lv in
                scores.withUnsafeMutableBufferPointer { sv in
                    Parallel.forEachChunk(count: n, minimumChunk: 64) { _, range in
                        var sums = [Double](repeating: 0, count: k)
                        for i in range {
                            for c in 0..<k { sums[c] = 0 }
                            for j in 0..<n where j != i {
                                sums[Int(lv[j])] += KMeans.squaredDistance(xv, i, xv, j, d).squareRoot()
                            }
                            let own = Int(lv[i])
                            if sizes[own] <= 1 { sv[i] = 0; continue }
                            let a = sums[own] / Double(sizes[own] - 1)
                            var b = Double.infinity
                            for c in 0..<k where c != own && sizes[c] > 0 { b = min(b, sums[c] / Double(sizes[c])) }
                            let m = max(a, b)
                            sv[i] = (b.isFinite && m > 0) ? (b - a) / m : 0
                        }
                    }
                }
            }
        }
        return scores.reduce(0, +) / Double(n)
    }
}
