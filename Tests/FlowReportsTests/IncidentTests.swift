import FlowArtifacts
import FlowModels
import Foundation
import Testing
@testable import FlowReports
import FlowTestSupport

/// incidents.csv: the reader, the cards that lead the report, their links, and escaping of
/// what the score stage wrote.
@Suite struct IncidentTests {
    static let header = "rank,id,kind,severity,start,end,hosts,ports,detections,summary\n"

    @Test func severityBandsAndKindTitles() {
        #expect(SeverityBand(severity: 75) == .critical && SeverityBand(severity: 74) == .major)
        #expect(SeverityBand(severity: 25) == .minor && SeverityBand(severity: 24) == .low)
        #expect(IncidentKind.ddos.title == "SYN flood / DDoS" && IncidentKind.volumeSpike.title == "Traffic spike")
    }

    /// The small golden input with incidents whose host and summary are hostile.
    static func input() throws -> ReportInput {
        var input = GoldenTests.smallInput()
        let csv = Self.header
            + "2,inc-b,volume_spike,40,2026-11-01T02:30:00Z,2026-11-01T02:35:00Z,flows,,2,Flows rose tenfold.\n"
            + "1,inc-a,port_scan,91,2026-11-01T02:14:00Z,2026-11-01T02:19:00Z,\"<script>alert(1)</script> \u{202E}gnp.exe 10.0.0.2\",\"22 23\",1 9,\"<b>Scan</b> by \u{202E}txt.exe\"\n"
        input.incidents = try IncidentsFile.parse(Array(csv.utf8), path: "incidents.csv")
        input.anomalies = input.anomalies?.map { a in
            var a = a
            (a.severity, a.incident) = a.rank == 1 ? (91, "inc-a") : (40, "inc-b")
            return a
        }
        return input
    }

    @Test func cardsLeadInRankOrderAndTheirLinksResolve() throws {
        let doc = ReportBuilder.document(try Self.input())
        #expect(doc.sections.map(\.id) == ReportBuilder.sectionIDs)
        let html = HTMLRenderer.render(doc)
        // The incidents are the first section, before the data quality summary.
        let main = try #require(html.range(of: "<main>"))
        let first = try #require(html.range(of: "<section id=", range: main.upperBound..<html.endIndex))
        #expect(html[first.upperBound...].hasPrefix("\"incidents\""))
        let a = try #require(html.range(of: "id=\"incident-1\"")), b = try #require(html.range(of: "id=\"incident-2\""))
        #expect(a.lowerBound < b.lowerBound)
        #expect(html.contains("Port scan</h3><span class=\"sev sev-critical\">91 · critical</span>"))
        #expect(html.contains("Traffic spike</h3><span class=\"sev sev-minor\">40 · minor</span>"))
        // Every in-page link points at an id that exists.
        let hrefs = html.components(separatedBy: "href=\"#").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        #expect(!hrefs.isEmpty)
        for h in Set(hrefs) { #expect(html.contains("id=\"\(h)\""), "dangling #\(h)") }
        #expect(hrefs.contains("anomaly-1") && hrefs.contains("incident-1") && hrefs.contains("chart-traffic-bytes"))
        // Detection 9 is not in the table: named, not linked.
        #expect(!hrefs.contains("anomaly-9"))
        // One marker per incident on the traffic chart, numbered by incident rank.
        let bytes = try #require(doc.charts.first { $0.id == "traffic-bytes" })
        #expect(bytes.inlineSVG.components(separatedBy: "class=\"winnum\"").count - 1 == 2)
        // Hostile host and summary: inert, bidi override shown as a marker.
        #expect(!html.contains("<script>alert(1)"))
        #expect(!html.contains("<b>Scan"))
        #expect(!html.contains("\u{202E}"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("<span class=\"cp\">&lt;U+202E&gt;</span>txt.exe"))
        #expect(html.contains("and 2 other hosts"))
        // Markdown: Incidents first, as a table, escaped.
        let md = MarkdownRenderer.render(doc)
        let sections = md.components(separatedBy: "\n## ").dropFirst()
        #expect(sections.first?.hasPrefix("Incidents\n") == true)
        #expect(md.contains("| Rank | Kind | Severity | Hosts | Time (UTC) | Summary |"))
        #expect(md.contains("| 1 | Port scan | 91 · critical | `<script>alert(1)</script> (+2 more)` |"))
        #expect(md.contains("&lt;b&gt;Scan&lt;/b&gt; by &lt;U+202E&gt;txt.exe"))
        #expect(!md.contains("\u{202E}"))
    }

    /// Phone width: no chart forces a minimum width; every chart (time series, bars, the
    /// heatmap, the cluster scatter, the neighbourhood graph) comes with a narrow drawing
    /// (380 units, text at about its size); the anomalies table hides all but rank, kind,
    /// entity and severity.
    @Test func phoneLayoutHasNarrowChartsAndAShortAnomalyTable() throws {
        let doc = ReportBuilder.document(try Self.input())
        let html = HTMLRenderer.render(doc)
        #expect(!PageStyle.css.contains("min-width:560px"))
        let ids = Set(doc.charts.map(\.id))
        #expect(ids.isSuperset(of: ["traffic-bytes", "traffic-flows", "top-sources", "directions", "heatmap", "clusters", "neighbourhood"]), "\(ids.sorted())")
        for c in doc.charts {
            let narrow = try #require(c.narrowSVG, "\(c.id)")
            #expect(narrow.contains("viewBox=\"0 0 380 "), "\(c.id)")
        }
        #expect(html.contains("<div class=\"chartwrap narrow\">"))
        #expect(html.contains("<th class=\"ph\" scope=\"col\">Window (UTC)</th><th scope=\"col\">Kind</th><th class=\"brk\" scope=\"col\">Hosts / series</th><th class=\"num\" scope=\"col\">Severity</th>"))
        #expect(html.contains("<th class=\"ph\" scope=\"col\">Evidence</th>"))
    }

    @Test func withoutIncidentsTheReportLeadsWithTheSummary() {
        var input = GoldenTests.smallInput()
        input.incidents = nil
        input.anomalies = input.anomalies?.map { AnomalyRow(rank: $0.rank, kind: $0.kind, entity: $0.entity, start: $0.start, end: $0.end, score: $0.score, evidence: $0.evidence) }
        let doc = ReportBuilder.document(input)
        #expect(doc.sections.first?.id == "summary")
        #expect(doc.sections.map(\.id) == Array(ReportBuilder.sectionIDs.dropFirst()))
        #expect(!HTMLRenderer.render(doc).contains("class=\"card"))
    }
}
