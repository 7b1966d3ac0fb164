/// PageRank by power iteration, matching NetworkX's `pagerank` (alpha 0.85, uniform
/// personalization and start vector, dangling nodes' rank spread uniformly, out-edge
/// weights normalised per node, stop when the L1 change of one iteration is below
/// N × tol, at most `maxIter` iterations).
public enum PageRank {
    /// Which edge attribute weighs the links.
    public enum Weight: String, Sendable, Codable {
        case flows, bytes, unweighted
    }

    public struct Result: Sendable {
        public var scores: [Double]
        public var iterations: Int
        public var converged: Bool
    }

    public static func compute(_ g: HostGraph, weight: Weight = .flows, alpha: Double = 0.85,
                               tol: Double = 1e-6, maxIter: Int = 100) -> Result {
        let n = g.nodes.count
        guard n > 0 else { return Result(scores: [], iterations: 0, converged: true) }
        var w = [Double](repeating: 0, count: g.edges.count)
        var outWeight = [Double](repeating: 0, count: n)
        for (i, e) in g.edges.enumerated() {
            switch weight {
            case .flows: w[i] = Double(e.flows)
            case .bytes: w[i] = Double(e.bytes)
            case .unweighted: w[i] = 1
            }
            outWeight[Int(e.source)] += w[i]
        }
        for (i, e) in g.edges.enumerated() where outWeight[Int(e.source)] != 0 {
            w[i] /= outWeight[Int(e.source)]
        }
        let dangling = (0..<n).filter { outWeight[$0] == 0 }
        let uniform = 1 / Double(n)
        var x = [Double](repeating: uniform, count: n)
        var next = [Double](repeating: 0, count: n)
        for iteration in 1...max(1, maxIter) {
            for i in 0..<n { next[i] = 0 }
            for (i, e) in g.edges.enumerated() { next[Int(e.destination)] += x[Int(e.source)] * w[i] }
            var danglingSum = 0.0
            for i in dangling { danglingSum += x[i] }
            var err = 0.0
            for i in 0..<n {
                next[i] = alpha * (next[i] + danglingSum * uniform) + (1 - alpha) * uniform
                err += abs(next[i] - x[i])
            }
            swap(&x, &next)
            if err < Double(n) * tol { return Result(scores: x, iterations: iteration, converged: true) }
        }
        return Result(scores: x, iterations: maxIter, converged: false)
    }
}

/// Weakly connected components by union–find.
public enum ConnectedComponents {
    /// Component of each node, numbered 0, 1, … in order of each component's lowest node.
    public static func weak(_ g: HostGraph) -> [Int32] {
        let n = g.nodes.count
        var parent = (0..<n).map { Int32($0) }
        func find(_ i: Int) -> Int {
            var r = i
            while Int(parent[r]) != r { r = Int(parent[r]) }
            var c = i
            while Int(parent[c]) != r { let next = Int(parent[c]); parent[c] = Int32(r); c = next }
            return r
        }
        for e in g.edges {
            let a = find(Int(e.source)), b = find(Int(e.destination))
            if a != b { if a < b { parent[b] = Int32(a) } else { parent[a] = Int32(b) } }
        }
        var label = [Int32](repeating: -1, count: n)
        var out = [Int32](repeating: 0, count: n)
        var next: Int32 = 0
        for i in 0..<n {
            let r = find(i)
            if label[r] < 0 { label[r] = next; next += 1 }
            out[i] = label[r]
        }
        return out
    }
}
