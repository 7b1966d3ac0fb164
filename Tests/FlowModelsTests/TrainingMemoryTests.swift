import FlowCore
import Foundation
import Testing
@testable import FlowFeatures
@testable import FlowModels
import FlowTestSupport

/// floe-train within `memory_budget_mb`: over the budget the kinds read the days one at a
/// time (the same models as holding the whole table), and beyond the training matrix's
/// row cap the clustering kinds fit a deterministic per-day sample, recorded in models.json.
@Suite struct TrainingMemoryTests {
    static func config(budgetMB: Int, hostMinFlows: Int = 10) -> ModelsConfig {
        var c = ModelsConfig()
        c.internalNetworks = [NetworkPrefix("10.0.0.0/8")!, NetworkPrefix("fd00::/8")!]
        c.kmeans.k = 3
        c.kmeans.nInit = 1
        c.dbscan.maxPoints = 3_000
        c.hostMinFlows = hostMinFlows
        c.memoryBudgetMB = budgetMB
        return c
    }

    /// Every file of `folder` but models.json, by name (backtest.json without its
    /// wall-clock `fit_seconds` lines).
    static func modelFiles(_ folder: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder)
            where !name.hasPrefix(".") && name != ModelsIndex.fileName {
            var bytes = FileManager.default.contents(atPath: folder + "/" + name) ?? Data()
            if name == "backtest.json" {
                bytes = Data(String(decoding: bytes, as: UTF8.self).split(separator: "\n")
                    .filter { !$0.contains("fit_seconds") }.joined(separator: "\n").utf8)
            }
            out[name] = bytes
        }
        return out
    }

    @Test func overTheBudgetTheDaysStreamToTheSameModels() throws {
        let data = try makeDataset(rows: 30_000, days: 4, seed: 5, anomalies: true)
        let whole = temporaryFolder("whole"), streamed = temporaryFolder("streamed")
        defer { for f in [data, whole, streamed] { try? FileManager.default.removeItem(atPath: f) } }
        let held = try ModelPipeline.train(config: Self.config(budgetMB: 4096), input: data, output: whole, floeVersion: "test")
        var lines: [String] = []
        let index = try ModelPipeline.train(config: Self.config(budgetMB: 4), input: data, output: streamed, floeVersion: "test") {
            lines.append($0)
        }
        #expect(held.memory == nil)
        #expect(index.memory == ModelsIndex.Memory(budgetMB: 4, streamed: true, sample: nil))
        #expect(lines.contains { $0.hasPrefix("streaming 30000 flows of 4 days a day at a time") })
        #expect(ResidentMemory.peakMiB().map { $0 > 0 } ?? true)
        #expect(index.models == held.models)
        #expect(index.models.map(\.kind) == ["history", "clusters", "density", "graph", "timeseries"])
        #expect(index.training.rows == held.training.rows)
        let a = try Self.modelFiles(whole), b = try Self.modelFiles(streamed)
        #expect(a.keys.sorted() == b.keys.sorted())
        for (name, bytes) in a { #expect(b[name] == bytes, "\(name) differs") }
    }

    /// With room in the budget the time series train on a second thread beside the kinds
    /// on the shared flows: the same model files, every kind's line once, in plan order in
    /// models.json.
    @Test func theTimeSeriesTrainAlongsideWhenTheBudgetHasRoom() throws {
        #expect(TrainingMemory(budgetMB: 4096, rows: 30_000, windowMinutes: 60).trainsOwnReadersAlongside)
        #expect(!TrainingMemory(budgetMB: 8, rows: 30_000, windowMinutes: 60).trainsOwnReadersAlongside)
        #expect(!TrainingMemory(budgetMB: 8, rows: 30_000, windowMinutes: 60).streams)
        #expect(!TrainingMemory(budgetMB: 4, rows: 30_000, windowMinutes: 60).trainsOwnReadersAlongside)
        let data = try makeDataset(rows: 30_000, days: 4, seed: 5, anomalies: true)
        let alongside = temporaryFolder("alongside"), after = temporaryFolder("after")
        defer { for f in [data, alongside, after] { try? FileManager.default.removeItem(atPath: f) } }
        var lines: [String] = [], sequentialLines: [String] = []
        let index = try ModelPipeline.train(config: Self.config(budgetMB: 4096), input: data, output: alongside,
                                            floeVersion: "test") { lines.append($0) }
        let sequential = try ModelPipeline.train(config: Self.config(budgetMB: 8), input: data, output: after,
                                                 floeVersion: "test") { sequentialLines.append($0) }
        #expect(lines.contains { $0.hasPrefix("training timeseries beside the other kinds") })
        #expect(!sequentialLines.contains { $0.contains("beside the other kinds") })
        #expect(index.models.map(\.kind) == ["history", "clusters", "density", "graph", "timeseries"])
        #expect(index.models == sequential.models)
        for kind in index.models.map(\.kind) {
            #expect(lines.filter { $0.hasPrefix("trained \(kind) in ") }.count == 1, "\(kind)")
        }
        let a = try Self.modelFiles(alongside), b = try Self.modelFiles(after)
        #expect(a.keys.sorted() == b.keys.sorted())
        for (name, bytes) in a { #expect(b[name] == bytes, "\(name) differs") }
    }

    @Test func aSmallBudgetSamplesTheClusteringMatrixDeterministically() throws {
        let data = try makeDataset(rows: 30_000, days: 4, seed: 6)
        let first = temporaryFolder("first"), second = temporaryFolder("second"), whole = temporaryFolder("whole")
        defer { for f in [data, first, second, whole] { try? FileManager.default.removeItem(atPath: f) } }
        let config = Self.config(budgetMB: 1, hostMinFlows: 1)
        let cap = TrainingMemory(budgetMB: 1, rows: 30_000, windowMinutes: 60).matrixRowCap(columns: HostProfiles.names.count)
        var lines: [String] = []
        let index = try ModelPipeline.train(config: config, input: data, output: first, floeVersion: "test") { lines.append($0) }
        let again = try ModelPipeline.train(config: config, input: data, output: second, floeVersion: "test")
        let held = try ModelPipeline.train(config: Self.config(budgetMB: 4096, hostMinFlows: 1), input: data, output: whole,
                                           floeVersion: "test")
        let sample = try #require(index.memory?.sample)
        #expect(sample.featureSet == "host")
        #expect(sample.rows <= cap && sample.rows > cap * 9 / 10)
        let clusters = try ModelFile.read(ClusterModelFile.self, path: first + "/clusters.json", kind: "clusters")
        let wholeClusters = try ModelFile.read(ClusterModelFile.self, path: whole + "/clusters.json", kind: "clusters")
        #expect(clusters.trainingRows == sample.rows)
        #expect(sample.of == wholeClusters.trainingRows)
        #expect(sample.of > sample.rows)
        #expect(lines.contains { $0.contains("training matrix: sampled \(sample.rows) of \(sample.of) rows") })
        // No process fits in 1 MiB: the log says the budget was not kept.
        #expect(lines.contains { $0.hasPrefix("warning: peak resident memory ") && $0.contains("over the memory budget of 1 MiB") })
        // Same seed, same data, same budget: the same sample and models, byte for byte.
        #expect(again.memory == index.memory)
        let a = try Self.modelFiles(first), b = try Self.modelFiles(second)
        for (name, bytes) in a { #expect(b[name] == bytes, "\(name) differs") }
        // The graph and the history are exact aggregates: sampling leaves them as held.
        let c = try Self.modelFiles(whole)
        for name in ["graph.json", "history.json", "history-pairs.f64"] { #expect(a[name] == c[name], "\(name) differs") }
    }

    @Test func eachDayKeepsItsShareOfTheRowsLeft() {
        func rows(_ n: Int, from: Int) -> FeatureMatrix {
            FeatureMatrix(rows: n, columns: 1, values: (0..<n).map { Double(from + $0) }, names: ["x"])
        }
        func run(seed: UInt64) -> TrainingMatrixSample {
            var s = TrainingMatrixSample(names: ["x"], cap: 30, days: 3, seed: seed)
            s.add(rows(4, from: 0), day: 100)      // share 10: all 4 kept
            s.add(rows(40, from: 100), day: 101)   // share (30 − 4) / 2 = 13
            s.add(rows(20, from: 200), day: 102)   // share 13 (the rest)
            return s
        }
        let s = run(seed: 1)
        #expect(s.matrix.rows == 30)
        #expect(s.offered == 64)
        #expect(s.sampled)
        #expect(Array(s.matrix.values.prefix(4)) == [0, 1, 2, 3])
        #expect(s.matrix.values[4..<17].allSatisfy { $0 >= 100 && $0 < 140 })
        #expect(s.matrix.values[17...].allSatisfy { $0 >= 200 && $0 < 220 })
        #expect(s.matrix.values[4..<17].elementsEqual(s.matrix.values[4..<17].sorted()))
        #expect(run(seed: 1).matrix == s.matrix)
        #expect(run(seed: 2).matrix != s.matrix)
        // Under the cap nothing is sampled.
        var all = TrainingMatrixSample(names: ["x"], cap: 100, days: 2, seed: 1)
        all.add(rows(40, from: 0), day: 1)
        all.add(rows(50, from: 40), day: 2)
        #expect(!all.sampled)
        #expect(all.matrix == rows(90, from: 0))
    }

    @Test func budgetDecidesWhetherTrainingStreams() {
        #expect(!TrainingMemory(budgetMB: 512, rows: 1_000_000, windowMinutes: 60).streams)
        let big = TrainingMemory(budgetMB: 512, rows: 6_721_828, windowMinutes: 60)
        #expect(big.streams)
        #expect(big.unboundedReason == nil)
        let odd = TrainingMemory(budgetMB: 512, rows: 6_721_828, windowMinutes: 7)
        #expect(!odd.streams)
        #expect(odd.unboundedReason != nil)
        #expect(big.matrixRowCap(columns: 9) == Int(Double(512 << 20) * 0.4) / (9 * 32))
    }
}
