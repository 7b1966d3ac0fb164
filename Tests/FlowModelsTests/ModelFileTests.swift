import FlowArtifacts
import FlowConfig
import FlowCore
import FlowColumnar
import FlowIO
import Foundation
import Testing
@testable import FlowDetection
@testable import FlowFeatures
@testable import FlowModels
import FlowTestSupport

@Suite struct ModelFileTests {
    struct Toy: Codable, Equatable {
        var format = ModelFile.format
        var version = ModelFile.version
        var kind = "toy"
        var value: Double
    }

    @Test func roundTripAndVersionRefusal() throws {
        let folder = temporaryFolder("files")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/toy.json"
        try ModelFile.write(Toy(value: 2.5), to: path)
        #expect(try ModelFile.read(Toy.self, path: path, kind: "toy") == Toy(value: 2.5))
        // Another kind is refused.
        #expect(throws: FlowModelsError.self) { try ModelFile.read(Toy.self, path: path, kind: "clusters") }
        // A newer and an older version are refused with a message saying which.
        for (version, word) in [(ModelFile.version + 1, "newer"), (0, "older")] {
            try ModelFile.write(Toy(version: version, value: 1), to: path)
            do {
                _ = try ModelFile.read(Toy.self, path: path, kind: "toy")
                Issue.record("version \(version) was read")
            } catch let error as FlowModelsError {
                #expect(error.description.contains(word))
                #expect(error.description.contains(path))
            }
        }
        // Not JSON at all.
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: FlowModelsError.self) { try ModelFile.read(Toy.self, path: path, kind: "toy") }
    }

    @Test func sidecarChecksSizeAndFingerprint() throws {
        let folder = temporaryFolder("sidecar")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let ref = try ModelFile.writeSidecar([1, 2, 3, 4, 5, 6], rows: 3, columns: 2, folder: folder, name: "m.f64")
        #expect(try ModelFile.readSidecar(ref, folder: folder) == [1, 2, 3, 4, 5, 6])
        var bad = ref
        bad.fingerprint = Fingerprint(xxh64: ref.fingerprint.xxh64 ^ 1)
        #expect(throws: FlowModelsError.self) { try ModelFile.readSidecar(bad, folder: folder) }
        bad = ref
        bad.rows = 4
        #expect(throws: FlowModelsError.self) { try ModelFile.readSidecar(bad, folder: folder) }
    }

    @Test func configDecodesSectionWithLenientNumbers() throws {
        let json = """
        {"name": "x", "models": {"features": "flow", "window_minutes": 30, "scaler": "standard",
         "internal_networks": ["10.0.0.0/8"], "seed": 5,
         "kmeans": {"k": "auto", "k_range": [3, 5], "n_init": 2, "tol": "1e-3",
                    "mini_batch": {"enabled": true, "batch_size": 512}},
         "dbscan": {"eps": 0.7, "min_samples": 4}, "graph": {"pagerank_weight": "bytes"}}}
        """
        let c = try ModelsConfig.decode(json: Data(json.utf8), source: "test.yaml")
        #expect(c.features == .flow && c.windowMinutes == 30 && c.scaler == .standard && c.seed == 5)
        #expect(c.kmeans.k == nil && c.kmeans.kRange == 3...5 && c.kmeans.nInit == 2 && c.kmeans.tol == 1e-3)
        #expect(c.kmeans.miniBatch.enabled && c.kmeans.miniBatch.batchSize == 512)
        #expect(c.dbscan.eps == 0.7 && c.dbscan.minSamples == 4)
        #expect(c.graph.pageRankWeight == .bytes)
        let fixed = try ModelsConfig.decode(json: Data(#"{"kmeans": {"k": 7}, "dbscan": {"eps": "auto"}}"#.utf8), source: "t")
        #expect(fixed.kmeans.k == 7 && fixed.dbscan.eps == nil)
        for bad in [#"{"scaler": "zscore"}"#, #"{"kmeans": {"k": 0}}"#, #"{"internal_networks": ["10/8"]}"#, #"{"kmeans": {"tol": "x"}}"#] {
            #expect(throws: ConfigError.self) { try ModelsConfig.decode(json: Data(bad.utf8), source: "t") }
        }
    }

    /// The pipeline settings' internal_networks replace the default and are recorded in the
    /// section (so models.json, and scoring, keep them) unless the section sets its own.
    @Test func internalNetworksSettingAppliesUnlessTheSectionSetsThem() throws {
        let setting = [NetworkPrefix("192.0.2.0/24")!]
        var plain = try ModelsConfig.decode(json: Data("{}".utf8), source: "t")
        plain.applyInternalNetworksSetting(setting)
        #expect(plain.internalNetworks == setting)
        #expect(String(decoding: plain.sectionJSON, as: UTF8.self) == #"{"internal_networks":["192.0.2.0\/24"]}"#)
        #expect(try ModelsConfig.decode(json: plain.sectionJSON, source: "models.json").internalNetworks == setting)
        var own = try ModelsConfig.decode(json: Data(#"{"internal_networks": ["10.0.0.0/8"]}"#.utf8), source: "t")
        own.applyInternalNetworksSetting(setting)
        #expect(own.internalNetworks == [NetworkPrefix("10.0.0.0/8")!])
        var same = try ModelsConfig.decode(json: Data("{}".utf8), source: "t")
        same.applyInternalNetworksSetting(NetworkPrefix.privateRanges)
        #expect(String(decoding: same.sectionJSON, as: UTF8.self) == "{}")  // nothing to record: models.json stays as it was
    }

    @Test func anomalyTableRanksMergesAndWritesBothFiles() throws {
        let folder = temporaryFolder("table")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let hour: Int64 = 3_600_000
        let records = [
            AnomalyRecord(kind: "port_scan", entity: "10.0.0.1", start: 0, end: hour, score: 2, evidence: "1,024 ports"),
            AnomalyRecord(kind: "port_scan", entity: "10.0.0.1", start: hour, end: 2 * hour, score: 3, evidence: "later"),
            AnomalyRecord(kind: "new_heavy_edge", entity: "a -> b", start: 0, end: hour, score: 5, evidence: "say \"hi\""),
        ]
        let ranked = AnomalyTable.ranked(AnomalyTable.merged(records))
        #expect(ranked.count == 2)
        #expect(ranked[0].kind == "new_heavy_edge" && ranked[0].rank == 1)
        #expect(ranked[1].start == 0 && ranked[1].end == 2 * hour && ranked[1].score == 3 && ranked[1].evidence == "later")
        try AnomaliesFile.write(ranked.map(\.row), folder: folder)
        let csv = try String(contentsOfFile: folder + "/anomalies.csv", encoding: .utf8)
        let lines = csv.split(separator: "\n")
        // The original seven columns first, then severity, p_value, incident.
        #expect(lines[0] == "rank,kind,entity,start,end,score,evidence,severity,p_value,incident")
        #expect(lines[1] == #"1,new_heavy_edge,a -> b,1970-01-01T00:00:00.000Z,1970-01-01T01:00:00.000Z,5.0,"say ""hi""",0,1.0000,"#)
        #expect(lines[2] == "2,port_scan,10.0.0.1,1970-01-01T00:00:00.000Z,1970-01-01T02:00:00.000Z,3.0,later,0,1.0000,")
        let reader = try ArrowFileReader(path: folder + "/anomalies.arrow")
        #expect(reader.fields.map(\.name) == ["rank", "kind", "entity", "start", "end", "score", "evidence", "severity", "p_value", "incident"])
        #expect(reader.fields[3].type == .timestamp(unit: .millisecond, timezone: "UTC"))
        let batch = try reader.recordBatch(at: 0)
        #expect(batch.rowCount == 2)
        #expect(Array(try batch.values(column: 4, as: Int64.self)) == [hour, 2 * hour])
        #expect(try batch.utf8(column: 2).string(at: 0) == "a -> b")
        #expect(Array(try batch.values(column: 5, as: Double.self)) == [5, 3])
    }
}
