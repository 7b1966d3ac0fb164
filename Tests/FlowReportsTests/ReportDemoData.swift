import FlowClean
import FlowColumnar
import FlowCore
import FlowDataset
import FlowGenerate
import Foundation
@testable import FlowReports

/// The report demo data of the tests: generated flows
/// (with anomalies and dirt) → a raw Arrow file and an ingest manifest → floe-clean's
/// engine → the dataset; plus a scores folder with an anomalies table made from the
/// generator's labels (with the newer severity, p_value and incident columns), an
/// incidents table grouping them, and a report feed standing in for the models (forecast = the same
/// hour of the other day, clusters and host graph from the dataset's top tables).
struct ReportDemoData {
    let root: String
    var raw: String { root + "/raw" }
    var dataset: String { root + "/flows" }
    var scores: String { root + "/scores" }
    var ingestRejected: Int64 { 37 }
    let clean: CleanManifest
    let rowsGenerated: Int

    /// Odd strings that end up in file names, labels and model outputs.
    static let evil = "<script>alert(\"x\")</script> | 'q' \n# not a heading & more"

    /// With `evil`, `oddText` (by default `evil`) is written into the data wherever a log
    /// or model string reaches the report: every 997th label, the input file name, its
    /// error, the reject reasons, an export-loss exporter, an anomaly entity, a cluster
    /// name and a host-graph neighbour.
    init(root: String, rows: Int = 20_000, days: Int = 2, seed: UInt64 = 5, evil: Bool = false, oddText: String = ReportDemoData.evil) throws {
        self.root = root
        let raw = root + "/raw", scores = root + "/scores", dataset = root + "/flows"
        try FileManager.default.createDirectory(atPath: root + "/raw", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/scores", withIntermediateDirectories: true)
        let gen = GeneratorConfig(rows: rows, days: days, seed: seed, anomalies: true, dirt: DirtRates(total: 0.03))
        let generator = try FlowGenerator(config: gen)
        var batch = FlowBatch()
        var windows: [TrafficLabel: (start: Int64, end: Int64, hosts: [IPAddress: Int], ports: Set<UInt16>, n: Int)] = [:]
        var n = 0
        generator.forEachRow { record, label, _ in
            var text = evil && n % 997 == 0 ? oddText : label.name
            text.withUTF8 { batch.append(record, label: $0) }
            n += 1
            guard label != .benign else { return }
            var w = windows[label] ?? (record.start, record.end, [:], [], 0)
            w.start = min(w.start, record.start)
            w.end = max(w.end, record.end)
            w.hosts[label == .ddos ? record.dstAddr : record.srcAddr, default: 0] += 1
            if let p = record.dstPort { w.ports.insert(p) }
            w.n += 1
            windows[label] = w
        }
        rowsGenerated = n
        let rawFile = raw + "/part-00000.arrow"
        let writer = try FlowArrowWriter(path: rawFile)
        try writer.write(batch)
        try writer.finish()

        // The ingest manifest floe-ingest would have written for one gzip CSV input.
        let inputName = evil ? "flows " + oddText + ".csv.gz" : "flows-2026-11-01.csv.gz"
        func json(_ s: String) throws -> String { String(data: try JSONEncoder().encode(s), encoding: .utf8)! }
        let escapedName = try json(inputName)
        let odd = try json(oddText)
        let rejects = evil ? "{\"bad_field\": 29, \"bad_timestamp\": 7, \(odd): 1}" : "{\"bad_field\": 30, \"bad_timestamp\": 7}"
        let error = evil ? odd : "null"
        let exportLoss = evil ? ", \"export_loss\": [{\"exporter\": \(odd), \"lost_datagrams\": 3}]" : ""
        let manifest = """
        {"tool": "floe-ingest", "version": "0.1.0", "schema_version": 1, "parameters": {"dialect": "auto"},
         "inputs": [{"path": \(escapedName), "format": "nfdump_csv", "compression": "gzip", "status": "partial",
           "error": \(error), "bytes": 1234567, "fingerprint": "xxh64:0123456789abcdef", "outputs": ["part-00000.arrow"],
           "rows_read": \(Int64(n) + 37), "rows_written": \(n), "rows_rejected": 37, "rejects_by_reason": \(rejects)}],
         "totals": {"files": 1, "files_failed": 0, "bytes": 1234567, "rows_read": \(Int64(n) + 37), "rows_written": \(n),
           "rows_rejected": 37, "rejects_by_reason": \(rejects)},
         "quarantine": "quarantine.jsonl", "duration_seconds": 1.5\(exportLoss)}
        """
        try Data(manifest.utf8).write(to: URL(fileURLWithPath: raw + "/manifest.json"))

        var config = CleanConfig()
        config.referenceTimeMillis = gen.endMillis
        clean = try CleanEngine(config: config, toolVersion: "0.1.0").run(inputs: [raw], output: root + "/flows")

        // Anomalies from the labels.
        let kinds: [TrafficLabel: String] = [.portscan: "port_scan", .ddos: "volume_spike", .exfiltration: "new_heavy_edge", .beaconing: "cluster_outlier"]
        var records: [(String, String, Int64, Int64, Double, String)] = []
        for (label, w) in windows.sorted(by: { $0.key < $1.key }) {
            let host = w.hosts.max { ($0.value, $1.key) < ($1.value, $0.key) }!.key.description
            let entity = evil && label == .portscan ? oddText : host
            let evidence = label == .portscan ? "\(Units.thousands(w.ports.count)) distinct ports on \(w.hosts.count) hosts; usual 3"
                : "\(Units.thousands(w.n)) flows labelled \(label.name); usual 0"
            records.append((kinds[label]!, entity, w.start, w.end, Double(w.n).squareRoot(), evidence))
        }
        // The scan is seen twice (also as a fan-out burst of the same host): two rows, one incident.
        if let scan = windows[.portscan] {
            let host = scan.hosts.max { ($0.value, $1.key) < ($1.value, $0.key) }!.key.description
            records.append(("fan_out_burst", evil ? oddText : host, scan.start, scan.end, Double(scan.n).squareRoot() * 0.6,
                            "\(Units.thousands(scan.hosts.count)) hosts contacted; usual 4"))
        }
        records.sort { ($0.4, $0.1) > ($1.4, $1.1) }
        // Incidents: one per generator label, its rows' ranks as detections.
        let incidentKinds: [String: (String, String)] = ["port_scan": ("port_scan", "inc-scan"), "fan_out_burst": ("port_scan", "inc-scan"),
                                                          "volume_spike": ("ddos", "inc-flood"), "new_heavy_edge": ("exfiltration", "inc-exfil"),
                                                          "cluster_outlier": ("beaconing", "inc-beacon")]
        let labelOf: [String: TrafficLabel] = ["inc-scan": .portscan, "inc-flood": .ddos, "inc-exfil": .exfiltration, "inc-beacon": .beaconing]
        var csv = "rank,kind,entity,start,end,score,evidence,severity,p_value,incident\n"
        func q(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        let top = records.map(\.4).max() ?? 1
        var members: [String: [Int]] = [:], severities: [String: Double] = [:]
        for (i, r) in records.enumerated() {
            let id = incidentKinds[r.0]!.1
            let severity = (r.4 / top * 90).rounded()
            members[id, default: []].append(i + 1)
            severities[id] = max(severities[id] ?? 0, severity)
            csv += "\(i + 1),\(r.0),\(q(r.1)),\(CivilTime.isoString(millis: r.2)),\(CivilTime.isoString(millis: r.3)),\(Units.plain(r.4, 3)),\(q(r.5)),"
                + "\(Units.plain(severity, 0)),\(Units.plain(0.001 * Double(i + 1), 4)),\(id)\n"
        }
        try Data(csv.utf8).write(to: URL(fileURLWithPath: scores + "/anomalies.csv"))
        // Severities spread over the bands, most severe first.
        let bandSeverity = [92.0, 61, 38, 12]
        var incidents = "rank,id,kind,severity,start,end,hosts,ports,detections,summary\n"
        for (rank, id) in members.keys.sorted(by: { (severities[$0]!, $1) > (severities[$1]!, $0) }).enumerated() {
            let w = windows[labelOf[id]!]!
            let kind = incidentKinds.values.first { $0.1 == id }!.0
            let hosts = w.hosts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { $0.key.description }
            let ports = w.ports.sorted().prefix(40).map(String.init)
            let summary: String
            switch labelOf[id]! {
            case .portscan: summary = "\(hosts[0]) probed \(Units.thousands(w.ports.count)) ports on \(hosts.count) host\(hosts.count == 1 ? "" : "s")" + (evil ? " " + oddText : ".")
            case .ddos: summary = "\(Units.thousands(w.n)) flows from many sources hit \(hosts[0]), far above the forecast."
            case .exfiltration: summary = "\(hosts[0]) sent an unusually large amount of data over a connection not seen before."
            default: summary = "\(hosts[0]) called out at a fixed interval, like malware checking in."
            }
            incidents += "\(rank + 1),\(id),\(kind),\(Units.plain(bandSeverity[min(rank, 3)], 0)),\(CivilTime.isoString(millis: w.start)),"
                + "\(CivilTime.isoString(millis: w.end)),\(q(hosts.joined(separator: " "))),\(q(ports.joined(separator: " "))),"
                + "\(members[id]!.map(String.init).joined(separator: " ")),\(q(summary))\n"
        }
        try Data(incidents.utf8).write(to: URL(fileURLWithPath: scores + "/incidents.csv"))
        try Data(Self.feed(dataset: dataset, days: gen.startDay...(gen.startDay + Int64(days) - 1), oddText: evil ? oddText : nil).utf8)
            .write(to: URL(fileURLWithPath: scores + "/report-feed.json"))
    }

    /// A report feed built from the dataset itself (stand-in for the models); `oddText`
    /// names a cluster and a neighbour of the host graph.
    static func feed(dataset: String, days: ClosedRange<Int64>, oddText: String?) throws -> String {
        let listing = try DatasetListing(root: dataset, selection: DaySelection(from: days.lowerBound, to: days.upperBound))
        let start = days.lowerBound * CivilTime.millisPerDay, end = (days.upperBound + 1) * CivilTime.millisPerDay
        let t = try DatasetScanner(topCount: 12).scan(dataset: listing, periodStart: start, periodEnd: end)
        let perHour = Int(3_600_000 / t.bucketMillis)
        let hourly: [Double] = stride(from: 0, to: t.bucketBytes.count, by: perHour).map { i in
            Double(t.bucketBytes[i..<min(i + perHour, t.bucketBytes.count)].reduce(0, +))
        }
        // Forecast: the same hour on the other day(s), averaged; interval ±30%.
        let hoursPerDay = 24
        var forecast: [String] = [], lower: [String] = [], upper: [String] = []
        for (i, _) in hourly.enumerated() {
            let others = stride(from: i % hoursPerDay, to: hourly.count, by: hoursPerDay).filter { $0 != i }.map { hourly[$0] }
            guard !others.isEmpty else { forecast.append("null"); lower.append("null"); upper.append("null"); continue }
            let f = others.reduce(0, +) / Double(others.count)
            forecast.append(Units.plain(f, 1)); lower.append(Units.plain(f * 0.7, 1)); upper.append(Units.plain(f * 1.3, 1))
        }
        func json(_ s: String) -> String { String(data: try! JSONEncoder().encode(s), encoding: .utf8)! }
        let series = """
        {"name": "bytes", "unit": "bytes", "bucket_ms": 3600000, "start": "\(CivilTime.isoString(millis: start))",
         "observed": [\(hourly.map { Units.plain($0, 0) }.joined(separator: ","))],
         "forecast": [\(forecast.joined(separator: ","))], "lower": [\(lower.joined(separator: ","))], "upper": [\(upper.joined(separator: ","))],
         "level": 0.95, "model": "seasonal naive (demo)"}
        """
        // Clusters: four groups of points around fixed centres (a deterministic LCG).
        var seed: UInt64 = 42
        func rnd() -> Double { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return Double(seed >> 11) / Double(1 << 53) - 0.5 }
        let centres = [(-2.0, 0.5), (1.5, 1.8), (2.2, -1.4), (-0.6, -2.2)]
        var points: [String] = []
        for i in 0..<400 {
            let k = i % 4
            let outlier = i % 97 == 0
            let x = centres[k].0 + rnd() * (outlier ? 9 : 1.4), y = centres[k].1 + rnd() * (outlier ? 9 : 1.4)
            points.append("{\"x\": \(Units.plain(x, 3)), \"y\": \(Units.plain(y, 3)), \"cluster\": \(k), \"outlier\": \(outlier)}")
        }
        let names = ["bulk TCP downloads", "short DNS lookups", "web browsing", oddText ?? "idle keep-alives"]
        let clusters = (0..<4).map { k in
            "{\"id\": \(k), \"size\": \(100 + 37 * k), \"name\": \(json(names[k])), \"centre\": {\"bytes\": \(12_000_000 / (k + 1)), \"packets\": \(9000 / (k + 1)), \"duration_ms\": \(4500 * (k + 1)), \"bytes_per_packet\": \(1300 - 250 * k)}}"
        }
        let top = t.topSourcesByBytes.prefix(8).enumerated().map { i, h in
            "{\"host\": \(json(h.name)), \"pagerank\": \(Units.plain(0.2 / Double(i + 1), 4)), \"degree\": \(40 - 3 * i), \"in_degree\": \(20 - i), \"out_degree\": \(20 - 2 * i), \"bytes\": \(h.totals.bytes)}"
        }
        let centre = t.topSourcesByFlows.first?.name ?? "10.0.0.1"
        var neighbours = t.topDestinationsByBytes.prefix(9).map(\.name)
        if let oddText, !neighbours.isEmpty { neighbours[neighbours.count - 1] = oddText }
        let nodes = neighbours.enumerated().map { "{\"id\": \(json($0.element)), \"anomalous\": \($0.offset == 2)}" }
        let edges = neighbours.enumerated().map { i, d in "{\"src\": \(json(centre)), \"dst\": \(json(d)), \"flows\": \(10 + i), \"bytes\": \(100_000 * (9 - i)), \"new\": \(i % 4 == 1)}" }
        let newEdges = neighbours.prefix(3).map { "{\"src\": \(json(centre)), \"dst\": \(json($0)), \"flows\": 4, \"bytes\": 52000}" }
        return """
        {"feed_version": 1, "tool": "floe-score", "version": "0.1.0",
         "models": [{"name": "kmeans", "path": "models/kmeans.json", "fingerprint": "xxh64:00000000deadbeef", "trained_on": ["xxh64:1111111111111111"], "parameters": {"k": 4, "seed": 1}},
                    {"name": "forecast bytes", "path": "models/series-bytes.json", "fingerprint": "xxh64:00000000cafef00d", "parameters": {"order": "seasonal naive"}}],
         "series": [\(series)],
         "clusters": {"algorithm": "k-means", "subject": "flows", "features": ["bytes", "packets", "duration_ms", "bytes_per_packet"], "outliers": 5,
           "clusters": [\(clusters.joined(separator: ","))],
           "projection": {"x_label": "PC1", "y_label": "PC2", "points": [\(points.joined(separator: ","))]}},
         "host_graph": {"nodes": \(t.distinctSources), "edges": \(t.totals.flows / 3), "top": [\(top.joined(separator: ","))],
           "new_edges": [\(newEdges.joined(separator: ","))],
           "neighbourhood": {"centre": \(json(centre)), "nodes": [\(nodes.joined(separator: ","))], "edges": [\(edges.joined(separator: ","))]}}}
        """
    }

    /// The report options of the demo.
    var options: ReportOptions {
        var o = ReportOptions(datasetDir: dataset, ingestDir: raw, scoresDir: scores)
        o.generatedAt = .none
        o.title = "Demo network, November 2026"
        return o
    }
}
