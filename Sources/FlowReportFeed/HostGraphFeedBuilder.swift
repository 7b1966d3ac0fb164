import FlowArtifacts
import FlowCore
import FlowDetection
import FlowFeatures
import FlowGraph

/// Collects the host graph of the whole scored period (edges merged across days by
/// address) and the heavy new edges found, and builds the feed's host graph section:
/// counts, the top hosts by PageRank, the new edges and the neighbourhood of the most
/// anomalous host.
package final class HostGraphFeedBuilder {
    static let topHosts = 10
    static let maximumNewEdges = 50
    static let neighbourhoodNodes = 25
    static let neighbourhoodEdges = 80

    struct Totals { var flows: Int64; var bytes: UInt64 }
    struct Pair: Hashable { var src: IPAddress; var dst: IPAddress }

    package var pageRankWeight: PageRank.Weight = .flows
    var edges: [Pair: Totals] = [:]
    var newEdges: [Pair: Totals] = [:]

    package init() {}

    /// Adds every flow of one scored day.
    package func add(_ t: borrowing FlowTable) {
        let g = HostGraph.build(t, rows: 0..<t.count)
        for e in g.edges {
            let pair = Pair(src: t.hosts[Int(g.nodes[Int(e.source)])], dst: t.hosts[Int(g.nodes[Int(e.destination)])])
            edges[pair, default: Totals(flows: 0, bytes: 0)].flows += Int64(e.flows)
            edges[pair, default: Totals(flows: 0, bytes: 0)].bytes &+= e.bytes
        }
    }

    /// Records a heavy new edge of one window (summed when it is new in several windows).
    package func addNewEdge(src: IPAddress, dst: IPAddress, flows: Int, bytes: UInt64) {
        let pair = Pair(src: src, dst: dst)
        newEdges[pair, default: Totals(flows: 0, bytes: 0)].flows += Int64(flows)
        newEdges[pair, default: Totals(flows: 0, bytes: 0)].bytes &+= bytes
    }

    /// The section; `anomalies` (ranked) choose the neighbourhood's centre and mark
    /// anomalous hosts.
    package func build(anomalies: [AnomalyRecord]) -> HostGraphSummary {
        // A graph with nodes numbered in address order, edges in (src, dst) order.
        let pairs = edges.keys.sorted { $0.src != $1.src ? $0.src < $1.src : $0.dst < $1.dst }
        let addresses = Array(Set(pairs.flatMap { [$0.src, $0.dst] })).sorted()
        var nodeOf: [IPAddress: Int32] = [:]
        for (i, a) in addresses.enumerated() { nodeOf[a] = Int32(i) }
        let graphEdges = pairs.map { p -> HostGraph.Edge in
            let t = edges[p]!
            return HostGraph.Edge(source: nodeOf[p.src]!, destination: nodeOf[p.dst]!, flows: Int(t.flows), bytes: t.bytes, failed: 0)
        }
        let graph = HostGraph(nodes: addresses.indices.map { Int32($0) }, edges: graphEdges)
        let m = graph.measures(pageRankWeight: pageRankWeight)
        let ranked = addresses.indices.sorted {
            m.pageRank[$0] != m.pageRank[$1] ? m.pageRank[$0] > m.pageRank[$1] : addresses[$0] < addresses[$1]
        }
        let top = ranked.prefix(Self.topHosts).map { n in
            HostGraphSummary.Host(host: addresses[n].description, pagerank: m.pageRank[n], degree: Int64(m.degree[n]),
                                  inDegree: Int64(m.fanIn[n]), outDegree: Int64(m.fanOut[n]), bytes: Double(m.weightedDegree[n]))
        }
        let heavy = newEdges.sorted {
            $0.value.bytes != $1.value.bytes ? $0.value.bytes > $1.value.bytes
                : ($0.key.src != $1.key.src ? $0.key.src < $1.key.src : $0.key.dst < $1.key.dst)
        }
        let newFeed = heavy.prefix(Self.maximumNewEdges).map {
            HostGraphSummary.Edge(src: $0.key.src.description, dst: $0.key.dst.description, flows: $0.value.flows,
                                  bytes: Double($0.value.bytes), isNew: nil)
        }
        return HostGraphSummary(nodeCount: Int64(addresses.count), edgeCount: Int64(pairs.count), top: top, newEdges: newFeed,
                                neighbourhood: neighbourhood(anomalies: anomalies, pairs: pairs))
    }

    /// Hosts named by an anomaly: the entity itself, or both ends of a pair `a -> b`.
    static func hosts(of entity: String) -> [String] {
        entity.components(separatedBy: " -> ")
    }

    func neighbourhood(anomalies: [AnomalyRecord], pairs: [Pair]) -> HostGraphSummary.Neighbourhood? {
        var byText: [String: IPAddress] = [:]
        for p in pairs { byText[p.src.description] = p.src; byText[p.dst.description] = p.dst }
        var anomalous = Set<String>()
        for a in anomalies { for h in Self.hosts(of: a.entity) where byText[h] != nil { anomalous.insert(h) } }
        guard let centreText = anomalies.lazy.compactMap({ Self.hosts(of: $0.entity).first }).first(where: { byText[$0] != nil }),
              let centre = byText[centreText] else { return nil }
        // Neighbours by bytes exchanged with the centre, either direction.
        var exchanged: [IPAddress: UInt64] = [:]
        for p in pairs where p.src == centre || p.dst == centre {
            let other = p.src == centre ? p.dst : p.src
            if other != centre { exchanged[other, default: 0] &+= edges[p]!.bytes }
        }
        let neighbours = exchanged.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .prefix(Self.neighbourhoodNodes - 1).map(\.key)
        let members = Set(neighbours + [centre])
        let inside = pairs.filter { members.contains($0.src) && members.contains($0.dst) && $0.src != $0.dst }
            .sorted {
                let a = $0.src == centre || $0.dst == centre, b = $1.src == centre || $1.dst == centre
                if a != b { return a }
                let x = edges[$0]!.bytes, y = edges[$1]!.bytes
                return x != y ? x > y : ($0.src != $1.src ? $0.src < $1.src : $0.dst < $1.dst)
            }
            .prefix(Self.neighbourhoodEdges)
        let nodes = ([centre] + neighbours.sorted()).map {
            HostGraphSummary.NodeRef(id: $0.description, anomalous: anomalous.contains($0.description))
        }
        let feedEdges = inside.map { p in
            HostGraphSummary.Edge(src: p.src.description, dst: p.dst.description, flows: edges[p]!.flows,
                                  bytes: Double(edges[p]!.bytes), isNew: newEdges[p] != nil)
        }
        return .init(centre: centre.description, nodes: nodes, edges: feedEdges)
    }
}
