import FlowArtifacts

/// 2. Traffic over time: bytes, packets and flows per bucket (with the forecast band
/// behind when a time-series model ran), anomalies shaded and numbered, and the
/// hour-of-day × day-of-week heatmap.
enum TrafficSection {
    static let measures: [(name: String, title: String, format: ValueFormat)] = [
        ("bytes", "Bytes", .bytes), ("packets", "Packets", .count), ("flows", "Flows", .count),
    ]

    static func build(_ input: ReportInput, windows: [MarkedWindow]) -> ReportSection {
        let t = input.traffic
        var blocks: [Block] = []
        let times = (0..<t.bucketBytes.count).map { t.bucketTime($0) }
        let range = (start: t.periodStart, end: t.periodEnd)
        var usedFeed = Set<String>()
        for m in measures {
            let own: [UInt64] = m.name == "bytes" ? t.bucketBytes : (m.name == "packets" ? t.bucketPackets : t.bucketFlows)
            var chart: LineChart
            var caption: String
            if let f = input.forecasts.first(where: { $0.name == m.name }) {
                usedFeed.insert(f.name)
                chart = forecastChart(f, title: m.title + " per " + UTCText.duration(f.bucketMillis), format: m.format, range: range)
                caption = "Observed \(m.name) per \(UTCText.duration(f.bucketMillis)) with the forecast" + (f.model.map { " of " + $0 } ?? "")
                    + (f.level.map { " and its " + levelPercent($0) + "% interval" } ?? " and its interval") + "."
            } else {
                chart = LineChart(title: m.title + " per " + UTCText.duration(t.bucketMillis), format: m.format,
                                  series: [LineSeries(name: m.name, times: times, values: own.map { Double($0) })], range: range)
                caption = "Observed \(m.name) per \(UTCText.duration(t.bucketMillis)), from the dataset; peak "
                    + peakText(own, times: times, format: m.format, bucket: t.bucketMillis) + "."
            }
            chart.subtitle = subtitle(own, format: m.format, bucket: t.bucketMillis)
            chart.windows = windows
            if input.incidents != nil {
                chart.windowLegend = "incident"
                if !windows.isEmpty { caption += " Shaded, numbered windows are the incidents (see Incidents)." }
            } else if !windows.isEmpty {
                caption += " Shaded, numbered windows are the ranked anomalies (see Anomalies)."
            }
            let c = chart
            var figure = ChartFigure(id: "traffic-" + m.name, title: c.title, caption: caption) { c.svg(standalone: $0, id: $0 ? nil : "svg-traffic-" + m.name) }
            figure.narrowSVG = c.compact.svg(standalone: false)
            blocks.append(.chart(figure))
        }
        if input.forecasts.isEmpty {
            blocks.append(.absent("No forecast band: no time-series model ran (the scores folder has no report feed with series)."))
        }
        for f in input.forecasts where !usedFeed.contains(f.name) {
            let format: ValueFormat = f.unit == "bytes" ? .bytes : .count
            var chart = forecastChart(f, title: f.name + " per " + UTCText.duration(f.bucketMillis), format: format, range: range)
            chart.windows = windows.filter { $0.entity == f.name }
            if input.incidents != nil { chart.windowLegend = "incident" }
            let c = chart
            var figure = ChartFigure(id: "series-" + Escape.slug(f.name), title: c.title,
                                     caption: "Series " + f.name + (f.model.map { ", model " + $0 } ?? "") + ".") { c.svg(standalone: $0) }
            figure.narrowSVG = c.compact.svg(standalone: false)
            blocks.append(.chart(figure))
        }
        let heat = HeatmapChart(title: "Bytes by hour of day and day of week (UTC)", format: .bytes, values: t.heatmapBytes.map { Double($0) })
        var heatFigure = ChartFigure(id: "heatmap", title: heat.title,
                                     caption: "Each cell sums the bytes of flows starting in that UTC hour on that weekday over the period.") { heat.svg(standalone: $0) }
        heatFigure.narrowSVG = heat.compact.svg(standalone: false)
        blocks.append(.chart(heatFigure))
        return ReportSection(id: "traffic", title: "Traffic over time", blocks: blocks)
    }

    /// An interval level as a percentage with as many decimals (up to 4) as it takes not
    /// to round a level below 1 up to "100" (0.9999 → 99.99).
    static func levelPercent(_ level: Double) -> String {
        for decimals in 1...4 {
            let text = Units.trimmed(level * 100, decimals)
            if level >= 1 || text != "100" { return text }
        }
        return Units.trimmed(level * 100, 4)
    }

    static func forecastChart(_ f: ForecastSeries, title: String, format: ValueFormat, range: (start: Int64, end: Int64)) -> LineChart {
        let times = (0..<f.count).map { f.time($0) }
        var series = [LineSeries(name: "observed", times: times, values: pad(f.observed, f.count))]
        if f.forecast.contains(where: { $0 != nil }) {
            series.append(LineSeries(name: "forecast", times: times, values: pad(f.forecast, f.count), style: .forecast))
        }
        var bands: [IntervalBand] = []
        if f.lower.contains(where: { $0 != nil }) {
            bands.append(IntervalBand(name: f.level.map { levelPercent($0) + "% interval" } ?? "interval",
                                      times: times, lower: pad(f.lower, f.count), upper: pad(f.upper, f.count)))
        }
        return LineChart(title: title, format: format, series: series, bands: bands, range: range)
    }

    static func pad(_ v: [Double?], _ n: Int) -> [Double?] { v.count >= n ? v : v + Array(repeating: nil, count: n - v.count) }

    static func subtitle(_ values: [UInt64], format: ValueFormat, bucket: Int64) -> String {
        let total = values.reduce(0, &+)
        return "total " + format.valueText(Double(total)) + ", UTC"
    }

    static func peakText(_ values: [UInt64], times: [Int64], format: ValueFormat, bucket: Int64) -> String {
        guard let i = values.indices.max(by: { (values[$0], $1) < (values[$1], $0) }), values[i] > 0 else { return "none" }
        let perSecond = Double(values[i]) / (Double(bucket) / 1000)
        let rate = format == .bytes ? Units.byteRate(perSecond) : Units.rate(perSecond, unit: "")
        return format.valueText(Double(values[i])) + " at " + UTCText.minute(times[i]) + " (" + rate.replacingOccurrences(of: " /s", with: "/s") + ")"
    }
}
