/// A horizontal bar chart: one labelled bar per item, largest first as given, value text
/// at the end of each bar.
public struct BarChart: Sendable {
    public struct Item: Sendable, Equatable {
        public var label: String
        public var value: Double
        /// Text printed after the bar (defaults to the format's value text).
        public var valueText: String?

        public init(label: String, value: Double, valueText: String? = nil) {
            self.label = label
            self.value = value
            self.valueText = valueText
        }
    }

    public var title: String
    public var format: ValueFormat
    public var items: [Item]
    public var width = 760
    /// Characters of a label before it is cut with an ellipsis.
    public var labelLimit = 30
    /// Room right of the longest bar for its value text.
    public var valueRoom = 96.0

    /// The same chart for a phone-width page: 380 units wide, labels cut at 15 characters.
    public var compact: BarChart {
        var c = self
        c.width = 380
        c.labelLimit = 15
        c.valueRoom = 112
        return c
    }

    public init(title: String, format: ValueFormat, items: [Item]) {
        self.title = title
        self.format = format
        self.items = items
    }

    static let rowHeight = 22.0, top = 34.0, bottom = 26.0

    public var height: Int { Int(Self.top + Self.bottom + Double(max(items.count, 1)) * Self.rowHeight) }

    public func svg(standalone: Bool, id: String? = nil) -> String {
        var b = SVGBuilder(width: width, height: height, title: title, standalone: standalone, id: id)
        b.label(8, 18, title, cls: "title")
        let left = Double(min(labelLimit, 40)) * 6.6 + 16
        let right = Double(width) - valueRoom
        guard !items.isEmpty else {
            b.label(Double(width) / 2, Self.top + 14, "nothing in this period", cls: "empty", anchor: .middle)
            return b.finish()
        }
        let maxValue = items.map(\.value).filter(\.isFinite).max() ?? 0
        let scale = NiceScale.make(min: 0, max: max(maxValue, 0), maxTicks: 5, unit: format.unit(forMax: maxValue))
        let plotBottom = Self.top + Double(items.count) * Self.rowHeight
        for v in scale.ticks {
            let x = scale.map(v, from: left, to: right)
            b.line(x, Self.top - 4, x, plotBottom, cls: "grid")
            b.label(x, plotBottom + 16, format.axisLabel(v), cls: "tick", anchor: .middle)
        }
        for (i, item) in items.enumerated() {
            let y = Self.top + Double(i) * Self.rowHeight
            let v = item.value.isFinite ? max(item.value, 0) : 0
            let x2 = scale.map(v, from: left, to: right)
            let text = item.valueText ?? format.valueText(v)
            b.label(left - 8, y + 15, SVGBuilder.truncate(item.label, labelLimit), cls: "tick", anchor: .end, tooltip: item.label)
            b.rect(left, y + 4, max(x2 - left, v > 0 ? 1 : 0), Self.rowHeight - 8, cls: "bar", tooltip: item.label + ": " + text)
            b.label(x2 + 6, y + 15, text, cls: "tick")
        }
        b.line(left, Self.top - 4, left, plotBottom, cls: "axis")
        return b.finish()
    }
}
