import Foundation
import Testing
@testable import FlowCommands
import FlowTestSupport

/// The built executables, run as a user or a cron job would run them.
enum Binaries {
    /// The folder holding the test bundle also holds the products (`floe`, `floe-ingest`, …).
    static let folder: String = {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if url.lastPathComponent.hasSuffix(".xctest") { url = url.deletingLastPathComponent() }
        return url.path
    }()

    /// Runs a product; returns its exit code and what it printed.
    static func run(_ name: String, _ arguments: [String], in directory: String? = nil) throws -> (code: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: folder + "/" + name)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }
}

func jsonObject(_ path: String) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any] ?? [:]
}

@Suite(.serialized) struct CommandEndToEndTests {
    /// floe generate then floe-ingest, as README shows: exit 0, and the manifest's
    /// accounting matches the generator's labels file.
    @Test func generateThenIngest() throws {
        let dir = temporaryFolder()
        let gen = try Binaries.run("floe", ["generate", "--rows", "20000", "--days", "2", "--seed", "9",
                                            "--dialect", "zeek-conn", "--gzip", "--dirt", "0.02", "--output", dir + "/in/conn.log.gz"])
        #expect(gen.code == 0, "\(gen.err)")
        let labels = try jsonObject(dir + "/in/conn.log.gz.labels.json")
        let written = try #require(labels["rows_written"] as? Int)
        let ingest = try Binaries.run("floe-ingest", ["--output", dir + "/raw", dir + "/in/*.gz"])
        #expect(ingest.code == 0, "\(ingest.err)")
        #expect(ingest.out.contains("rows read \(written)"))
        let manifest = try jsonObject(dir + "/raw/manifest.json")
        let totals = try #require(manifest["totals"] as? [String: Any])
        #expect(totals["rows_read"] as? Int == written)
        #expect((totals["rows_written"] as? Int ?? 0) + (totals["rows_rejected"] as? Int ?? -1) == written)
        let inputs = try #require(manifest["inputs"] as? [[String: Any]])
        #expect(inputs.count == 1)
        #expect(inputs[0]["format"] as? String == "zeek-conn")
        #expect((inputs[0]["fingerprint"] as? String)?.hasPrefix("xxh64:") == true)
        // The umbrella command runs the same code.
        let umbrella = try Binaries.run("floe", ["ingest", "--quiet", "--output", dir + "/raw2", dir + "/in/conn.log.gz"])
        #expect(umbrella.code == 0)
        #expect(umbrella.out.isEmpty)
        // A dry run needs no output folder: the manifest goes to stdout, the summary to stderr.
        let dry = try Binaries.run("floe-ingest", ["--dry-run", dir + "/in/conn.log.gz"], in: dir + "/in")
        #expect(dry.code == 0, "\(dry.err)")
        #expect(dry.err.contains("rows read \(written)") && dry.err.contains("dry run: nothing written"))
        let printed = try #require(try JSONSerialization.jsonObject(with: Data(dry.out.utf8)) as? [String: Any])
        #expect((printed["totals"] as? [String: Any])?["rows_written"] as? Int == totals["rows_written"] as? Int)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/in").sorted() == ["conn.log.gz", "conn.log.gz.labels.json"])
    }

    /// Exit codes a cron job relies on: 64 for usage errors, 1 when an input failed.
    @Test func exitCodes() throws {
        let dir = temporaryFolder()
        #expect(try Binaries.run("floe-ingest", []).code == 64)
        #expect(try Binaries.run("floe-ingest", [dir + "/x.csv"]).code == 64)  // no --output, no --dry-run
        #expect(try Binaries.run("floe-ingest", ["--output", dir + "/o", "--dialect", "nope", "x"]).code == 64)
        #expect(try Binaries.run("floe", ["generate", "--rows", "10", "--dialect", "nope", "--output", dir + "/g"]).code == 64)
        try Data([0x1f, 0x8b, 0x08, 0x00, 0x01]).write(to: URL(fileURLWithPath: dir + "/bad.gz"))
        let bad = try Binaries.run("floe-ingest", ["--output", dir + "/o", dir + "/bad.gz"])
        #expect(bad.code == 1)
        #expect(bad.err.contains("bad.gz"))
        let help = try Binaries.run("floe-ingest", ["--help"])
        #expect(help.code == 0)
        #expect(help.out.contains("Examples:"))
        // Usage names the command the user typed.
        #expect(help.out.contains("USAGE: floe-ingest "))
        #expect(try Binaries.run("floe-train", ["--help"]).out.contains("USAGE: floe-train "))
        #expect(try Binaries.run("floe", ["ingest", "--help"]).out.contains("USAGE: floe ingest "))
    }

    /// Inputs named with a leading dot reach the dataset: 2,000 + 3,000 rows in, 5,000 out.
    @Test func dotNamedInputsReachTheDataset() throws {
        let dir = temporaryFolder()
        for (name, rows, seed) in [(".part1.csv", 2000, "3"), ("part2.csv", 3000, "4")] {
            let gen = try Binaries.run("floe", ["generate", "--rows", String(rows), "--days", "1", "--seed", seed, "--no-anomalies",
                                                "--dialect", "generic-csv", "--start", "2026-11-02", "--output", dir + "/in/" + name])
            #expect(gen.code == 0, "\(gen.err)")
        }
        let ingest = try Binaries.run("floe-ingest", ["--quiet", "--output", dir + "/raw", dir + "/in/.part1.csv", dir + "/in/part2.csv"])
        #expect(ingest.code == 0, "\(ingest.err)")
        let clean = try Binaries.run("floe-clean", ["--reference-time", "2026-11-04T00:00:00Z", "--output", dir + "/flows", dir + "/raw"])
        #expect(clean.code == 0, "\(clean.err)")
        let totals = try #require(try jsonObject(dir + "/flows/manifest.json")["totals"] as? [String: Any])
        #expect(totals["rows_in"] as? Int == 5000)
    }

    /// floe-clean exits 1, naming the rule, when it keeps nothing of the rows it read.
    @Test func cleanThatKeepsNothingFails() throws {
        let dir = temporaryFolder()
        let gen = try Binaries.run("floe", ["generate", "--rows", "500", "--days", "1", "--seed", "5", "--no-anomalies",
                                            "--dialect", "generic-csv", "--start", "2026-11-02", "--output", dir + "/in/a.csv"])
        #expect(gen.code == 0, "\(gen.err)")
        #expect(try Binaries.run("floe-ingest", ["--quiet", "--output", dir + "/raw", dir + "/in/a.csv"]).code == 0)
        let clean = try Binaries.run("floe-clean", ["--reference-time", "2026-10-01T00:00:00Z", "--output", dir + "/flows", dir + "/raw"])
        #expect(clean.code == 1)
        #expect(clean.err.contains("kept no rows of 500"), "\(clean.err)")
        #expect(clean.err.contains("future_skew: 500 rows, e.g."))
    }

    @Test func stageNameFollowsTheExecutable() {
        #expect(stageCommandName("clean", invokedAs: "/usr/local/bin/floe-clean") == "floe-clean")
        #expect(stageCommandName("clean", invokedAs: "/usr/local/bin/floe") == "clean")
        #expect(stageCommandName("clean", invokedAs: "floe-ingest") == "clean")
    }

    /// `floe demo` (README's first command) runs every stage; a second run skips them all.
    @Test func demoRunsThenSkips() throws {
        let dir = temporaryFolder()
        let first = try Binaries.run("floe", ["demo", "--output", dir])
        #expect(first.code == 0, "\(first.out)\n\(first.err)")
        for path in ["raw/manifest.json", "flows/manifest.json", "report/report.html", "report/report.md"] {
            #expect(FileManager.default.fileExists(atPath: dir + "/" + path), "\(path) missing")
        }
        let html = try String(contentsOfFile: dir + "/report/report.html", encoding: .utf8)
        #expect(html.contains("<svg"))
        // Every section is there, with the models' sections filled (not "absent").
        for id in ["summary", "traffic", "who-and-what", "anomalies", "clusters", "host-graph", "provenance",
                   "chart-traffic-bytes", "chart-clusters", "chart-neighbourhood"] {
            #expect(html.contains("id=\"\(id)\""), "section \(id) missing")
        }
        #expect(!html.contains("no model ran"))
        // The summary's numbers are the manifests' numbers.
        let ingest = try #require(try jsonObject(dir + "/raw/manifest.json")["totals"] as? [String: Any])
        let clean = try #require(try jsonObject(dir + "/flows/manifest.json")["totals"] as? [String: Any])
        for (key, totals) in [("rows_read", ingest), ("rows_written", ingest), ("rows_rejected", ingest),
                              ("rows_in", clean), ("rows_out", clean), ("rows_rejected", clean), ("duplicates", clean)] {
            let n = try #require(totals[key] as? Int)
            #expect(html.contains(n.formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_US")))),
                    "\(key) \(n) not in the report")
        }
        let anomalies = try String(contentsOfFile: dir + "/scores/anomalies.csv", encoding: .utf8)
        #expect(anomalies.hasPrefix("rank,kind,entity,start,end,score,evidence,severity,p_value,incident\n"))
        #expect(anomalies.contains("volume_") && anomalies.contains("port_scan"))
        // Every kind of detection the demo's models make, sized as pipelines/demo-models.yaml says.
        for kind in ["port_scan", "beaconing", "ddos", "exfiltration", "coverage_gap", "new_heavy_edge", "volume_spike",
                     "density_outlier", "cluster_outlier"] {
            #expect(anomalies.contains(",\(kind),"), "no \(kind) anomaly")
        }
        let series = try jsonObject(dir + "/models/timeseries.json")
        #expect((series["model_config"] as? [String: Any])?["arima_window"] as? Int == 1440)
        #expect(FileManager.default.fileExists(atPath: dir + "/models/backtest.json"))
        // The generator's five anomalies are the top incidents (of at most 5 + 2).
        let incidents = try String(contentsOfFile: dir + "/scores/incidents.csv", encoding: .utf8).split(separator: "\n")
        #expect(incidents.first == "rank,id,kind,severity,start,end,hosts,ports,detections,summary")
        let top = incidents.dropFirst().prefix(7).map { $0.split(separator: ",")[2] }
        for kind in ["port_scan", "ddos", "exfiltration", "beaconing", "exporter_outage"] {
            #expect(top.filter { $0 == kind }.count == 1, "\(kind) in \(top)")
        }
        let second = try Binaries.run("floe", ["demo", "--output", dir])
        #expect(second.code == 0)
        #expect(second.out.contains("0 ran"), "\(second.out)")
    }

    /// The embedded demo pipeline is pipelines/demo.yaml.
    @Test func embeddedDemoPipelineMatchesTheFile() throws {
        let root = URL(fileURLWithPath: Fixtures.packageRoot)
        let file = try String(contentsOf: root.appendingPathComponent("pipelines/demo.yaml"), encoding: .utf8)
        #expect(file == DemoPipeline.yaml)
    }

    /// The embedded models config of the demo is pipelines/demo-models.yaml.
    @Test func embeddedDemoModelsConfigMatchesTheFile() throws {
        let root = URL(fileURLWithPath: Fixtures.packageRoot)
        let file = try String(contentsOf: root.appendingPathComponent("pipelines/demo-models.yaml"), encoding: .utf8)
        #expect(file == DemoPipeline.modelsYAML)
    }
}
