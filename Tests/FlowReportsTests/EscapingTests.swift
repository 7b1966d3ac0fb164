import Foundation
import Testing
@testable import FlowReports
import FlowTestSupport

/// Strings from log data (file names, labels, anomaly entities, cluster names, the title)
/// holding `<script>`, quotes, `|` and line breaks come out inert in every context.
@Suite struct EscapingTests {
    static let evil = ReportDemoData.evil

    @Test func contextEscapes() {
        #expect(Escape.html("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
        #expect(Escape.attribute("a\nb\"") == "a&#10;b&quot;")
        #expect(Escape.svg("a\nb<") == "a b&lt;")
        #expect(Escape.html("bell\u{07}") == "bell&lt;U+0007&gt;")
        #expect(Escape.markdownCell("a|b\nc") == "a\\|b c")
        #expect(Escape.markdownCell("<b>*x*</b>") == "&lt;b&gt;\\*x\\*&lt;/b&gt;")
        #expect(Escape.markdownCode("a`b|c") == "`a'b\\|c`")
        #expect(Escape.slug("Who & What?") == "who-what")
    }

    @Test func evilStringsComeOutInert() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let demo = try ReportDemoData(root: tmp.path + "/demo", rows: 4_000, days: 1, seed: 13, evil: true)
        var o = demo.options
        o.title = "Report " + Self.evil
        o.generatedAt = .text(Self.evil)
        o.pipeline = Self.evil
        let input = try ReportLoader.load(o, toolVersion: "0.1.0")
        // The evil strings did reach the report's input.
        #expect(input.ingest?.inputs.first?.path.contains("<script>") == true)
        #expect(input.anomalies?.contains { $0.entity == Self.evil } == true)
        #expect(input.clusters?.clusters.contains { $0.name == Self.evil } == true)
        let doc = ReportBuilder.document(input)
        let html = HTMLRenderer.render(doc)
        let md = MarkdownRenderer.render(doc)

        // HTML: exactly one script element (ours), the payload only as text.
        #expect(html.components(separatedBy: "<script").count == 2)
        #expect(!html.contains("alert(\"x\")"))
        #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"))
        #expect(!html.contains("'q'"))
        // Every attribute value is closed where it should be: no quote from data leaks.
        #expect(!html.contains("\"x\""))

        // Charts (inline and files): no script, payload escaped.
        for chart in doc.charts {
            #expect(!chart.fileSVG.contains("<script"))
            #expect(!chart.inlineSVG.contains("<script"))
        }
        let clusters = try #require(doc.charts.first { $0.id == "clusters" })
        #expect(clusters.fileSVG.contains("&lt;script&gt;"))

        // Markdown: no raw HTML, no heading injected, tables keep their column count.
        // Outside code spans (whose text Markdown shows literally) no HTML survives.
        let prose = md.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 0 }.map(\.element).joined()
        #expect(!prose.contains("<script"))
        #expect(md.contains("`<script>alert(\"x\")</script> \\| 'q'  # not a heading & more`"))
        #expect(!md.contains("\n# not a heading"))
        var columns: Int?
        for line in md.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("|") else { columns = nil; continue }
            let cells = Self.unescapedPipes(String(line)) - 1
            if let c = columns { #expect(cells == c, "\(line)") } else { columns = cells }
        }
        #expect(md.contains("\\| 'q'"))
    }

    /// Pipes that end a cell (not preceded by a backslash).
    static func unescapedPipes(_ line: String) -> Int {
        var n = 0
        var previous: Character = " "
        for ch in line {
            if ch == "|" && previous != "\\" { n += 1 }
            previous = ch
        }
        return n
    }
}
