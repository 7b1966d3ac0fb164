import FlowCore
import FlowDataset
import Foundation
import Testing
@testable import FlowReports
import FlowTestSupport

/// The demo pipeline end to end: generated flows → clean → report; every section is
/// there and every summary number matches the manifests.
@Suite struct EndToEndTests {
    @Test func everySectionIsPresentAndNumbersMatchTheManifests() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let demo = try ReportDemoData(root: tmp.path + "/demo")
        let input = try ReportLoader.load(demo.options, toolVersion: "0.1.0")
        let doc = ReportBuilder.document(input)
        let html = HTMLRenderer.render(doc)
        let md = MarkdownRenderer.render(doc)

        #expect(doc.sections.map(\.id) == ReportBuilder.sectionIDs)
        for id in ReportBuilder.sectionIDs { #expect(html.contains("<section id=\"\(id)\">"), "\(id)") }
        for s in doc.sections { #expect(md.contains("\n## " + s.title + "\n"), "\(s.title)") }
        for chart in ["traffic-bytes", "traffic-packets", "traffic-flows", "heatmap", "top-sources", "top-destinations", "services", "directions", "clusters", "neighbourhood"] {
            #expect(doc.charts.contains { $0.id == chart }, "\(chart)")
            #expect(html.contains("id=\"chart-\(chart)\""))
            #expect(md.contains("](chart-\(chart).svg)"))
        }

        // The dataset scan agrees with floe-clean's manifest.
        let c = demo.clean.totals.counts
        #expect(input.traffic.totals.flows == UInt64(c.rowsOut))
        #expect(input.traffic.partitions.map(\.rows) == demo.clean.partitions.map(\.rows))
        #expect(input.traffic.partitions.map(\.date) == demo.clean.partitions.map(\.date))
        #expect(input.traffic.bucketFlows.reduce(0, +) == UInt64(c.rowsOut))
        #expect(input.traffic.heatmapFlows.reduce(0, +) == UInt64(c.rowsOut))
        #expect(input.traffic.directions.reduce(0) { $0 + $1.totals.flows } == UInt64(c.rowsOut))
        #expect(input.traffic.protocols.reduce(0) { $0 + $1.totals.bytes } == input.traffic.totals.bytes)
        #expect(input.clean?.totals.rowsIn == c.rowsIn)
        #expect(input.ingest?.totals.rowsRead == Int64(demo.rowsGenerated) + demo.ingestRejected)

        // The printed numbers are the manifests' numbers.
        let summary = try #require(doc.sections.first { $0.id == "summary" })
        let summaryHTML = html.components(separatedBy: "<section id=\"traffic\">")[0]
        #expect(summaryHTML.contains("<strong>" + Units.thousands(c.rowsOut) + "</strong>"))
        for n in [c.rowsIn, c.rowsOut, c.rowsRejected, c.duplicates, Int64(demo.rowsGenerated), Int64(demo.rowsGenerated) + demo.ingestRejected, demo.ingestRejected] {
            #expect(summaryHTML.contains(">" + Units.thousands(n) + "</td>"), "\(n)")
            #expect(md.contains("| " + Units.thousands(n) + " |"), "\(n)")
        }
        for (rule, n) in c.rejectsByRule where n > 0 {
            #expect(summaryHTML.contains("<code>\(rule)</code></td><td class=\"num\" data-sort=\"\(n).000\">\(Units.thousands(n))</td>"), "\(rule)")
        }
        #expect(summary.blocks.contains { if case .warning = $0 { return true } else { return false } })

        // Anomalies: ranked, explained, linked to the chart (from the incident cards), numbered on it.
        let anomalies = try #require(input.anomalies)
        #expect(!anomalies.isEmpty)
        #expect(anomalies.map(\.rank) == Array(1...anomalies.count))
        #expect(html.contains("href=\"#chart-traffic-bytes\""))
        #expect(md.contains("](chart-traffic-bytes.svg)"))
        let bytesChart = try #require(doc.charts.first { $0.id == "traffic-bytes" })
        #expect(bytesChart.inlineSVG.contains("class=\"win\""))
        #expect(bytesChart.inlineSVG.contains("class=\"band\""))
        // The demo has incidents: the sentences speak of them, one marker each on the chart.
        let incidents = try #require(input.incidents)
        #expect(incidents.count == 4 && anomalies.count == 5)
        #expect(html.contains("The top 4 incidents in a sentence:"))
        #expect(html.contains("Port scan (") && html.contains("(92 · critical)"))
        #expect(bytesChart.inlineSVG.components(separatedBy: "class=\"winnum\"").count - 1 == incidents.count)

        // Small and self-contained.
        #expect(html.utf8.count < 400_000)
        #expect(!html.contains("http://") || !html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains("http://"))
        #expect(!html.contains("https://"))
        #expect(!html.contains("<link") && !html.contains("src=\""))
    }

    @Test func sameInputsGiveByteIdenticalReports() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let demo = try ReportDemoData(root: tmp.path + "/demo", rows: 6_000, days: 1, seed: 9)
        var one = demo.options
        one.threads = 1
        var two = demo.options
        two.threads = 2
        let a = ReportWriter.files(for: ReportBuilder.document(try ReportLoader.load(one, toolVersion: "t")))
        let b = ReportWriter.files(for: ReportBuilder.document(try ReportLoader.load(two, toolVersion: "t")))
        #expect(a.map(\.name) == b.map(\.name))
        for (x, y) in zip(a, b) { #expect(x.bytes == y.bytes, "\(x.name)") }
        try ReportWriter.write(ReportBuilder.document(try ReportLoader.load(two, toolVersion: "t")), to: tmp.path + "/r1")
        try ReportWriter.write(ReportBuilder.document(try ReportLoader.load(two, toolVersion: "t")), to: tmp.path + "/r2")
        for f in a {
            let x = try Data(contentsOf: URL(fileURLWithPath: tmp.path + "/r1/" + f.name))
            let y = try Data(contentsOf: URL(fileURLWithPath: tmp.path + "/r2/" + f.name))
            #expect(x == y && !x.isEmpty, "\(f.name)")
        }
    }

    @Test func absentModelsAreSaidToBeAbsent() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let demo = try ReportDemoData(root: tmp.path + "/demo", rows: 3_000, days: 1, seed: 2)
        var o = ReportOptions(datasetDir: demo.dataset, days: CivilTime.parseDate("2026-11-01")!...CivilTime.parseDate("2026-11-01")!)
        o.generatedAt = .text("2026-11-02 06:00 UTC")
        let input = try ReportLoader.load(o, toolVersion: "t")
        #expect(input.anomalies == nil && input.clusters == nil && input.hostGraph == nil && input.forecasts.isEmpty)
        let html = HTMLRenderer.render(ReportBuilder.document(input))
        #expect(html.contains("No anomalies table: no scoring ran"))
        #expect(html.contains("No clusters: no clustering model ran"))
        #expect(html.contains("No host graph: no graph model ran"))
        #expect(html.contains("No forecast band: no time-series model ran"))
        #expect(html.contains("No ingest manifest"))
        #expect(html.contains("Generated at 2026-11-02 06:00 UTC"))
        // A day without partitions still renders, with a warning.
        o.days = CivilTime.parseDate("2026-12-01")!...CivilTime.parseDate("2026-12-01")!
        let empty = HTMLRenderer.render(ReportBuilder.document(try ReportLoader.load(o, toolVersion: "t")))
        #expect(empty.contains("The dataset holds no flows for this period."))
        #expect(empty.contains("no data in this period") || empty.contains("nothing in this period"))
    }

    @Test func unreadableInputsAreReportedByName() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        #expect(throws: DatasetError.noFolder(path: tmp.path + "/missing")) {
            try ReportLoader.load(ReportOptions(datasetDir: tmp.path + "/missing"), toolVersion: "t")
        }
        let demo = try ReportDemoData(root: tmp.path + "/demo", rows: 2_000, days: 1, seed: 4)
        try Data("rank,kind\n1,x\n".utf8).write(to: URL(fileURLWithPath: demo.scores + "/anomalies.csv"))
        do {
            _ = try ReportLoader.load(demo.options, toolVersion: "t")
            Issue.record("a broken anomalies table was accepted")
        } catch let e as ReportError {
            #expect(e.description.contains("anomalies.csv"))
            #expect(e.description.contains("'entity'"))
        }
        try Data("{\"feed_version\": 9}".utf8).write(to: URL(fileURLWithPath: demo.scores + "/anomalies.csv.none"))
        try FileManager.default.removeItem(atPath: demo.scores + "/anomalies.csv")
        try Data("{\"feed_version\": 9}".utf8).write(to: URL(fileURLWithPath: demo.scores + "/report-feed.json"))
        do {
            _ = try ReportLoader.load(demo.options, toolVersion: "t")
            Issue.record("an unknown feed version was accepted")
        } catch let e as ReportError {
            #expect(e.description.contains("report-feed.json"))
            #expect(e.description.contains("feed_version 9"))
        }
    }
}
