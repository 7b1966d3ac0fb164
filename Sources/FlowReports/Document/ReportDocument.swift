/// A report as a list of sections of format-neutral blocks; `HTMLRenderer` and
/// `MarkdownRenderer` turn the same document into the two files, so both always have
/// the same sections. Texts here are raw (unescaped): renderers escape for their context.
public struct ReportDocument: Sendable {
    public var title: String
    /// Lines under the title (period, generated at).
    public var subtitle: [String]
    public var sections: [ReportSection]

    public init(title: String, subtitle: [String], sections: [ReportSection]) {
        self.title = title
        self.subtitle = subtitle
        self.sections = sections
    }

    /// Every chart in document order (the Markdown report writes each as a file).
    public var charts: [ChartFigure] {
        sections.flatMap { $0.blocks.compactMap { if case .chart(let c) = $0 { return c } else { return nil } } }
    }
}

public struct ReportSection: Sendable {
    /// Anchor id (a slug).
    public var id: String
    public var title: String
    public var blocks: [Block]

    public init(id: String, title: String, blocks: [Block]) {
        self.id = id
        self.title = title
        self.blocks = blocks
    }
}

/// A run of inline text.
public enum Inline: Sendable, Equatable {
    case text(String)
    case strong(String)
    case code(String)
    /// A link to a place in the report: `anchor` in HTML (`#…`), `file` in Markdown.
    case link(String, anchor: String, file: String)
}

public enum Block: Sendable {
    /// A sub-heading inside a section.
    case heading(String)
    case paragraph([Inline])
    /// A warning box: a title and one line per problem.
    case warning(String, [String])
    /// A section (or part) that is absent, and why.
    case absent(String)
    /// Label → value pairs.
    case facts([(String, [Inline])])
    case table(ReportTable)
    case chart(ChartFigure)
    case list([[Inline]], ordered: Bool)
    /// Cards (the incidents) in the HTML page; the Markdown report shows `markdown`, a
    /// table of the same items, instead.
    case cards([Card], markdown: ReportTable)
}

/// A boxed item that leads the report (an incident).
public struct Card: Sendable {
    /// Anchor id (fixed text, not log data).
    public var id: String
    /// "#1", shown before the title.
    public var label: String
    public var title: String
    /// The severity badge text ("92 · critical").
    public var badge: String
    /// Colour class of the badge and the card's edge: a `SeverityBand` name.
    public var tone: String
    /// A sentence under the title.
    public var summary: [Inline]
    public var facts: [(String, [Inline])]

    public init(id: String, label: String, title: String, badge: String, tone: String, summary: [Inline], facts: [(String, [Inline])]) {
        self.id = id
        self.label = label
        self.title = title
        self.badge = badge
        self.tone = tone
        self.summary = summary
        self.facts = facts
    }
}

public struct ReportTable: Sendable {
    public struct Column: Sendable, Equatable {
        public var title: String
        public var numeric: Bool
        /// Hidden on a phone-width page (the HTML report's narrow layout).
        public var hiddenOnPhone: Bool
        /// On a phone-width page, code in this column may break anywhere (long hosts).
        public var breaksOnPhone: Bool
        public init(_ title: String, numeric: Bool = false, hiddenOnPhone: Bool = false, breaksOnPhone: Bool = false) {
            self.title = title
            self.numeric = numeric
            self.hiddenOnPhone = hiddenOnPhone
            self.breaksOnPhone = breaksOnPhone
        }
    }

    public struct Cell: Sendable, Equatable {
        public var text: String
        /// A machine sort key for numeric columns (the HTML sort script reads it).
        public var sortKey: Double?
        public var code: Bool
        /// A link to a place in the report (`anchor` for HTML, `file` for Markdown).
        public var link: (anchor: String, file: String)?

        public init(_ text: String, sortKey: Double? = nil, code: Bool = false, link: (anchor: String, file: String)? = nil) {
            self.text = text
            self.sortKey = sortKey
            self.code = code
            self.link = link
        }

        public static func == (a: Cell, b: Cell) -> Bool {
            a.text == b.text && a.sortKey == b.sortKey && a.code == b.code && a.link?.anchor == b.link?.anchor && a.link?.file == b.link?.file
        }

        /// A right-aligned count with thousands separators.
        public static func count<T: BinaryInteger>(_ v: T) -> Cell { Cell(Units.thousands(v), sortKey: Double(v)) }
        public static func bytes<T: BinaryInteger>(_ v: T) -> Cell { Cell(Units.bytes(v), sortKey: Double(v)) }
    }

    public var caption: String?
    public var columns: [Column]
    public var rows: [[Cell]]
    public var sortable: Bool
    /// A line under the table (e.g. "12 more in anomalies.csv").
    public var note: String?
    /// HTML ids of the rows (link targets), by row index; nil or missing = none.
    public var rowIDs: [String?] = []

    public init(caption: String? = nil, columns: [Column], rows: [[Cell]], sortable: Bool = true, note: String? = nil) {
        self.caption = caption
        self.columns = columns
        self.rows = rows
        self.sortable = sortable
        self.note = note
    }
}

/// One chart: inline SVG for the HTML page, a standalone SVG file for the Markdown report.
public struct ChartFigure: Sendable {
    /// Slug: HTML id `chart-<id>`, file `chart-<id>.svg`.
    public var id: String
    public var title: String
    public var inlineSVG: String
    public var fileSVG: String
    /// A version drawn for phone-width pages (inline), shown instead of `inlineSVG` there.
    public var narrowSVG: String?
    public var caption: String?

    public init(id: String, title: String, caption: String? = nil, render: (_ standalone: Bool) -> String) {
        self.id = id
        self.title = title
        self.caption = caption
        inlineSVG = render(false)
        fileSVG = render(true)
    }

    public var anchor: String { "chart-" + id }
    public var fileName: String { "chart-" + id + ".svg" }
}
