import Foundation
import Testing
@testable import FlowReports
import FlowTestSupport

/// Display spoofing (issue 15 item 7): a right-to-left override makes
/// `names/\u{202E}gnp.csv` read as `names/vsc.png`. Bidi controls, other format
/// characters and controls from log data reach no report file raw; each shows as a
/// visible `<U+XXXX>` marker.
@Suite struct HiddenCharacterTests {
    /// Bidi embeddings/overrides, isolates, marks, zero-width characters, BOM, a tag
    /// character, soft hyphen, ESC, DEL and a C1 control (CSI).
    static let hidden: [Unicode.Scalar] = [
        "\u{202A}", "\u{202B}", "\u{202C}", "\u{202D}", "\u{202E}", "\u{2066}", "\u{2067}", "\u{2068}", "\u{2069}",
        "\u{200E}", "\u{200F}", "\u{061C}", "\u{200B}", "\u{200C}", "\u{200D}", "\u{2060}", "\u{FEFF}", "\u{E0041}",
        "\u{00AD}", "\u{1B}", "\u{7F}", "\u{9B}", "\u{FFFE}",
    ]
    /// The spoof of the issue, an isolate pair and a zero-width space.
    static let spoof = "names/\u{202E}gnp.csv \u{2066}rtl\u{2069} zero\u{200B}width"

    /// Scalars in `text` of category Cf or Cc other than line feed and tab (decided from
    /// the Unicode properties, independently of `HiddenCharacters`).
    static func rawHidden(_ text: String) -> [String] {
        text.unicodeScalars.filter { s in
            s != "\n" && s != "\t" && [.format, .control].contains(s.properties.generalCategory)
        }.map { HiddenCharacters.codePoint($0) }
    }

    @Test func markerNamesTheCodePoint() {
        #expect(HiddenCharacters.marker("\u{202E}") == "<U+202E>")
        #expect(HiddenCharacters.marker("\u{1B}") == "<U+001B>")
        #expect(HiddenCharacters.marker("\u{E0041}") == "<U+E0041>")
    }

    @Test func classification() {
        for s in Self.hidden { #expect(HiddenCharacters.isHidden(s), "\(HiddenCharacters.codePoint(s))") }
        // Visible text stays: letters of any script, combining marks, emoji with a
        // variation selector, ordinary spaces.
        for s in "aé ß日本語 עברית ١٢٣ e\u{0301} ⚠\u{FE0F} \u{00A0}".unicodeScalars {
            #expect(!HiddenCharacters.isHidden(s), "\(HiddenCharacters.codePoint(s))")
        }
    }

    /// Every format or control character of Unicode comes out of every escaper as a marker.
    @Test func everyEscaperMarksEveryFormatAndControlCharacter() {
        var all = ""
        for v in UInt32(0)...0x10FFFF {
            guard let s = Unicode.Scalar(v), [.format, .control].contains(s.properties.generalCategory) else { continue }
            all.unicodeScalars.append(s)
        }
        #expect(all.unicodeScalars.count > 150)
        let outputs = [Escape.html(all), Escape.html(all, markers: .span), Escape.attribute(all), Escape.svg(all),
                       Escape.markdownText(all), Escape.markdownCell(all), Escape.markdownCode(all)]
        for out in outputs {
            #expect(Self.rawHidden(out).isEmpty, "\(Self.rawHidden(out).prefix(5))")
            #expect(out.contains("U+202E"))
            #expect(out.contains("U+E007F"))
        }
    }

    @Test func contextMarkers() {
        let s = Self.spoof
        #expect(Escape.html(s) == "names/&lt;U+202E&gt;gnp.csv &lt;U+2066&gt;rtl&lt;U+2069&gt; zero&lt;U+200B&gt;width")
        #expect(Escape.html("a\u{202E}b", markers: .span) == "a<span class=\"cp\">&lt;U+202E&gt;</span>b")
        #expect(Escape.svg("a\u{202E}b\nc") == "a&lt;U+202E&gt;b c")
        #expect(Escape.attribute("a\u{202E}b\n") == "a&lt;U+202E&gt;b&#10;")
        #expect(Escape.markdownText("a\u{202E}b_") == "a&lt;U+202E&gt;b\\_")
        #expect(Escape.markdownCell("a\u{2066}|b") == "a&lt;U+2066&gt;\\|b")
        #expect(Escape.markdownCode("a\u{202E}b|`") == "`a<U+202E>b\\|'`")
        // Line feed and tab keep their meaning in HTML text; carriage return is a space.
        #expect(Escape.html("a\nb\tc\rd") == "a\nb\tc d")
    }

    /// Chart labels are cut by the length they show: markers count in full, so a run of
    /// joiners is cut like any long text; plain text is cut as before.
    @Test func chartLabelsAreCutByTheirShownLength() {
        #expect(SVGBuilder.truncate("abcdef", 4) == "abc…")
        #expect(SVGBuilder.truncate("abc", 3) == "abc")
        #expect(HiddenCharacters.displayedLength("a\u{202E}b") == 10)
        let joiners = "x" + String(repeating: "\u{200D}", count: 50)
        #expect(joiners.count == 1)
        let cut = SVGBuilder.truncate(joiners + "tail", 24)
        #expect(HiddenCharacters.displayedLength(cut) <= 24)
        #expect(Escape.svg(cut).count < 40)
        #expect(SVGBuilder.truncate("\u{202E}\u{202E}\u{202E}", 12) == "\u{202E}…")
    }

    /// A report whose input file name, error, reject reason, exporter, labels, anomaly
    /// entity, cluster name and graph neighbour carry U+202E, U+2066/2069 and U+200B:
    /// report.html, report.md and every chart file hold none of them raw, and show the
    /// markers.
    @Test func reportFilesShowMarkersNotCharacters() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        let demo = try ReportDemoData(root: tmp.path + "/demo", rows: 4_000, days: 1, seed: 13, evil: true, oddText: Self.spoof)
        var o = demo.options
        o.title = "Report \u{202E}fdp.exe"
        let input = try ReportLoader.load(o, toolVersion: "0.1.0")
        // The spoof did reach the report's input.
        #expect(input.ingest?.inputs.first?.path.contains("\u{202E}") == true)
        #expect(input.ingest?.inputs.first?.error == Self.spoof)
        #expect(input.anomalies?.contains { $0.entity == Self.spoof } == true)
        #expect(input.clusters?.clusters.contains { $0.name == Self.spoof } == true)
        #expect(input.hostGraph?.neighbourhood?.nodes.contains { $0.id == Self.spoof } == true)

        let folder = tmp.path + "/report"
        let written = try ReportWriter.write(ReportBuilder.document(input), to: folder)
        var texts: [String: String] = [:]
        for path in written { texts[URL(fileURLWithPath: path).lastPathComponent] = try String(contentsOfFile: path, encoding: .utf8) }
        let html = try #require(texts[ReportWriter.htmlFileName])
        let md = try #require(texts[ReportWriter.markdownFileName])
        #expect(texts.keys.filter { $0.hasSuffix(".svg") }.count >= 5)
        for (name, text) in texts {
            #expect(Self.rawHidden(text).isEmpty, "\(name): \(Self.rawHidden(text).prefix(5))")
        }

        // HTML: styled markers in the body, plain ones in <title> and inline SVG.
        for cp in ["202E", "2066", "2069", "200B"] {
            #expect(html.contains("<span class=\"cp\">&lt;U+\(cp)&gt;</span>"), "U+\(cp)")
        }
        #expect(html.contains("<title>Report &lt;U+202E&gt;fdp.exe</title>"))
        #expect(html.contains("names/<span class=\"cp\">&lt;U+202E&gt;</span>gnp.csv"))  // file name, error, exporter…
        // Markdown: entity markers in prose and tables, literal ones in code spans.
        #expect(md.contains("names/&lt;U+202E&gt;gnp.csv &lt;U+2066&gt;rtl&lt;U+2069&gt; zero&lt;U+200B&gt;width"))
        #expect(md.contains("`flows names/<U+202E>gnp.csv <U+2066>rtl<U+2069> zero<U+200B>width.csv.gz`"))
        // Charts: the cluster legend and the neighbourhood graph name the spoof.
        for chart in ["chart-clusters.svg", "chart-neighbourhood.svg"] {
            let svg = try #require(texts[chart], "\(chart)")
            #expect(svg.contains("&lt;U+202E&gt;gnp.csv"), "\(chart)")
            #expect(!svg.contains("class=\"cp\""), "\(chart)")
        }
    }
}
