/// Renders a `ReportDocument` as GitHub-flavoured Markdown: the same sections, tables as
/// pipe tables, charts as images of the SVG files written beside the report.
public enum MarkdownRenderer {
    public static func render(_ doc: ReportDocument) -> String {
        var m = "# " + Escape.markdownText(doc.title) + "\n\n"
        for line in doc.subtitle { m += Escape.markdownText(line) + "  \n" }
        m += "\n"
        m += doc.sections.map { "[" + Escape.markdownText($0.title) + "](#" + Escape.slug($0.title) + ")" }.joined(separator: " · ") + "\n"
        for s in doc.sections {
            m += "\n## " + Escape.markdownText(s.title) + "\n"
            for b in s.blocks { m += "\n" + block(b) }
        }
        return m
    }

    static func inline(_ runs: [Inline]) -> String {
        runs.map { r -> String in
            switch r {
            case .text(let t): return Escape.markdownText(t)
            case .strong(let t): return "**" + Escape.markdownText(t) + "**"
            case .code(let t): return Escape.markdownCode(t)
            case .link(let t, _, let file): return "[" + Escape.markdownText(t) + "](" + file + ")"
            }
        }.joined()
    }

    static func block(_ b: Block) -> String {
        switch b {
        case .heading(let t):
            return "### " + Escape.markdownText(t) + "\n"
        case .paragraph(let runs):
            return inline(runs) + "\n"
        case .warning(let title, let items):
            var s = "> **⚠ " + Escape.markdownText(title) + "**\n>\n"
            for i in items { s += "> - " + Escape.markdownText(i) + "\n" }
            return s
        case .absent(let t):
            return "_" + Escape.markdownText(t) + "_\n"
        case .facts(let pairs):
            return pairs.map { "- **" + Escape.markdownText($0.0) + ":** " + inline($0.1) }.joined(separator: "\n") + "\n"
        case .table(let t):
            return table(t)
        case .chart(let c):
            var s = "![" + Escape.markdownText(c.title) + "](" + c.fileName + ")\n"
            if let cap = c.caption { s += "\n" + Escape.markdownText(cap) + "\n" }
            return s
        case .list(let items, let ordered):
            return items.enumerated().map { (ordered ? "\($0.offset + 1). " : "- ") + inline($0.element) }.joined(separator: "\n") + "\n"
        case .cards(_, let markdown):
            return table(markdown)
        }
    }

    static func table(_ t: ReportTable) -> String {
        var s = ""
        if let c = t.caption { s += "**" + Escape.markdownText(c) + "**\n\n" }
        s += "| " + t.columns.map { Escape.markdownCell($0.title) }.joined(separator: " | ") + " |\n"
        s += "|" + t.columns.map { $0.numeric ? " ---: " : " --- " }.joined(separator: "|") + "|\n"
        for row in t.rows {
            let cells = (0..<t.columns.count).map { i -> String in
                guard i < row.count else { return "" }
                let c = row[i]
                var text = c.code ? Escape.markdownCode(c.text) : Escape.markdownCell(c.text)
                if text.isEmpty { text = " " }
                if let link = c.link { text = "[" + text + "](" + link.file + ")" }
                return text
            }
            s += "| " + cells.joined(separator: " | ") + " |\n"
        }
        if t.rows.isEmpty { s += "| " + t.columns.map { _ in "–" }.joined(separator: " | ") + " |\n" }
        if let n = t.note { s += "\n" + Escape.markdownText(n) + "\n" }
        return s
    }
}
