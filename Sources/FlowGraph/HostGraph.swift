import FlowFeatures

/// A directed host graph of one window: nodes are hosts (ids of a `FlowTable`), an edge
/// a → b aggregates the flows a sent to b (flow count, bytes, failed TCP attempts).
public struct HostGraph: Sendable {
    public struct Edge: Sendable, Equatable {
        public var source: Int32
        public var destination: Int32
        public var flows: Int
        public var bytes: UInt64
        public var failed: Int

        package init(source: Int32, destination: Int32, flows: Int, bytes: UInt64, failed: Int) {
            self.source = source
            self.destination = destination
            self.flows = flows
            self.bytes = bytes
            self.failed = failed
        }
    }

    /// Table host id of each node.
    public var nodes: [Int32]
    public var edges: [Edge]

    public init(nodes: [Int32], edges: [Edge]) {
        self.nodes = nodes
        self.edges = edges
    }

    /// The graph of the flows `rows` of `t`. Nodes are numbered in order of first
    /// appearance; edges in order of first flow.
    public static func build(_ t: FlowTable, rows: some Sequence<Int>) -> HostGraph {
        var nodeOf: [Int32: Int32] = [:]
        var nodes: [Int32] = []
        var edgeOf: [UInt64: Int] = [:]
        var edges: [Edge] = []
        func node(_ h: Int32) -> Int32 {
            if let n = nodeOf[h] { return n }
            let n = Int32(nodes.count)
            nodeOf[h] = n
            nodes.append(h)
            return n
        }
        for i in rows {
            let a = node(t.source[i]), b = node(t.destination[i])
            let key = UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b))
            let failed = t.isFailedTCP(i) ? 1 : 0
            if let e = edgeOf[key] {
                edges[e].flows += 1
                edges[e].bytes &+= t.bytes[i]
                edges[e].failed += failed
            } else {
                edgeOf[key] = edges.count
                edges.append(Edge(source: a, destination: b, flows: 1, bytes: t.bytes[i], failed: failed))
            }
        }
        return HostGraph(nodes: nodes, edges: edges)
    }

    /// Per-node measures.
    public struct Measures: Sendable {
        /// Distinct neighbours, either direction (self loops excluded).
        public var degree: [Int]
        /// Bytes sent plus bytes received.
        public var weightedDegree: [UInt64]
        /// Distinct destinations / sources.
        public var fanOut: [Int]
        public var fanIn: [Int]
        public var pageRank: [Double]
        /// Weakly connected component of each node (0, 1, … by lowest node).
        public var component: [Int32]
    }

    public func measures(pageRankWeight: PageRank.Weight = .flows) -> Measures {
        let n = nodes.count
        var fanOut = [Int](repeating: 0, count: n), fanIn = [Int](repeating: 0, count: n)
        var weighted = [UInt64](repeating: 0, count: n)
        var neighbours = [UInt64]()
        neighbours.reserveCapacity(2 * edges.count)
        for e in edges {
            let a = Int(e.source), b = Int(e.destination)
            weighted[a] &+= e.bytes
            weighted[b] &+= e.bytes
            if a == b { continue }
            fanOut[a] += 1
            fanIn[b] += 1
            neighbours.append(UInt64(a) << 32 | UInt64(b))
            neighbours.append(UInt64(b) << 32 | UInt64(a))
        }
        neighbours.sort()
        var degree = [Int](repeating: 0, count: n)
        var previous: UInt64? = nil
        for key in neighbours where key != previous {
            degree[Int(key >> 32)] += 1
            previous = key
        }
        return Measures(degree: degree, weightedDegree: weighted, fanOut: fanOut, fanIn: fanIn,
                        pageRank: PageRank.compute(self, weight: pageRankWeight).scores,
                        component: ConnectedComponents.weak(self))
    }
}
