/// The chart style sheet: written into standalone .svg files and into the HTML page, so
/// inline and file charts look the same. Light by default, dark under
/// `prefers-color-scheme: dark`.
public enum ChartStyle {
    /// Number of distinct cluster colours (`c0` … `c7`); cluster ids cycle through them.
    public static let paletteSize = 8

    static let light = ["#2563eb", "#d97706", "#059669", "#db2777", "#7c3aed", "#0891b2", "#65a30d", "#9f1239"]
    static let dark = ["#60a5fa", "#fbbf24", "#34d399", "#f472b6", "#a78bfa", "#22d3ee", "#a3e635", "#fb7185"]

    public static let css: String = {
        var s = """
        .chart{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:13px}\
        .chart .bg{fill:#fff}\
        .chart text{fill:#1f2937}\
        .chart .title{font-size:15px;font-weight:600}\
        .chart .sub,.chart .tick{fill:#4b5563}\
        .chart .tick{font-size:12px}\
        .chart .halo{paint-order:stroke;stroke:#fff;stroke-width:4px;stroke-linejoin:round}\
        .chart .axis{stroke:#6b7280;stroke-width:1}\
        .chart .grid{stroke:#e5e7eb;stroke-width:1}\
        .chart .obs{fill:none;stroke:#2563eb;stroke-width:1.6;stroke-linejoin:round}\
        .chart .obs2{fill:none;stroke:#059669;stroke-width:1.4;stroke-linejoin:round}\
        .chart .fc{fill:none;stroke:#6b7280;stroke-width:1.2;stroke-dasharray:4 3}\
        .chart .fc2{fill:none;stroke:#d97706;stroke-width:1.3;stroke-dasharray:1.5 2.5}\
        .chart .band{fill:#93c5fd;fill-opacity:.35;stroke:none}\
        .chart .dot{fill:#2563eb}\
        .chart .win{fill:#f59e0b;fill-opacity:.22;stroke:#d97706;stroke-width:.8}\
        .chart .winnum{fill:#d97706}\
        .chart .winlbl{fill:#fff;font-size:10px;font-weight:700}\
        .chart .bar{fill:#2563eb}\
        .chart .bar2{fill:#059669}\
        .chart .heat{fill:#2563eb}\
        .chart .heat0{fill:#f3f4f6}\
        .chart .out{fill:none;stroke:#dc2626;stroke-width:1.6}\
        .chart .edge{stroke:#9ca3af;fill:none}\
        .chart .newedge{stroke:#dc2626;fill:none}\
        .chart .node{fill:#2563eb;stroke:#fff;stroke-width:1}\
        .chart .hot{fill:#dc2626;stroke:#fff;stroke-width:1}\
        .chart .empty{fill:#6b7280;font-style:italic}
        """
        for (i, c) in light.enumerated() { s += ".chart .c\(i){fill:\(c)}" }
        s += "@media (prefers-color-scheme:dark){"
        s += """
        .chart .bg{fill:#111827}\
        .chart .halo{stroke:#111827}\
        .chart text{fill:#e5e7eb}\
        .chart .sub,.chart .tick{fill:#9ca3af}\
        .chart .axis{stroke:#9ca3af}\
        .chart .grid{stroke:#374151}\
        .chart .obs{stroke:#60a5fa}\
        .chart .obs2{stroke:#34d399}\
        .chart .fc{stroke:#9ca3af}\
        .chart .fc2{stroke:#fbbf24}\
        .chart .band{fill:#1d4ed8;fill-opacity:.35}\
        .chart .dot{fill:#60a5fa}\
        .chart .bar{fill:#3b82f6}\
        .chart .bar2{fill:#10b981}\
        .chart .heat{fill:#60a5fa}\
        .chart .heat0{fill:#1f2937}\
        .chart .node{fill:#60a5fa;stroke:#111827}\
        .chart .hot{fill:#f87171;stroke:#111827}\
        .chart .out{stroke:#f87171}\
        .chart .newedge{stroke:#f87171}\
        .chart .edge{stroke:#6b7280}
        """
        for (i, c) in dark.enumerated() { s += ".chart .c\(i){fill:\(c)}" }
        s += "}"
        return s
    }()
}
