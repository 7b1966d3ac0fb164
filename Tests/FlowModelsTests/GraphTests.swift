import FlowCore
import Testing
@testable import FlowFeatures
@testable import FlowGraph
@testable import FlowModels

/// A FlowTable from (source, destination, bytes, start) tuples over hosts 0…n-1.
func table(_ flows: [(Int32, Int32, UInt64, Int64)], hosts: Int, flags: UInt8 = 0x1B) -> FlowTable {
    var t = FlowTable()
    t.hosts = (0..<hosts).map { IPAddress(ipv4: 0x0A00_0000 | UInt32($0 + 1)) }
    t.hostIsInternal = Array(repeating: true, count: hosts)
    for (s, d, b, start) in flows {
        t.start.append(start); t.duration.append(100); t.source.append(s); t.destination.append(d)
        t.destinationPort.append(443); t.proto.append(6); t.tcpFlags.append(flags); t.flagsKnown.append(true)
        t.packets.append(max(1, b / 500)); t.bytes.append(b); t.reverseBytes.append(0); t.direction.append(.internalTraffic)
    }
    return t
}

@Suite struct GraphTests {
    @Test func pageRankOfACycleIsUniform() {
        let t = table([(0, 1, 10, 0), (1, 2, 10, 0), (2, 0, 10, 0)], hosts: 3)
        let g = HostGraph.build(t, rows: 0..<t.count)
        let r = PageRank.compute(g)
        #expect(r.converged)
        for s in r.scores { #expect(abs(s - 1.0 / 3) < 1e-9) }
    }

    @Test func pageRankWithDanglingNodeMatchesClosedForm() {
        // 0 → 1, 1 dangling. Stationary: x1 = 0.85 (x0 + x1/2) + 0.075, x0 = 0.85 x1/2 + 0.075.
        let t = table([(0, 1, 10, 0)], hosts: 2)
        let g = HostGraph.build(t, rows: 0..<t.count)
        let r = PageRank.compute(g, tol: 1e-12, maxIter: 500)
        // Solve the 2×2 system directly.
        // x0 = 0.425 x1 + 0.075; x1 = 0.85 x0 + 0.425 x1 + 0.075 → x1 (0.575) = 0.85 x0 + 0.075.
        let a = (0.85 * 0.075 + 0.075) / (0.575 - 0.85 * 0.425)
        let b = 0.425 * a + 0.075
        #expect(abs(r.scores[1] - a) < 1e-9)
        #expect(abs(r.scores[0] - b) < 1e-9)
        #expect(abs(r.scores.reduce(0, +) - 1) < 1e-9)
    }

    @Test func measuresCountFansDegreesAndComponents() {
        // 0 → 1, 0 → 2, 1 → 0 (two flows), 3 → 4.
        let t = table([(0, 1, 100, 0), (0, 2, 100, 0), (1, 0, 50, 0), (1, 0, 50, 0), (3, 4, 7, 0)], hosts: 5)
        let g = HostGraph.build(t, rows: 0..<t.count)
        #expect(g.edges.count == 4)
        let m = g.measures()
        let node = { (h: Int32) in g.nodes.firstIndex(of: h)! }
        #expect(m.fanOut[node(0)] == 2 && m.fanIn[node(0)] == 1)
        #expect(m.degree[node(0)] == 2 && m.degree[node(1)] == 1)
        #expect(m.weightedDegree[node(0)] == 300)
        #expect(m.component[node(0)] == m.component[node(2)])
        #expect(m.component[node(3)] != m.component[node(0)])
        #expect(m.component[node(3)] == m.component[node(4)])
    }

    @Test func scanScoreSeparatesProbesFromClients() {
        let scanner = ScanScore.compute(failedShare: 1, distinctPorts: 1024, fanOut: 3, meanFlowBytes: 44)
        let client = ScanScore.compute(failedShare: 0.05, distinctPorts: 6, fanOut: 20, meanFlowBytes: 20_000)
        #expect(scanner > 9.9)
        #expect(client < 0.1)
    }
}
