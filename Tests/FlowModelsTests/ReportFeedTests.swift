import FlowArtifacts
import FlowCore
import Foundation
import Testing
@testable import FlowFeatures
@testable import FlowModels
@testable import FlowReportFeed
import FlowTestSupport

@Suite struct ReportFeedTests {
    @Test func principalComponentsFindTheLineAndFixTheSign() {
        var pca = PrincipalComponents(dimensions: 3)
        var x = FeatureMatrix(rows: 1, names: ["a", "b", "c"])
        for i in 0..<200 {
            let t = Double(i) - 100
            // Along (−1, −2, 0) scaled, with a little spread on c.
            x[0, 0] = -t; x[0, 1] = -2 * t; x[0, 2] = Double(i % 3) - 1
            pca.add(x, row: 0)
        }
        let c = pca.components(2)
        #expect(c.count == 2)
        let v = c[0].vector
        // Sign is fixed: the largest loading (b) is positive.
        #expect(abs(v[0] - 1 / 5.0.squareRoot()) < 1e-4)
        #expect(abs(v[1] - 2 / 5.0.squareRoot()) < 1e-4)
        #expect(abs(v[2]) < 1e-3)  // c is nearly uncorrelated with the line
        #expect(c[0].variance > c[1].variance)
        #expect(abs(c[1].vector[2]) > 0.999)
    }

    @Test func jacobiSolvesASymmetricMatrix() {
        let a: [Double] = [4, 1, 2, 1, 3, 0.5, 2, 0.5, 5]
        let (values, vectors) = PrincipalComponents.jacobiEigen(a, 3)
        for k in 0..<3 {
            for i in 0..<3 {
                var av = 0.0
                for j in 0..<3 { av += a[i * 3 + j] * vectors[j * 3 + k] }
                #expect(abs(av - values[k] * vectors[i * 3 + k]) < 1e-9)
            }
        }
        #expect(abs(values.reduce(0, +) - 12) < 1e-9)
    }

    @Test func clusterNamesSayWhatSetsACentreApart() {
        let names = HostProfiles.names
        let d = names.count
        var peers = [Double](repeating: 0.1, count: d)
        peers[1] = 2.5   // distinct_peers high
        peers[5] = -1.8  // mean_flow_bytes low
        var upload = [Double](repeating: 0.1, count: d)
        upload[3] = 3    // bytes_out_in_log_ratio high
        let plain = [Double](repeating: 0.1, count: d)
        let named = ClusterNames.names(scaledCentres: [peers, upload, plain, plain], features: names)
        #expect(Set(named[0].components(separatedBy: ", ")) == ["many peers", "tiny flows"])
        #expect(named[1] == "bulk uploads")
        // Features where the centres agree say nothing.
        #expect(named[2] == "typical" && named[3] == "typical")
        #expect(ClusterNames.unique(named) == [named[0], "bulk uploads", "typical (2)", "typical (3)"])
        #expect(ClusterNames.unique(["a", "b", "a"]) == ["a (0)", "b", "a (2)"])
    }

    @Test func seriesWriteNullsForMissingAndNonFiniteValues() throws {
        let s = ForecastSeries(name: "bytes", unit: "bytes", bucketMillis: 60_000, start: 1_000, observed: [1, nil, .nan],
                               forecast: [2.5], lower: [], upper: [], level: 0.95, model: "m")
        let folder = temporaryFolder("feed")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = try ReportFeedCollector.write(ReportFeed(version: "t", models: [], series: [s]), folder: folder)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("\"observed\":[1,null,null]"))
        #expect(text.contains("\"bucket_ms\":60000"))
        #expect(text.contains("\"feed_version\":1"))
        #expect(!text.contains("clusters"))
    }

    @Test func scoringWritesADeterministicFeed() throws {
        let data = try makeDataset(rows: 30_000, days: 2, seed: 33, anomalies: true)
        let models = temporaryFolder("models"), a = temporaryFolder("scores-a"), b = temporaryFolder("scores-b")
        defer { for f in [data, models, a, b] { try? FileManager.default.removeItem(atPath: f) } }
        var config = ModelsConfig()
        config.internalNetworks = [NetworkPrefix("10.0.0.0/8")!, NetworkPrefix("fd00::/8")!]
        config.kmeans.k = 4
        config.kmeans.nInit = 1
        config.dbscan.maxPoints = 2_000
        try ModelPipeline.train(config: config, input: data, output: models, floeVersion: "test")
        let (_, anomalies) = try ModelPipeline.score(models: models, input: data, dates: [], output: a, floeVersion: "test")
        try ModelPipeline.score(models: models, input: data, dates: [], output: b, floeVersion: "test")
        let bytesA = try #require(FileManager.default.contents(atPath: a + "/report-feed.json"))
        let bytesB = try #require(FileManager.default.contents(atPath: b + "/report-feed.json"))
        #expect(bytesA == bytesB)

        let feed = try #require(try JSONSerialization.jsonObject(with: bytesA) as? [String: Any])
        #expect(feed["feed_version"] as? Int == 1)
        // The time-series kind feeds the report's traffic series.
        #expect((feed["series"] as? [[String: Any]])?.map { $0["name"] as? String } == ["bytes", "packets", "flows"])
        let modelList = try #require(feed["models"] as? [[String: Any]])
        #expect(modelList.map { $0["name"] as? String } == ["clusters", "density", "graph", "timeseries"])
        for m in modelList {
            #expect((m["fingerprint"] as? String)?.hasPrefix("xxh64:") == true)
            #expect((m["trained_on"] as? [String])?.count == 2)
        }
        #expect((modelList[0]["parameters"] as? [String: Any])?["k"] as? Int == 4)
        #expect((modelList[1]["parameters"] as? [String: Any])?["eps"] is Double)

        let clusters = try #require(feed["clusters"] as? [String: Any])
        #expect(clusters["features"] as? [String] == HostProfiles.names)
        let list = try #require(clusters["clusters"] as? [[String: Any]])
        #expect(list.count == 4)
        let projection = try #require(clusters["projection"] as? [String: Any])
        let points = try #require(projection["points"] as? [[String: Any]])
        let sizes = list.compactMap { $0["size"] as? Int }
        #expect(points.count == min(2_000, sizes.reduce(0, +)))
        #expect(points.count > 100)
        let outlierPoints = points.filter { $0["outlier"] as? Bool == true }.count
        let outliers = try #require(clusters["outliers"] as? Int)
        #expect(outlierPoints == min(outliers, 1_000))
        #expect(outliers >= anomalies.filter { $0.kind == "cluster_outlier" }.count)
        for c in list {
            let centre = try #require(c["centre"] as? [String: Double])
            #expect(Set(centre.keys) == Set(HostProfiles.names))
            #expect(centre["flows"]! >= 0)
            #expect(!(c["name"] as? String ?? "").isEmpty)
        }

        let graph = try #require(feed["host_graph"] as? [String: Any])
        let top = try #require(graph["top"] as? [[String: Any]])
        #expect(top.count == 10)
        let ranks = top.compactMap { $0["pagerank"] as? Double }
        #expect(ranks == ranks.sorted(by: >))
        #expect((graph["nodes"] as? Int ?? 0) > 10)
        let hood = try #require(graph["neighbourhood"] as? [String: Any])
        let nodes = try #require(hood["nodes"] as? [[String: Any]])
        #expect(nodes.count <= 25 && nodes.count >= 2)
        #expect(nodes.first?["id"] as? String == hood["centre"] as? String)
        #expect(nodes.first?["anomalous"] as? Bool == true)
        let edges = try #require(hood["edges"] as? [[String: Any]])
        let ids = Set(nodes.compactMap { $0["id"] as? String })
        #expect(!edges.isEmpty)
        #expect(edges.allSatisfy { ids.contains($0["src"] as? String ?? "") && ids.contains($0["dst"] as? String ?? "") })
        // The first anomaly naming a host is the centre.
        // (Series anomalies such as `total.flows` name no host.)
        let firstHost = anomalies.lazy.map { $0.entity.components(separatedBy: " -> ")[0] }.first { IPAddress($0) != nil }
        #expect(hood["centre"] as? String == firstHost)
    }
}
