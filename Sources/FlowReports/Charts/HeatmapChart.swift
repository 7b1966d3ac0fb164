/// Hour-of-day × day-of-week volume: 7 rows (Monday first) × 24 columns, colour
/// intensity proportional to the value.
public struct HeatmapChart: Sendable {
    public var title: String
    public var format: ValueFormat
    /// `values[day * 24 + hour]`, day 0 = Monday; 168 values (missing ones count as 0).
    public var values: [Double]
    public var width = 760
    /// Hours between axis labels (3; 6 on the compact chart, whose cells are narrow).
    public var hourLabelStep = 3

    /// The same chart for a phone-width page: 380 units wide (about the screen's width, so
    /// text keeps its size), an hour label every 6 hours.
    public var compact: HeatmapChart {
        var c = self
        c.width = 380
        c.hourLabelStep = 6
        return c
    }

    public init(title: String, format: ValueFormat, values: [Double]) {
        self.title = title
        self.format = format
        self.values = values
    }

    public var height: Int { 34 + 7 * 24 + 44 }

    public func svg(standalone: Bool, id: String? = nil) -> String {
        var b = SVGBuilder(width: width, height: height, title: title, standalone: standalone, id: id)
        b.label(8, 18, title, cls: "title")
        let left = 44.0, top = 34.0, cellH = 24.0
        let cellW = (Double(width) - left - 12) / 24
        let maxValue = values.filter(\.isFinite).max() ?? 0
        for day in 0..<7 {
            b.label(left - 6, top + Double(day) * cellH + 16, UTCText.weekdayNames[day], cls: "tick", anchor: .end)
            for hour in 0..<24 {
                let i = day * 24 + hour
                let v = i < values.count && values[i].isFinite ? max(values[i], 0) : 0
                let x = left + Double(hour) * cellW, y = top + Double(day) * cellH
                let tip = UTCText.weekdayNames[day] + " " + (hour < 10 ? "0" : "") + String(hour) + ":00 UTC: " + format.valueText(v)
                if v <= 0 || maxValue <= 0 {
                    b.rect(x + 1, y + 1, cellW - 2, cellH - 2, cls: "heat0", tooltip: tip)
                } else {
                    let opacity = 0.2 + 0.8 * (v / maxValue)
                    b.rect(x + 1, y + 1, cellW - 2, cellH - 2, cls: "heat", style: "fill-opacity:" + Units.plain(opacity, 2), tooltip: tip)
                }
            }
        }
        let axisY = top + 7 * cellH + 14
        for hour in stride(from: 0, to: 24, by: hourLabelStep) {
            b.label(left + (Double(hour) + 0.5) * cellW, axisY, (hour < 10 ? "0" : "") + String(hour) + ":00", cls: "tick", anchor: .middle)
        }
        // Legend: five swatches from light to full.
        let legendY = axisY + 12
        b.label(left, legendY + 10, "0", cls: "tick")
        for k in 0..<5 {
            b.rect(left + 16 + Double(k) * 22, legendY, 20, 12, cls: "heat", style: "fill-opacity:" + Units.plain(0.12 + 0.88 * Double(k + 1) / 5, 2))
        }
        b.label(left + 16 + 5 * 22 + 6, legendY + 10, format.valueText(maxValue) + (width >= 500 ? " (UTC hours)" : ""), cls: "tick")
        return b.finish()
    }
}
