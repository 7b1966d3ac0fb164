/// Renders a `ReportDocument` as one self-contained HTML page: inline CSS and SVG, no
/// external resources (a Content-Security-Policy forbids any fetch), light and dark,
/// printable, tables sortable by a tiny optional script.
public enum HTMLRenderer {
    public static func render(_ doc: ReportDocument) -> String {
        var h = ""
        h.reserveCapacity(256 * 1024)
        h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        h += "<meta name=\"color-scheme\" content=\"light dark\">\n"
        h += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
        h += "<title>" + Escape.html(Escape.singleLine(doc.title)) + "</title>\n"  // RCDATA: markers as plain text
        h += "<style>\n" + PageStyle.css + "\n" + ChartStyle.css + "\n</style>\n</head>\n<body>\n<header>\n"
        h += "<h1>" + text(doc.title) + "</h1>\n"
        for line in doc.subtitle { h += "<p class=\"sub\">" + text(line) + "</p>\n" }
        h += "<nav>"
        for s in doc.sections { h += "<a href=\"#" + Escape.attribute(s.id) + "\">" + text(s.title) + "</a>" }
        h += "</nav>\n</header>\n<main>\n"
        for s in doc.sections where s.id != "provenance" { section(s, into: &h) }
        h += "</main>\n<footer>\n"
        for s in doc.sections where s.id == "provenance" { section(s, into: &h) }
        h += "</footer>\n<script>\n" + PageStyle.script + "\n</script>\n</body>\n</html>\n"
        return h
    }

    /// Log-derived or fixed text as HTML element content: one line, escaped, hidden
    /// characters as styled `<U+XXXX>` markers. Not for `<title>` (RCDATA) or inline SVG.
    static func text(_ t: String) -> String {
        Escape.html(Escape.singleLine(t), markers: .span)
    }

    static func section(_ s: ReportSection, into h: inout String) {
        h += "<section id=\"" + Escape.attribute(s.id) + "\">\n<h2>" + text(s.title) + "</h2>\n"
        for b in s.blocks { block(b, into: &h) }
        h += "</section>\n"
    }

    static func inline(_ runs: [Inline]) -> String {
        runs.map { r -> String in
            switch r {
            case .text(let t): return text(t)
            case .strong(let t): return "<strong>" + text(t) + "</strong>"
            case .code(let t): return "<code>" + text(t) + "</code>"
            case .link(let t, let anchor, _): return "<a href=\"#" + Escape.attribute(anchor) + "\">" + text(t) + "</a>"
            }
        }.joined()
    }

    static func block(_ b: Block, into h: inout String) {
        switch b {
        case .heading(let t):
            h += "<h3>" + text(t) + "</h3>\n"
        case .paragraph(let runs):
            h += "<p>" + inline(runs) + "</p>\n"
        case .warning(let title, let items):
            h += "<div class=\"warning\" role=\"alert\"><strong>⚠ " + text(title) + "</strong><ul>"
            for i in items { h += "<li>" + text(i) + "</li>" }
            h += "</ul></div>\n"
        case .absent(let t):
            h += "<p class=\"absent\">" + text(t) + "</p>\n"
        case .facts(let pairs):
            h += "<div class=\"tablewrap\"><table class=\"facts\"><tbody>"
            for (k, v) in pairs { h += "<tr><th scope=\"row\">" + text(k) + "</th><td>" + inline(v) + "</td></tr>" }
            h += "</tbody></table></div>\n"
        case .table(let t):
            table(t, into: &h)
        case .chart(let c):
            h += "<figure id=\"" + Escape.attribute(c.anchor) + "\">"
            if let narrow = c.narrowSVG {
                h += "<div class=\"chartwrap wide\">" + c.inlineSVG + "</div><div class=\"chartwrap narrow\">" + narrow + "</div>"
            } else {
                h += "<div class=\"chartwrap\">" + c.inlineSVG + "</div>"
            }
            if let cap = c.caption { h += "<figcaption>" + text(cap) + "</figcaption>" }
            h += "</figure>\n"
        case .list(let items, let ordered):
            h += ordered ? "<ol>" : "<ul>"
            for i in items { h += "<li>" + inline(i) + "</li>" }
            h += ordered ? "</ol>\n" : "</ul>\n"
        case .cards(let cards, _):
            h += "<div class=\"cards\">\n"
            for c in cards { card(c, into: &h) }
            h += "</div>\n"
        }
    }

    static func card(_ c: Card, into h: inout String) {
        let tone = Escape.attribute(c.tone)
        h += "<article class=\"card sev-" + tone + "\" id=\"" + Escape.attribute(c.id) + "\">"
        h += "<div class=\"cardhead\"><h3><span class=\"cardnum\">" + text(c.label) + "</span> " + text(c.title) + "</h3>"
        h += "<span class=\"sev sev-" + tone + "\">" + text(c.badge) + "</span></div>"
        if !c.summary.isEmpty { h += "<p class=\"cardsum\">" + inline(c.summary) + "</p>" }
        h += "<dl>"
        for (k, v) in c.facts { h += "<div><dt>" + text(k) + "</dt><dd>" + inline(v) + "</dd></div>" }
        h += "</dl></article>\n"
    }

    static func table(_ t: ReportTable, into h: inout String) {
        h += "<div class=\"tablewrap\"><table" + (t.sortable && t.rows.count > 1 ? " class=\"sortable\"" : "") + ">"
        if let c = t.caption { h += "<caption>" + text(c) + "</caption>" }
        h += "<thead><tr>"
        func classes(_ c: ReportTable.Column?) -> String {
            let names = (c?.numeric == true ? ["num"] : []) + (c?.hiddenOnPhone == true ? ["ph"] : []) + (c?.breaksOnPhone == true ? ["brk"] : [])
            return names.isEmpty ? "" : " class=\"" + names.joined(separator: " ") + "\""
        }
        for c in t.columns { h += "<th" + classes(c) + " scope=\"col\">" + text(c.title) + "</th>" }
        h += "</tr></thead><tbody>\n"
        for (r, row) in t.rows.enumerated() {
            if r < t.rowIDs.count, let id = t.rowIDs[r] { h += "<tr id=\"" + Escape.attribute(id) + "\">" } else { h += "<tr>" }
            for (i, cell) in row.enumerated() {
                h += "<td" + classes(i < t.columns.count ? t.columns[i] : nil)
                if let k = cell.sortKey { h += " data-sort=\"" + Units.plain(k, 3) + "\"" }
                h += ">"
                var content = text(cell.text)
                if cell.code { content = "<code>" + content + "</code>" }
                if let link = cell.link { content = "<a href=\"#" + Escape.attribute(link.anchor) + "\">" + content + "</a>" }
                h += content + "</td>"
            }
            h += "</tr>\n"
        }
        h += "</tbody></table></div>\n"
        if let n = t.note { h += "<p class=\"tnote\">" + text(n) + "</p>\n" }
    }
}
