import Testing
@testable import FlowClustering
@testable import FlowFeatures
@testable import FlowModels

/// Brute-force DBSCAN core flags for comparison.
func bruteCore(_ x: FeatureMatrix, eps: Double, minSamples: Int) -> [Bool] {
    (0..<x.rows).map { i in
        var c = 0
        for j in 0..<x.rows {
            var s = 0.0
            for t in 0..<x.columns { let v = x[i, t] - x[j, t]; s += v * v }
            if s <= eps * eps { c += 1 }
        }
        return c >= minSamples
    }
}

/// Brute-force DBSCAN labels with floe's conventions: clusters numbered in order of their
/// lowest core row, a border point in the cluster of its lowest-row core neighbour.
func bruteLabels(_ x: FeatureMatrix, eps: Double, minSamples: Int) -> [Int32] {
    let n = x.rows, core = bruteCore(x, eps: eps, minSamples: minSamples)
    func near(_ i: Int, _ j: Int) -> Bool {
        var s = 0.0
        for t in 0..<x.columns { let v = x[i, t] - x[j, t]; s += v * v }
        return s <= eps * eps
    }
    var labels = [Int32](repeating: -1, count: n)
    var next: Int32 = 0
    for i in 0..<n where core[i] && labels[i] < 0 {
        labels[i] = next
        var stack = [i]
        while let a = stack.popLast() {
            for b in 0..<n where core[b] && labels[b] < 0 && near(a, b) { labels[b] = next; stack.append(b) }
        }
        next += 1
    }
    for i in 0..<n where !core[i] {
        if let j = (0..<n).first(where: { core[$0] && near(i, $0) }) { labels[i] = labels[j] }
    }
    return labels
}

@Suite struct ClusterDBSCANTests {
    @Test func twoBlobsAndNoise() throws {
        var x = blobs(perBlob: 80)
        // Drop the third blob to 3 scattered points: noise.
        x = x.selecting(rows: Array(0..<160) + [160, 200, 239])
        x[160, 0] = 50; x[160, 1] = 50
        x[161, 0] = -40; x[161, 1] = 5
        x[162, 0] = 5; x[162, 1] = -40
        let r = try DBSCAN.fit(x, parameters: DBSCANParameters(eps: 0.5, minSamples: 5))
        #expect(r.clusterCount == 2)
        #expect(r.labels[160] == -1 && r.labels[161] == -1 && r.labels[162] == -1)
        #expect(r.labels[0] != r.labels[80])
        #expect(r.isCore == bruteCore(x, eps: 0.5, minSamples: 5))
    }

    @Test func coreFlagsMatchBruteForceInFourDimensions() throws {
        var rng = SeededRandom(seed: 12)
        let n = 600
        let values = (0..<(n * 4)).map { _ in rng.unit() * (rng.unit() < 0.5 ? 1 : 4) }
        let x = FeatureMatrix(rows: n, columns: 4, values: values, names: ["a", "b", "c", "d"])
        let r = try DBSCAN.fit(x, parameters: DBSCANParameters(eps: 0.35, minSamples: 6))
        #expect(r.isCore == bruteCore(x, eps: 0.35, minSamples: 6))
        // Every core point is in a cluster; noise points are not core.
        for i in 0..<n where r.isCore[i] { #expect(r.labels[i] >= 0) }
    }

    @Test func parallelUnionGivesTheSequentialComponents() throws {
        var rng = SeededRandom(seed: 77)
        let n = 900
        let values = (0..<(n * 3)).map { _ in rng.unit() * (rng.unit() < 0.3 ? 1 : 6) }
        let x = FeatureMatrix(rows: n, columns: 3, values: values, names: ["a", "b", "c"])
        let tree = KDTree(x)
        let coreByRow = bruteCore(x, eps: 0.4, minSamples: 4)
        let core = (0..<n).map { coreByRow[tree.row(at: $0)] }
        let one = DBSCAN.coreComponents(tree, coreAt: core, eps: 0.4, forcedChunks: 1)
        for chunks in [2, 5, 13] {
            let many = DBSCAN.coreComponents(tree, coreAt: core, eps: 0.4, forcedChunks: chunks)
            // Same partition: roots pair up one to one.
            var pairs: [Int32: Int32] = [:], back: [Int32: Int32] = [:]
            for i in 0..<n where core[i] {
                #expect(pairs[one[i], default: many[i]] == many[i])
                #expect(back[many[i], default: one[i]] == one[i])
                pairs[one[i]] = many[i]
                back[many[i]] = one[i]
            }
        }
        #expect(Set((0..<n).filter { core[$0] }.map { one[$0] }).count > 1)
    }

    @Test func kDistanceKneeSeparatesBlobsFromNoise() {
        var x = blobs(perBlob: 100)
        for i in 0..<5 { x[i, 0] = 100 + 30 * Double(i); x[i, 1] = -100 }
        let (eps, curve) = DBSCAN.kneeEps(x, minSamples: 5)
        #expect(curve.count == 300)
        #expect(eps > 0.05 && eps < 5)
    }

    @Test func densityModelFlagsUnreachablePoints() {
        let core = FeatureMatrix(rows: 3, columns: 2, values: [0, 0, 1, 0, 0, 1], names: ["a", "b"])
        let model = DensityModel(parameters: DBSCANParameters(eps: 0.5, minSamples: 2), corePoints: core)
        let q = FeatureMatrix(rows: 2, columns: 2, values: [0.2, 0.1, 5, 5], names: ["a", "b"])
        let reach = model.reachDistances(q)
        #expect(reach[0] < 1)
        #expect(abs(reach[1] - (16 + 25).squareRoot() / 0.5) < 1e-9)
    }

    @Test func badParametersAreRefused() {
        let x = blobs(perBlob: 5)
        #expect(throws: FlowModelsError.self) { try DBSCAN.fit(x, parameters: DBSCANParameters(eps: 0, minSamples: 3)) }
        #expect(throws: FlowModelsError.self) { try DBSCAN.fit(x, parameters: DBSCANParameters(eps: 1, minSamples: 0)) }
    }

    @Test func labelsMatchBruteForceWithBordersAndAHandedOverMatrix() throws {
        var rng = SeededRandom(seed: 31)
        let n = 700
        let values = (0..<(n * 3)).map { _ in rng.unit() * (rng.unit() < 0.4 ? 1.5 : 5) }
        let x = FeatureMatrix(rows: n, columns: 3, values: values, names: ["a", "b", "c"])
        let expected = bruteLabels(x, eps: 0.3, minSamples: 5)
        let borrowed = try DBSCAN.fit(x, parameters: DBSCANParameters(eps: 0.3, minSamples: 5))
        #expect(borrowed.labels == expected)
        #expect(borrowed.clusterCount == Int((expected.max() ?? -1) + 1))
        #expect(borrowed.clusterCount > 1)
        #expect(borrowed.labels.contains(-1))
        // The caller's matrix is untouched by the tree's reordering.
        #expect(x.values == values)
        // A matrix handed over (its own buffer, no other owner) is reordered in place.
        let consumed = try DBSCAN.fit(FeatureMatrix(rows: n, columns: 3, values: values.map { $0 }, names: ["a", "b", "c"]),
                                      parameters: DBSCANParameters(eps: 0.3, minSamples: 5))
        #expect(consumed == borrowed)
    }

    @Test func treeOrderIsAPermutationOfTheRows() {
        var rng = SeededRandom(seed: 5)
        let n = 333
        let x = FeatureMatrix(rows: n, columns: 2, values: (0..<(2 * n)).map { _ in rng.unit() }, names: ["a", "b"])
        let tree = KDTree(x)
        #expect(Set((0..<n).map { tree.row(at: $0) }) == Set(0..<n))
        for t in 0..<n { #expect(tree.points[t * 2] == x[tree.row(at: t), 0] && tree.points[t * 2 + 1] == x[tree.row(at: t), 1]) }
    }
}
