/// Finds edges whose flows come at a steady period with a steady size (beaconing): at
/// least `minimumFlows` flows in the window, and both the gaps between consecutive flow
/// starts and the flow sizes have a coefficient of variation (sd / mean) at most
/// `maximumVariation`.
public enum PeriodicEdges {
    public struct Finding: Sendable {
        public var edge: HostGraph.Edge
        public var meanGapSeconds: Double
        public var gapVariation: Double
        public var meanBytes: Double
        public var bytesVariation: Double
        /// The larger of the two variations.
        public var variation: Double { max(gapVariation, bytesVariation) }
    }

    public static func find(_ t: FlowTable, graph g: HostGraph, rows: [Int], minimumFlows: Int,
                            maximumVariation: Double) -> [Finding] {
        var candidates: [UInt64: Int] = [:]
        for (i, e) in g.edges.enumerated() where e.flows >= minimumFlows {
            candidates[UInt64(UInt32(bitPattern: g.nodes[Int(e.source)])) << 32 | UInt64(UInt32(bitPattern: g.nodes[Int(e.destination)]))] = i
        }
        if candidates.isEmpty { return [] }
        var starts: [Int: [Int64]] = [:], sizes: [Int: [Double]] = [:]
        for i in rows {
            let key = UInt64(UInt32(bitPattern: t.source[i])) << 32 | UInt64(UInt32(bitPattern: t.destination[i]))
            guard let e = candidates[key] else { continue }
            starts[e, default: []].append(t.start[i])
            sizes[e, default: []].append(Double(t.bytes[i]))
        }
        var out: [Finding] = []
        for (e, s) in starts.sorted(by: { $0.key < $1.key }) {
            let sorted = s.sorted()
            let gaps = (1..<sorted.count).map { Double(sorted[$0] - sorted[$0 - 1]) }
            let (gapMean, gapCV) = variation(gaps)
            let (bytesMean, bytesCV) = variation(sizes[e]!)
            guard gapMean > 0, gapCV <= maximumVariation, bytesCV <= maximumVariation else { continue }
            out.append(Finding(edge: g.edges[e], meanGapSeconds: gapMean / 1000, gapVariation: gapCV,
                               meanBytes: bytesMean, bytesVariation: bytesCV))
        }
        return out
    }

    /// Mean and coefficient of variation (population sd / mean; 0 for a zero mean).
    static func variation(_ v: [Double]) -> (Double, Double) {
        guard !v.isEmpty else { return (0, 0) }
        let mean = v.reduce(0, +) / Double(v.count)
        var ss = 0.0
        for x in v { ss += (x - mean) * (x - mean) }
        let sd = (ss / Double(v.count)).squareRoot()
        return (mean, mean > 0 ? sd / mean : 0)
    }
}
