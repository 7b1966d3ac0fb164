import FlowArtifacts
import FlowModels
import Foundation
import Testing
@testable import FlowReports

/// A small hand-made report compared byte for byte with the files in Golden/. After an
/// intended change, regenerate them with `FLOE_UPDATE_GOLDEN=1 swift test --filter GoldenTests`
/// and review the diff.
@Suite struct GoldenTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden").path
    static let day: Int64 = 20_758  // 2026-11-01, a Sunday
    static let start = day * 86_400_000

    static func smallInput() -> ReportInput {
        let hour: Int64 = 3_600_000
        let buckets = 288
        var flows: [UInt64] = []
        for i in 0..<buckets {
            let wave: Int = i % 48 < 24 ? i % 24 : 48 - i % 48
            let spike: Int = i == 30 ? 400 : 0
            flows.append(UInt64(20 + wave + spike))
        }
        let bytes = flows.map { $0 * 52_000 }
        var heatBytes = [UInt64](repeating: 0, count: 168)
        var heatFlows = [UInt64](repeating: 0, count: 168)
        for (i, f) in flows.enumerated() {
            heatFlows[6 * 24 + i / 12] += f
            heatBytes[6 * 24 + i / 12] += f * 52_000
        }
        let total = VolumeTotals(bytes: bytes.reduce(0, +), packets: flows.reduce(0, +) * 40, flows: flows.reduce(0, +))
        func v(_ name: String, _ b: UInt64, _ f: UInt64, detail: String? = nil) -> RankedVolume {
            RankedVolume(name: name, detail: detail, totals: VolumeTotals(bytes: b, packets: f * 40, flows: f))
        }
        let traffic = TrafficStats(
            periodStart: start, periodEnd: start + 86_400_000, bucketMillis: 300_000,
            bucketBytes: bytes, bucketPackets: flows.map { $0 * 40 }, bucketFlows: flows,
            heatmapBytes: heatBytes, heatmapFlows: heatFlows, totals: total,
            firstStart: start + 1_000, lastStart: start + 86_399_000, rowsOutsidePeriod: 0, sampledFlows: 0,
            distinctSources: 3, distinctDestinations: 2,
            topSourcesByBytes: [v("10.0.4.7", 300_000_000, 4_900), v("2001:db8::1", 90_000_000, 1_200), v("10.0.0.9", 2_000_000, 300)],
            topSourcesByFlows: [v("10.0.4.7", 300_000_000, 4_900), v("2001:db8::1", 90_000_000, 1_200)],
            topDestinationsByBytes: [v("198.51.100.7", 350_000_000, 5_000), v("10.0.0.1", 42_000_000, 1_400)],
            topServices: [v("https", 330_000_000, 5_100, detail: "TCP/443"), v("dns", 3_000_000, 1_000, detail: "UDP/53")],
            protocols: [v("TCP", 380_000_000, 5_600, detail: "6"), v("UDP", 12_000_000, 800, detail: "17")],
            directions: [v("inbound", 40_000_000, 900), v("outbound", 350_000_000, 5_000), v("internal", 2_000_000, 500), v("external", 0, 0)],
            emptyHours: [], partitions: [PartitionRead(date: "2026-11-01", path: "date=2026-11-01/part-00000.arrow", rows: 6_400, bytes: 812_345, fingerprint: "xxh64:00112233445566ff")])
        let anomalies = [
            AnomalyRow(rank: 1, kind: "port_scan", entity: "10.0.4.7", start: start + 2 * hour + 14 * 60_000, end: start + 2 * hour + 19 * 60_000,
                       score: 9.5, evidence: "4,812 distinct ports on 10.0.0.0/24; usual 3", severity: 88, pValue: 0.0001, incident: "inc-1"),
            AnomalyRow(rank: 2, kind: "volume_spike", entity: "flows", start: start + 30 * 300_000, end: start + 31 * 300_000,
                       score: 4.25, evidence: "420 flows per 5 min; expected 38", severity: 52, pValue: 0.002, incident: "inc-2"),
        ]
        let forecast = ForecastSeries(name: "flows", unit: "flows", bucketMillis: hour, start: start,
                                      observed: (0..<24).map { h in Double(flows[(h * 12)..<(h * 12 + 12)].reduce(0, +)) },
                                      forecast: (0..<24).map { _ in 300 }, lower: (0..<24).map { _ in 220 }, upper: (0..<24).map { _ in 380 },
                                      level: 0.95, model: "SARIMA(1,0,1)(1,0,1,24)")
        let clusters = ClusterSummary(algorithm: "k-means", subject: "flows", features: ["bytes", "duration_ms"],
                                      clusters: [.init(id: 0, size: 5_000, name: "bulk TCP downloads", centre: ["bytes": 60_000, "duration_ms": 9_000]),
                                                 .init(id: 1, size: 1_400, name: "short DNS lookups", centre: ["bytes": 120, "duration_ms": 20])],
                                      outliers: 2,
                                      projection: .init(points: [.init(x: -1, y: 0.5, cluster: 0), .init(x: -1.2, y: 0.4, cluster: 0),
                                                                 .init(x: 1.5, y: -0.3, cluster: 1), .init(x: 3.9, y: 2.2, cluster: 1, outlier: true, label: "10.0.4.7")]))
        let graph = HostGraphSummary(nodeCount: 5, edgeCount: 6,
                                     top: [.init(host: "10.0.4.7", pagerank: 0.31, degree: 3, inDegree: 0, outDegree: 3, bytes: 300_000_000)],
                                     newEdges: [.init(src: "10.0.4.7", dst: "10.0.0.9", flows: 4_812, bytes: 250_000)],
                                     neighbourhood: .init(centre: "10.0.4.7", nodes: [.init(id: "10.0.0.9", anomalous: true), .init(id: "198.51.100.7")],
                                                          edges: [.init(src: "10.0.4.7", dst: "10.0.0.9", bytes: 250_000, isNew: true),
                                                                  .init(src: "10.0.4.7", dst: "198.51.100.7", bytes: 300_000_000)]))
        let incidents = [
            Incident(rank: 1, id: "inc-1", kind: .portScan, severity: 88, start: start + 2 * hour + 14 * 60_000, end: start + 2 * hour + 19 * 60_000,
                     hosts: ["10.0.4.7", "10.0.0.9", "10.0.0.1"], ports: [22, 23, 80, 443, 3389, 8080, 8443, 5900, 21, 25], detections: [1],
                     summary: "10.0.4.7 probed 4,812 ports on two hosts in five minutes."),
            Incident(rank: 2, id: "inc-2", kind: .volumeSpike, severity: 52, start: start + 30 * 300_000, end: start + 31 * 300_000,
                     hosts: ["flows"], ports: [], detections: [2], summary: "Flows rose to eleven times the forecast for five minutes."),
        ]
        return ReportInput(title: "Small network, 2026-11-01", firstDay: day, lastDay: day, generatedAt: "2026-11-02T00:00:00Z", toolVersion: "0.1.0",
                           traffic: traffic, anomalies: anomalies, forecasts: [forecast], clusters: clusters, hostGraph: graph,
                           models: [ModelReference(name: "kmeans", path: "models/kmeans.json", fingerprint: "xxh64:0000000000000001")],
                           sources: [("dataset", "data/flows")], parameters: [("period", "2026-11-01")],
                           incidents: incidents)
    }

    @Test(arguments: ["small.html", "small.md", "chart-traffic-flows.svg"])
    func matchesGolden(name: String) throws {
        let files = ReportWriter.files(for: ReportBuilder.document(Self.smallInput()))
        let fileName = name.hasPrefix("small.") ? (name == "small.html" ? ReportWriter.htmlFileName : ReportWriter.markdownFileName) : name
        let produced = try #require(files.first { $0.name == fileName }).bytes
        let path = Self.folder + "/" + name
        if ProcessInfo.processInfo.environment["FLOE_UPDATE_GOLDEN"] == "1" {
            try Data(produced).write(to: URL(fileURLWithPath: path))
        }
        let expected = try #require(FileManager.default.contents(atPath: path), "missing \(path): run with FLOE_UPDATE_GOLDEN=1")
        #expect([UInt8](expected) == produced, "\(name) differs from the golden file; if intended, regenerate with FLOE_UPDATE_GOLDEN=1 and review the diff")
    }
}
