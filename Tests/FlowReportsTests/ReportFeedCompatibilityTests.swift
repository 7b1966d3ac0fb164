import FlowArtifacts
import FlowCore
import FlowModels
import FlowReportFeed
import Foundation
import Testing
@testable import FlowReports
import FlowTestSupport

/// The feed `floe-score` writes (FlowArtifacts' `ReportFeed`, built by FlowModels) reads
/// back with the same type and fills the report's Clusters and Host graph sections.
@Suite struct ReportFeedCompatibilityTests {
    @Test func scoredFeedDecodesAndFillsTheReport() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let demo = try ReportDemoData(root: tmp.path + "/demo", rows: 20_000, days: 2)
        let models = tmp.sub("models"), scores = tmp.sub("scores")
        var config = ModelsConfig()
        config.internalNetworks = [NetworkPrefix("10.0.0.0/8")!, NetworkPrefix("fd00::/8")!]
        config.kmeans.k = 5
        config.kmeans.nInit = 1
        config.dbscan.maxPoints = 2_000
        try ModelPipeline.train(config: config, input: demo.dataset, output: models, floeVersion: "test")
        let (_, anomalies) = try ModelPipeline.score(models: models, input: demo.dataset, dates: [], output: scores, floeVersion: "test")

        let feed = try ReportFeed.load(path: scores + "/" + ReportFeed.fileName)
        #expect(feed.feedVersion == 1)
        #expect(feed.tool == "floe-score")
        #expect(feed.series.map(\.name) == ["bytes", "packets", "flows"])
        #expect(feed.models.map(\.name) == ["clusters", "density", "graph", "timeseries"])
        #expect(feed.models.allSatisfy { $0.fingerprint?.hasPrefix("xxh64:") == true && !$0.trainedOn.isEmpty })
        #expect(feed.models[0].parameters["k"] == .number(5))

        let clusters = try #require(feed.clusters)
        #expect(clusters.algorithm == "k-means")
        #expect(clusters.subject == "hosts per window")
        #expect(clusters.clusters.map(\.id) == Array(0..<5))
        #expect(clusters.clusters.allSatisfy { Set($0.centre.keys) == Set(clusters.features) && !$0.name.isEmpty })
        let projection = try #require(clusters.projection)
        #expect(projection.points.count > 50 && projection.points.count <= 2_000)
        #expect(projection.points.allSatisfy { $0.x.isFinite && $0.y.isFinite && (0..<5).contains($0.cluster) && $0.label != nil })
        #expect(projection.points.filter(\.outlier).count == min(Int(clusters.outliers ?? 0), 1_000))
        #expect(projection.xLabel.hasPrefix("PC1") && projection.yLabel.hasPrefix("PC2"))

        let graph = try #require(feed.hostGraph)
        #expect((graph.nodeCount ?? 0) >= Int64(graph.top.count))
        #expect(graph.top.count == 10)
        #expect(graph.top.allSatisfy { $0.pagerank > 0 && $0.pagerank < 1 && $0.degree > 0 })
        let hood = try #require(graph.neighbourhood)
        #expect(hood.nodes.count <= 25)
        #expect(hood.nodes.first?.id == hood.centre)
        #expect(hood.edges.allSatisfy { e in hood.nodes.contains { $0.id == e.src } && hood.nodes.contains { $0.id == e.dst } })
        #expect(anomalies.contains { $0.entity.components(separatedBy: " -> ")[0] == hood.centre })

        // The report shows them.
        var options = demo.options
        options.scoresDir = scores
        let input = try ReportLoader.load(options, toolVersion: "0.1.0")
        let markdown = MarkdownRenderer.render(ReportBuilder.document(input))
        #expect(markdown.contains(clusters.clusters[0].name))
        #expect(markdown.contains(graph.top[0].host))
    }
}
