import FlowColumnar
import FlowCore
import FlowGenerate
import Foundation
import Testing
@testable import FlowModels
import FlowTestSupport

/// Generator data through train and score: every injected anomaly is exactly one incident,
/// and all of them are in the top (injected + 2) incidents.
@Suite struct IncidentEndToEndTests {
    @Test func everyInjectedAnomalyIsOneTopIncident() throws {
        let config = GeneratorConfig(rows: 60_000, days: 4, seed: 42, anomalies: true)
        let generator = try FlowGenerator(config: config)
        let batch = generator.makeBatch()
        // Principal host of each injected kind, from the rows' labels.
        var principal: [String: Set<String>] = [:]
        for i in 0..<batch.count {
            guard let label = batch.label[i], label != "benign" else { continue }
            let r = batch.record(at: i)
            let host = label == "ddos" ? r.dstAddr.description : r.srcAddr.description
            principal[label, default: []].insert(host)
        }
        #expect(principal.keys.sorted() == ["beaconing", "ddos", "exfiltration", "portscan"])
        let gap = try #require(generator.coverageGap)

        let data = try makeDataset(rows: config.rows, days: config.days, seed: config.seed, anomalies: true)
        let models = temporaryFolder("models"), scores = temporaryFolder("scores")
        defer { for f in [data, models, scores] { try? FileManager.default.removeItem(atPath: f) } }
        var c = ModelsConfig()
        c.internalNetworks = [NetworkPrefix("10.0.0.0/8")!, NetworkPrefix("fd00::/8")!]
        c.kmeans.k = 3
        c.kmeans.nInit = 1
        c.dbscan.maxPoints = 3_000
        try ModelPipeline.train(config: c, input: data, output: models, floeVersion: "test")
        let (_, anomalies) = try ModelPipeline.score(models: models, input: data, dates: [], output: scores, floeVersion: "test")
        let csv = try String(contentsOfFile: scores + "/incidents.csv", encoding: .utf8)
        let rows = csv.split(separator: "\n").dropFirst().map { parseCSVLine(String($0)) }
        let incidents = rows.map { (rank: Int($0[0])!, kind: $0[2], hosts: $0[6].split(separator: " ").map(String.init),
                                    start: $0[4], end: $0[5], detections: $0[8]) }
        let expected: [(label: String, kind: String)] = [("portscan", "port_scan"), ("ddos", "ddos"),
                                                         ("exfiltration", "exfiltration"), ("beaconing", "beaconing")]
        let injected = expected.count + 1
        var summary = ""
        for i in incidents.prefix(10) { summary += "\(i.rank) \(i.kind) \(i.hosts.prefix(2))\n" }
        for (label, kind) in expected {
            let host = try #require(principal[label]?.first)
            let matches = incidents.filter { $0.kind == kind && $0.hosts.first == host }
            #expect(matches.count == 1, "\(label) (\(host)): \(matches.count) incidents\n\(summary)")
            #expect((matches.first?.rank ?? .max) <= injected + 2, "\(label) ranked \(matches.first?.rank ?? -1)\n\(summary)")
        }
        let outages = incidents.filter {
            $0.kind == "exporter_outage" && $0.start < CivilTime.isoString(millis: gap.end) && $0.end > CivilTime.isoString(millis: gap.start)
        }
        #expect(outages.count == 1, "\(summary)")
        #expect((outages.first?.rank ?? .max) <= injected + 2, "\(summary)")
        // Every anomaly row belongs to exactly one incident.
        let members = incidents.flatMap { $0.detections.split(separator: " ").map { Int($0)! } }.sorted()
        #expect(members == Array(1...anomalies.count))
        // Rerunning gives byte-identical tables.
        let again = temporaryFolder("again")
        defer { try? FileManager.default.removeItem(atPath: again) }
        try ModelPipeline.score(models: models, input: data, dates: [], output: again, floeVersion: "test")
        for name in ["incidents.csv", "anomalies.csv", "incidents.arrow", "report-feed.json"] {
            #expect(FileManager.default.contents(atPath: scores + "/" + name) == FileManager.default.contents(atPath: again + "/" + name), "\(name)")
        }
    }

    /// A training window too short for every history-based model: training succeeds with
    /// what it could fit, says once per detector what it skipped, and scoring still runs
    /// the history-free detectors without flagging every host.
    @Test func thinTrainingSkipsHistoryModelsAndScoresWithTheRest() throws {
        let data = try makeDataset(rows: 400, days: 1, seed: 5, anomalies: false)
        let models = temporaryFolder("models"), scores = temporaryFolder("scores")
        defer { for f in [data, models, scores] { try? FileManager.default.removeItem(atPath: f) } }
        var log: [String] = []
        var c = ModelsConfig()
        c.internalNetworks = [NetworkPrefix("10.0.0.0/8")!]
        let index = try ModelPipeline.train(config: c, input: data, output: models, floeVersion: "test") { log.append($0) }
        #expect(index.models.map(\.kind).contains("graph"))
        #expect(!index.models.map(\.kind).contains("history"))
        for kind in ["history", "clusters", "density"] {
            let lines = log.filter { $0.hasPrefix("\(kind): skipped") }
            #expect(lines.count == 1, "\(kind): \(log)")
            #expect(lines.first?.contains("needs at least") == true || lines.first?.contains("needs a training window") == true, "\(lines)")
            #expect(log.filter { $0.hasPrefix("\(kind):") }.count == 1, "\(log)")
        }
        // A history.json left by an earlier training is not models.json's: it is not read.
        try "not a model".write(toFile: models + "/" + HostHistoryKind.fileName, atomically: true, encoding: .utf8)
        let (_, anomalies) = try ModelPipeline.score(models: models, input: data, dates: [], output: scores, floeVersion: "test")
        let hosts = Set(anomalies.flatMap(\.groupHosts))
        #expect(hosts.count < 10, "\(anomalies.map(\.entity))")
        #expect(FileManager.default.fileExists(atPath: scores + "/incidents.csv"))
    }

    /// Twelve seconds of traffic (the real-capture case): every history-based model is
    /// skipped with one line, training succeeds with the graph alone, scoring runs.
    @Test func twelveSecondsOfTrafficTrainsTheGraphAlone() throws {
        let generator = try FlowGenerator(config: GeneratorConfig(rows: 200_000, days: 1, seed: 3, anomalies: false))
        let batch = generator.makeBatch()
        let t0 = batch.start[batch.count / 2]   // midday: the busy hours
        var kept = FlowBatch()
        for i in 0..<batch.count where batch.start[i] >= t0 && batch.start[i] < t0 + 12_000 {
            kept.append(batch.record(at: i), labelText: "benign")
        }
        #expect(kept.count > 10)
        let data = temporaryFolder("twelve"), models = temporaryFolder("models"), scores = temporaryFolder("scores")
        defer { for f in [data, models, scores] { try? FileManager.default.removeItem(atPath: f) } }
        let partition = data + "/date=" + CivilTime.dateString(day: CivilTime.day(ofMillis: t0))
        try FileManager.default.createDirectory(atPath: partition, withIntermediateDirectories: true)
        let writer = try FlowArrowWriter(path: partition + "/part-00000.arrow")
        try writer.write(kept)
        try writer.finish()
        var log: [String] = []
        let index = try ModelPipeline.train(config: ModelsConfig(), input: data, output: models, floeVersion: "test") { log.append($0) }
        #expect(index.models.map(\.kind) == ["graph"], "\(log)")
        for kind in ["history", "clusters", "density", "timeseries"] {
            #expect(log.filter { $0.hasPrefix("\(kind):") }.count == 1, "\(kind): \(log)")
            #expect(log.contains { $0.hasPrefix("\(kind): skipped") })
        }
        let (_, anomalies) = try ModelPipeline.score(models: models, input: data, dates: [], output: scores, floeVersion: "test")
        #expect(anomalies.count < 3, "\(anomalies.map(\.entity))")
    }
}

/// Splits one CSV line (RFC 4180 quotes).
func parseCSVLine(_ line: String) -> [String] {
    var out: [String] = [], field = "", quoted = false
    var it = Array(line), i = 0
    while i < it.count {
        let ch = it[i]
        if quoted {
            if ch == "\"" { if i + 1 < it.count && it[i + 1] == "\"" { field.append("\""); i += 1 } else { quoted = false } }
            else { field.append(ch) }
        } else if ch == "\"" { quoted = true } else if ch == "," { out.append(field); field = "" } else { field.append(ch) }
        i += 1
    }
    out.append(field)
    it = []
    return out
}
