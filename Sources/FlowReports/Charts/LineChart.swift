/// One line: values at instants (UTC milliseconds); nil values break the line.
public struct LineSeries: Sendable, Equatable {
    /// `comparison`: a second forecast drawn beside `forecast` (dotted).
    public enum Style: String, Sendable { case observed = "obs", secondary = "obs2", forecast = "fc", comparison = "fc2" }
    public var name: String
    public var times: [Int64]
    public var values: [Double?]
    public var style: Style

    public init(name: String, times: [Int64], values: [Double?], style: Style = .observed) {
        self.name = name
        self.times = times
        self.values = values
        self.style = style
    }
}

/// A shaded interval (e.g. a forecast's prediction interval) drawn behind the lines.
public struct IntervalBand: Sendable, Equatable {
    public var name: String
    public var times: [Int64]
    public var lower: [Double?]
    public var upper: [Double?]

    public init(name: String, times: [Int64], lower: [Double?], upper: [Double?]) {
        self.name = name
        self.times = times
        self.lower = lower
        self.upper = upper
    }
}

/// A shaded, numbered window (an anomaly) on a time chart.
public struct MarkedWindow: Sendable, Equatable {
    public var number: Int
    public var start: Int64
    public var end: Int64
    public var tooltip: String
    /// What the window is about (a host, a series); lets a chart pick its own windows.
    public var entity: String

    public init(number: Int, start: Int64, end: Int64, tooltip: String, entity: String = "") {
        self.number = number
        self.start = start
        self.end = end
        self.tooltip = tooltip
        self.entity = entity
    }
}

/// A time-series line chart: UTC time axis, nice value axis, bands behind lines,
/// numbered windows, legend and title.
public struct LineChart: Sendable {
    public var title: String
    public var subtitle: String
    public var format: ValueFormat
    public var series: [LineSeries]
    public var bands: [IntervalBand] = []
    public var windows: [MarkedWindow] = []
    /// The time range shown (defaults to the data's range).
    public var range: (start: Int64, end: Int64)?
    /// The highest value the axis shows (nil: the data's maximum); lines above it are drawn
    /// flat along the top, so a few spikes do not flatten everything else. Say so in the
    /// subtitle or caption.
    public var valueCeiling: Double?
    public var width = 760
    public var height = 260

    public init(title: String, subtitle: String = "", format: ValueFormat, series: [LineSeries],
                bands: [IntervalBand] = [], windows: [MarkedWindow] = [], range: (start: Int64, end: Int64)? = nil) {
        self.title = title
        self.subtitle = subtitle
        self.format = format
        self.series = series
        self.bands = bands
        self.windows = windows
        self.range = range
    }

    /// The legend's word for the shaded windows.
    public var windowLegend = "anomaly"

    /// The same chart drawn for a phone-width page: 380 units wide (about the screen's
    /// width, so text keeps its size), the legend on the subtitle's line, left-aligned.
    public var compact: LineChart {
        var c = self
        c.width = 380
        c.height = 230
        c.isCompact = true
        return c
    }

    var isCompact = false

    /// Rows of window labels before they may overlap.
    static let labelRows = 4

    static let marginLeft = 70.0, marginRight = 18.0, marginTop = 44.0, marginBottom = 40.0

    /// The SVG markup. `standalone` for a .svg file (namespace, size, styles).
    public func svg(standalone: Bool, id: String? = nil) -> String {
        var b = SVGBuilder(width: width, height: height, title: title, standalone: standalone, id: id)
        let left = Self.marginLeft, right = Double(width) - Self.marginRight
        let top = Self.marginTop, bottom = Double(height) - Self.marginBottom
        if isCompact {
            b.label(8, 18, title, cls: "title")
            legend(&b, left: 8)
        } else {
            b.label(left, 18, title, cls: "title")
            if !subtitle.isEmpty { b.label(left, 34, subtitle, cls: "sub") }
            legend(&b, right: right)
        }

        var tMin = Int64.max, tMax = Int64.min
        var vMax = -Double.infinity, vMin = Double.infinity
        func see(_ t: Int64, _ v: Double?) {
            tMin = min(tMin, t)
            tMax = max(tMax, t)
            if let v, v.isFinite { vMax = max(vMax, v); vMin = min(vMin, v) }
        }
        for s in series { for (i, t) in s.times.enumerated() where i < s.values.count { see(t, s.values[i]) } }
        // The value axis follows the observed and forecast lines; an interval band (which
        // can be orders of magnitude wider at a high level or after a transform) is drawn
        // clipped to it, so it never flattens the lines a reader came to see.
        let linesHaveData = vMax > -Double.infinity
        for band in bands {
            for (i, t) in band.times.enumerated() {
                see(t, linesHaveData || i >= band.upper.count ? nil : band.upper[i])
                see(t, linesHaveData || i >= band.lower.count ? nil : band.lower[i])
            }
        }
        if let ceiling = valueCeiling, ceiling.isFinite, ceiling > vMin { vMax = min(vMax, ceiling) }
        if let range { tMin = range.start; tMax = range.end }
        let hasData = vMax > -Double.infinity
        if !hasData && range == nil {
            b.line(left, bottom, right, bottom, cls: "axis")
            b.label((left + right) / 2, (top + bottom) / 2, "no data in this period", cls: "empty", anchor: .middle)
            return b.finish()
        }
        if tMax <= tMin { tMax = tMin + 60_000; tMin -= 60_000 }
        let y = NiceScale.make(min: hasData ? vMin : 0, max: hasData ? vMax : 1, maxTicks: 5,
                               unit: format.unit(forMax: hasData ? max(abs(vMax), abs(vMin)) : 1))
        func px(_ t: Int64) -> Double { left + Double(t - tMin) / Double(tMax - tMin) * (right - left) }
        func py(_ v: Double) -> Double { y.map(v, from: bottom, to: top) }

        for v in y.ticks {
            b.line(left, py(v), right, py(v), cls: "grid")
            b.label(left - 6, py(v) + 4, format.axisLabel(v), cls: "tick", anchor: .end)
        }
        let tt = TimeTicks.make(start: tMin, end: tMax, maxTicks: max(2, Int((right - left) / 70)))
        for (i, t) in tt.ticks.enumerated() {
            let x = px(t)
            b.line(x, bottom, x, bottom + 4, cls: "axis")
            let (l1, l2) = tt.label(at: i)
            b.label(x, bottom + 16, l1, cls: "tick", anchor: .middle)
            if let l2 { b.label(x, bottom + 29, l2, cls: "tick", anchor: .middle) }
        }

        // Windows behind everything else, numbered at the top; a label that would touch an
        // earlier one goes one row down (the first row where it is clear of the others).
        var rowEnds = [Double](repeating: -1000, count: Self.labelRows)
        for w in windows.sorted(by: { ($0.start, $0.number) < ($1.start, $1.number) }) {
            let x1 = max(left, px(w.start)), x2 = min(right, px(max(w.end, w.start)))
            guard x2 >= left, x1 <= right else { continue }
            let wpx = max(x2 - x1, 3)
            b.rect(x1, top, wpx, bottom - top, cls: "win", tooltip: w.tooltip)
            let cx = x1 + wpx / 2
            let radius = max(7.5, 3 + 3 * Double(String(w.number).count))
            let stagger = rowEnds.firstIndex { cx - radius >= $0 + 2 } ?? rowEnds.indices.min { rowEnds[$0] < rowEnds[$1] }!
            rowEnds[stagger] = cx + radius
            let cy = top + 8 + Double(stagger) * 19
            b.circle(cx, cy, radius, cls: "winnum", tooltip: w.tooltip)
            b.label(cx, cy + 3.5, String(w.number), cls: "winlbl", anchor: .middle)
        }
        for band in bands {
            for run in bandRuns(band) {
                func clipped(_ v: Double) -> Double { py(Swift.min(Swift.max(v, y.lower), y.upper)) }
                let upper = run.map { (px($0.0), clipped($0.2)) }
                let lower = run.reversed().map { (px($0.0), clipped($0.1)) }
                b.polyline([upper + lower], cls: "band", closed: true)
            }
        }
        for s in series {
            var runs: [[(Double, Double)]] = [[]]
            for (i, t) in s.times.enumerated() where i < s.values.count {
                if let v = s.values[i], v.isFinite {
                    runs[runs.count - 1].append((px(t), py(valueCeiling.map { Swift.min(v, $0) } ?? v)))
                } else if !runs[runs.count - 1].isEmpty {
                    runs.append([])
                }
            }
            let lines = runs.filter { $0.count > 1 }
            b.polyline(lines, cls: s.style.rawValue)
            for run in runs where run.count == 1 {
                b.circle(run[0].0, run[0].1, 2.5, cls: "dot")
            }
        }
        b.line(left, bottom, right, bottom, cls: "axis")
        b.line(left, top, left, bottom, cls: "axis")
        return b.finish()
    }

    func bandRuns(_ band: IntervalBand) -> [[(Int64, Double, Double)]] {
        var runs: [[(Int64, Double, Double)]] = [[]]
        for (i, t) in band.times.enumerated() {
            if i < band.lower.count, i < band.upper.count, let lo = band.lower[i], let hi = band.upper[i], lo.isFinite, hi.isFinite {
                runs[runs.count - 1].append((t, lo, hi))
            } else if !runs[runs.count - 1].isEmpty {
                runs.append([])
            }
        }
        return runs.filter { $0.count > 1 }
    }

    func legendItems() -> [(String, String)] {
        var items: [(String, String)] = series.map { ($0.name, $0.style.rawValue) }
        items += bands.map { ($0.name, "band") }
        if !windows.isEmpty { items.append((windowLegend, "win")) }
        guard items.count > 1 || !bands.isEmpty || !windows.isEmpty else { return [] }
        return items
    }

    /// The compact chart's legend: one row from `left` under the title, names cut short.
    func legend(_ b: inout SVGBuilder, left: Double) {
        var x = left
        for (name, cls) in legendItems() {
            let label = SVGBuilder.truncate(name, 12)
            if cls == "band" || cls == "win" {
                b.rect(x, 26, 14, 9, cls: cls)
            } else {
                b.line(x, 30.5, x + 14, 30.5, cls: cls)
            }
            b.label(x + 17, 35, label, cls: "tick")
            x += Double(HiddenCharacters.displayedLength(label)) * 6.4 + 26
        }
    }

    func legend(_ b: inout SVGBuilder, right: Double) {
        let items = legendItems()
        guard !items.isEmpty else { return }
        var x = right
        for (name, cls) in items.reversed() {
            let label = SVGBuilder.truncate(name, 24)
            let w = Double(HiddenCharacters.displayedLength(label)) * 6.6 + 26
            x -= w
            if cls == "band" || cls == "win" {
                b.rect(x, 10, 16, 10, cls: cls)
            } else {
                b.line(x, 15, x + 16, 15, cls: cls)
            }
            b.label(x + 20, 19, label, cls: "tick")
        }
    }
}
