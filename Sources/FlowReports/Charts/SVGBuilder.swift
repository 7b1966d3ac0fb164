/// Writes SVG markup. Coordinates are printed with at most one decimal so the same chart
/// always gives the same bytes; every text passes through `Escape.svg`/`Escape.attribute`.
public struct SVGBuilder {
    public private(set) var text = ""

    /// Opens the `<svg>` element. `standalone` adds the XML namespace, a fixed size and the
    /// chart style sheet (for .svg files); inline SVG takes its styles from the page.
    public init(width: Int, height: Int, title: String, standalone: Bool, id: String? = nil) {
        text.reserveCapacity(4096)
        text += "<svg"
        if standalone { text += " xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\"" }
        if let id { text += " id=\"\(Escape.attribute(id))\"" }
        text += " class=\"chart\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(Escape.attribute(title))\">"
        text += "<title>\(Escape.svg(title))</title>"
        if standalone {
            text += "<style>" + ChartStyle.css + "</style>"
            text += "<rect class=\"bg\" x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\"/>"
        }
    }

    /// A number for an attribute: integers plainly, else one decimal.
    public static func num(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        let r = (v * 10).rounded() / 10
        if r == r.rounded() && abs(r) < 1e9 { return String(Int(r)) }
        return Units.plain(r, 1)
    }

    public mutating func raw(_ markup: String) { text += markup }

    public mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, cls: String) {
        text += "<line class=\"\(cls)\" x1=\"\(Self.num(x1))\" y1=\"\(Self.num(y1))\" x2=\"\(Self.num(x2))\" y2=\"\(Self.num(y2))\"/>"
    }

    /// A rectangle; `tooltip` becomes its `<title>`.
    public mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, cls: String, style: String? = nil, tooltip: String? = nil) {
        text += "<rect class=\"\(cls)\" x=\"\(Self.num(x))\" y=\"\(Self.num(y))\" width=\"\(Self.num(max(w, 0)))\" height=\"\(Self.num(max(h, 0)))\""
        if let style { text += " style=\"\(Escape.attribute(style))\"" }
        if let tooltip { text += "><title>\(Escape.svg(tooltip))</title></rect>" } else { text += "/>" }
    }

    public mutating func circle(_ cx: Double, _ cy: Double, _ r: Double, cls: String, tooltip: String? = nil) {
        text += "<circle class=\"\(cls)\" cx=\"\(Self.num(cx))\" cy=\"\(Self.num(cy))\" r=\"\(Self.num(r))\""
        if let tooltip { text += "><title>\(Escape.svg(tooltip))</title></circle>" } else { text += "/>" }
    }

    /// A path from point lists: each inner list is one connected run (`M` then `L`s).
    public mutating func polyline(_ runs: [[(Double, Double)]], cls: String, closed: Bool = false) {
        var d = ""
        for run in runs where !run.isEmpty {
            for (i, p) in run.enumerated() {
                d += (i == 0 ? "M" : "L") + Self.num(p.0) + " " + Self.num(p.1)
            }
            if closed { d += "Z" }
        }
        guard !d.isEmpty else { return }
        text += "<path class=\"\(cls)\" d=\"\(d)\"/>"
    }

    public enum Anchor: String { case start, middle, end }

    /// One line of text (log data is escaped here).
    public mutating func label(_ x: Double, _ y: Double, _ content: String, cls: String, anchor: Anchor = .start, tooltip: String? = nil) {
        text += "<text class=\"\(cls)\" x=\"\(Self.num(x))\" y=\"\(Self.num(y))\""
        if anchor != .start { text += " text-anchor=\"\(anchor.rawValue)\"" }
        text += ">" + Escape.svg(content)
        if let tooltip { text += "<title>\(Escape.svg(tooltip))</title>" }
        text += "</text>"
    }

    public mutating func openGroup(cls: String? = nil, id: String? = nil) {
        text += "<g"
        if let cls { text += " class=\"\(cls)\"" }
        if let id { text += " id=\"\(Escape.attribute(id))\"" }
        text += ">"
    }

    public mutating func closeGroup() { text += "</g>" }

    public mutating func finish() -> String {
        text += "</svg>"
        return text
    }

    /// `text` cut with an ellipsis to `limit` characters as shown, hidden characters
    /// counted as their `<U+XXXX>` markers (so a run of zero-width joiners cannot blow up
    /// a label, and a cut may fall inside a character); at least one scalar is kept.
    public static func truncate(_ text: String, _ limit: Int) -> String {
        let flat = Escape.singleLine(text)
        guard HiddenCharacters.displayedLength(flat) > limit else { return flat }
        let room = max(limit - 1, 1)
        var out = String.UnicodeScalarView(), used = 0
        for s in flat.unicodeScalars {
            let w = HiddenCharacters.displayedLength(s)
            if used + w > room && !out.isEmpty { break }
            out.append(s)
            used += w
        }
        return String(out) + "…"
    }
}
