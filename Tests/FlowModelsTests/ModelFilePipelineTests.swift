import FlowCore
import FlowColumnar
import Foundation
import Testing
@testable import FlowFeatures
@testable import FlowModels
import FlowTestSupport

@Suite struct ModelFilePipelineTests {
    @Test func trainThenScoreFindsThePortScan() throws {
        let data = try makeDataset(rows: 40_000, days: 2, seed: 21, anomalies: true)
        let models = temporaryFolder("models"), scores = temporaryFolder("scores")
        defer { for f in [data, models, scores] { try? FileManager.default.removeItem(atPath: f) } }
        var config = ModelsConfig()
        config.internalNetworks = [NetworkPrefix("10.0.0.0/8")!, NetworkPrefix("fd00::/8")!]
        config.kmeans.k = 3
        config.kmeans.nInit = 1
        config.dbscan.maxPoints = 3_000
        let index = try ModelPipeline.train(config: config, input: data, output: models, floeVersion: "test")
        #expect(index.models.map(\.kind) == ["clusters", "density", "graph", "timeseries"])
        #expect(index.training.files.count == 2)
        #expect(index.training.files.allSatisfy { $0.fingerprint.xxh64 != 0 })
        let clusters = try ModelFile.read(ClusterModelFile.self, path: models + "/clusters.json", kind: "clusters")
        #expect(clusters.centres.count == 3)
        #expect(clusters.features.map(\.name) == HostProfiles.names)

        let (manifest, anomalies) = try ModelPipeline.score(models: models, input: data, dates: [], output: scores, floeVersion: "test")
        #expect(manifest.dates.count == 2)
        #expect(FileManager.default.fileExists(atPath: scores + "/anomalies.csv"))
        #expect(FileManager.default.fileExists(atPath: scores + "/manifest.json"))
        for output in manifest.outputs {
            let reader = try ArrowFileReader(path: scores + "/" + output.file)
            #expect(reader.recordBatchCount <= 1)
        }
        let graph = try ArrowFileReader(path: scores + "/graph-\(manifest.dates[0]).arrow")
        #expect(graph.columnIndex(named: "pagerank") != nil)
        // The generator's scanner sweeps 1,024 ports with bare SYNs: a port_scan row names it.
        #expect(anomalies.contains { $0.kind == "port_scan" })
        #expect(anomalies.map(\.rank) == Array(1...anomalies.count))

        // A model file from a newer floe is refused when scoring.
        let path = models + "/clusters.json"
        let text = try String(contentsOfFile: path, encoding: .utf8)
            .replacingOccurrences(of: "\"version\" : \(ModelFile.version)", with: "\"version\" : \(ModelFile.version + 1)")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: FlowModelsError.self) {
            try ModelPipeline.score(models: models, input: data, dates: [], output: scores, floeVersion: "test")
        }
    }
}
