/// A 2-D scatter (e.g. a PCA projection) coloured by group, outliers marked with a ring.
public struct ScatterChart: Sendable {
    public struct Point: Sendable, Equatable {
        public var x: Double
        public var y: Double
        /// Colour group (cluster id); -1 for none.
        public var group: Int
        public var outlier: Bool
        public var label: String?

        public init(x: Double, y: Double, group: Int, outlier: Bool, label: String? = nil) {
            self.x = x
            self.y = y
            self.group = group
            self.outlier = outlier
            self.label = label
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var points: [Point]
    /// Legend entries: group id → name.
    public var groups: [(id: Int, name: String)]
    public var width = 760
    public var height = 420
    /// At most this many points are drawn (every k-th, outliers always).
    public var maxPoints = 2500
    /// Legend under the plot (one entry a row) instead of right of it.
    public var legendBelow = false

    /// The same chart for a phone-width page: 380 units wide (about the screen's width, so
    /// text keeps its size), a square plot with the legend under it.
    public var compact: ScatterChart {
        var c = self
        c.width = 380
        c.legendBelow = true
        c.height = 360 + 20 * (min(groups.count, 14) + 1)
        return c
    }

    public init(title: String, xLabel: String, yLabel: String, points: [Point], groups: [(id: Int, name: String)]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.points = points
        self.groups = groups
    }

    public func svg(standalone: Bool, id: String? = nil) -> String {
        var b = SVGBuilder(width: width, height: height, title: title, standalone: standalone, id: id)
        b.label(8, 18, legendBelow ? SVGBuilder.truncate(title, 44) : title, cls: "title", tooltip: legendBelow ? title : nil)
        let legendRows = legendBelow ? Double(min(groups.count, 14) + 1) * 20 : 0
        let left = 60.0, top = 34.0, right = Double(width) - (legendBelow ? 14 : 230), bottom = Double(height) - 44 - legendRows
        let finite = points.filter { $0.x.isFinite && $0.y.isFinite }
        guard !finite.isEmpty else {
            b.label((left + right) / 2, (top + bottom) / 2, "no points", cls: "empty", anchor: .middle)
            return b.finish()
        }
        let xs = NiceScale.make(min: finite.map(\.x).min()!, max: finite.map(\.x).max()!, maxTicks: 6, includeZero: false)
        let ys = NiceScale.make(min: finite.map(\.y).min()!, max: finite.map(\.y).max()!, maxTicks: 5, includeZero: false)
        for v in xs.ticks {
            let x = xs.map(v, from: left, to: right)
            b.line(x, top, x, bottom, cls: "grid")
            b.label(x, bottom + 16, ValueFormat.decimal.axisLabel(v), cls: "tick", anchor: .middle)
        }
        for v in ys.ticks {
            let y = ys.map(v, from: bottom, to: top)
            b.line(left, y, right, y, cls: "grid")
            b.label(left - 6, y + 4, ValueFormat.decimal.axisLabel(v), cls: "tick", anchor: .end)
        }
        b.label((left + right) / 2, bottom + 34, xLabel, cls: "sub", anchor: .middle)
        b.raw("<text class=\"sub\" transform=\"translate(14 \(SVGBuilder.num((top + bottom) / 2))) rotate(-90)\" text-anchor=\"middle\">\(Escape.svg(yLabel))</text>")
        let stride = max(1, (finite.count + maxPoints - 1) / maxPoints)
        for (i, p) in finite.enumerated() where !p.outlier && i % stride == 0 {
            let cls = p.group >= 0 ? "c\(p.group % ChartStyle.paletteSize)" : "dot"
            b.circle(xs.map(p.x, from: left, to: right), ys.map(p.y, from: bottom, to: top), 2.6, cls: cls, tooltip: p.label)
        }
        for p in finite where p.outlier {
            b.circle(xs.map(p.x, from: left, to: right), ys.map(p.y, from: bottom, to: top), 4.5, cls: "out", tooltip: p.label.map { $0 + " (outlier)" } ?? "outlier")
        }
        b.line(left, bottom, right, bottom, cls: "axis")
        b.line(left, top, left, bottom, cls: "axis")
        var ly = legendBelow ? bottom + 58 : top + 6
        let lx = legendBelow ? 14.0 : right + 24
        for g in groups.prefix(14) {
            b.circle(lx, ly, 5, cls: "c\(((g.id % ChartStyle.paletteSize) + ChartStyle.paletteSize) % ChartStyle.paletteSize)")
            b.label(lx + 10, ly + 4, SVGBuilder.truncate(g.name, legendBelow ? 50 : 28), cls: "tick", tooltip: g.name)
            ly += 20
        }
        if finite.contains(where: \.outlier) {
            b.circle(lx, ly, 5, cls: "out")
            b.label(lx + 10, ly + 4, "outlier", cls: "tick")
        }
        return b.finish()
    }
}
