import FlowArtifacts
import Foundation

/// The back-test's forecasts-vs-actuals charts ("Model checks"): per series, the held-out
/// actuals, the chosen model's one-step forecasts with its central interval, seasonal naive's
/// and the best other model's, from `backtest.json`'s `forecasts_vs_actuals`.
enum BacktestChart {
    /// Series drawn; the others are named in one line.
    static let maxCharts = 4

    static func blocks(_ b: BacktestFile) -> [Block] {
        let level = TrafficSection.levelPercent(b.intervalLevel) + "%"
        let drawable = b.forecastsVsActuals.filter { c in c.actual.contains { $0 != nil } && !c.forecasts.isEmpty }
        guard !drawable.isEmpty else { return [] }
        var blocks: [Block] = [.heading("Forecasts vs actuals on the held-out days")]
        for (i, c) in drawable.prefix(maxCharts).enumerated() {
            blocks.append(.chart(figure(c, number: i + 1, level: level, rows: b.rows.filter { $0.series == c.series })))
        }
        if drawable.count > maxCharts {
            let rest = drawable.dropFirst(maxCharts).map(\.series)
            blocks.append(.paragraph([.text("Not drawn (\(rest.count) more series; their curves are in backtest.json): "
                + rest.joined(separator: ", ") + ".")]))
        }
        return blocks
    }

    /// A model's name in legends and captions.
    static func name(_ model: String) -> String { model.replacingOccurrences(of: "_", with: " ") }

    /// A model's name in the phone-width legend (about 12 characters fit; the caption says which is chosen).
    static func shortName(_ model: String) -> String { model == "seasonal_naive" ? "naive" : name(model) }

    static func figure(_ c: BacktestCurves, number: Int, level: String, rows: [BacktestRow]) -> ChartFigure {
        let times = (0..<c.actual.count).map { c.startMillis + Int64($0) * c.stepMillis }
        func pad(_ v: [Double?]) -> [Double?] { TrafficSection.pad(Array(v.prefix(times.count)), times.count) }
        var series: [LineSeries] = []
        var shortNames: [String] = []
        var bands: [IntervalBand] = []
        // Drawn in this order: the comparisons (in the file's order) behind, then the actuals,
        // then the chosen model's forecast (dashed) on top.
        let ordered = c.forecasts.filter(\.chosen) + c.forecasts.filter { !$0.chosen }
        var styles: [LineSeries.Style] = [.secondary, .comparison]
        for f in ordered where !f.chosen {
            series.append(LineSeries(name: name(f.model), times: times, values: pad(f.values), style: styles.isEmpty ? .comparison : styles.removeFirst()))
            shortNames.append(shortName(f.model))
        }
        series.append(LineSeries(name: "actual", times: times, values: pad(c.actual)))
        shortNames.append("actual")
        for f in ordered where f.chosen {
            series.append(LineSeries(name: name(f.model) + " (chosen)", times: times, values: pad(f.values), style: .forecast))
            shortNames.append(shortName(f.model))
            if let lower = f.lower, let upper = f.upper {
                bands.append(IntervalBand(name: level + " interval", times: times, lower: pad(lower), upper: pad(upper)))
            }
        }
        let metric = c.series.split(separator: ".").last.map(String.init) ?? c.series
        let format: ValueFormat = metric == "bytes" ? .bytes : .count
        let step = UTCText.duration(c.stepMillis)
        // The title is the series alone (cut to leave the legend its room; the caption has it whole).
        var chart = LineChart(title: SVGBuilder.truncate(c.series, 28), format: format, series: series, bands: bands,
                              range: (start: c.startMillis, end: c.startMillis + Int64(c.actual.count) * c.stepMillis))
        var subtitle = c.bucketsPerPoint > 1
            ? "\(step) means of \(UTCText.duration(c.stepMillis / Int64(c.bucketsPerPoint))) buckets, UTC"
            : "per \(step), UTC"
        var cutText = ""
        if let cut = ceiling(series.map(\.values), format: format) {
            chart.valueCeiling = cut.value
            cutText = "axis cut at " + format.valueText(cut.value) + " (\(cut.above) " + (cut.above == 1 ? "point" : "points") + " above)"
            subtitle += "; " + cutText
        }
        chart.subtitle = subtitle
        let models = ordered.map { f in
            let mase = rows.first { $0.model == f.model }?.mase.map { "MASE " + Units.fixed($0, 3) } ?? ""
            let notes = (f.chosen ? ["chosen"] : []) + (mase.isEmpty ? [] : [mase])
            return name(f.model) + (notes.isEmpty ? "" : " (" + notes.joined(separator: ", ") + ")")
        }
        let listed = models.count > 1 ? models.dropLast().joined(separator: ", ") + " and " + models.last! : models.joined()
        var caption = "One-step forecasts of " + listed + " against the actual \(c.series) of the held-out days"
        caption += bands.isEmpty ? "." : "; the band is the chosen model's \(level) interval."
        if c.bucketsPerPoint > 1 {
            caption += " Points are \(step) means; the table's measures use every bucket."
        }
        if !cutText.isEmpty { caption += " The value " + cutText.replacingOccurrences(of: "axis cut", with: "axis is cut") + "." }
        let figureChart = chart
        var figure = ChartFigure(id: "backtest-\(number)-" + Escape.slug(c.series), title: c.series, caption: caption) {
            figureChart.svg(standalone: $0)
        }
        var narrow = chart.compact
        for i in narrow.series.indices { narrow.series[i].name = shortNames[i] }
        figure.narrowSVG = narrow.svg(standalone: false)
        return figure
    }

    /// Where to cut the value axis when a few spikes would flatten the rest: 1.5 × the 99th
    /// percentile of the lines' points rounded up to two significant digits (of the axis
    /// unit: KiB, MiB … for bytes), when their maximum is more than 3 times that percentile;
    /// nil otherwise. `above` counts the points drawn along the cut.
    static func ceiling(_ lines: [[Double?]], format: ValueFormat = .count) -> (value: Double, above: Int)? {
        let points = lines.flatMap { $0.compactMap { $0 }.filter(\.isFinite) }.sorted()
        guard points.count >= 20, let top = points.last else { return nil }
        let high = points[Int(0.99 * Double(points.count - 1))]
        guard high > 0, top > 3 * high else { return nil }
        let unit = format.unit(forMax: 1.5 * high)
        let x = 1.5 * high / unit
        let digit = pow(10, floor(log10(x)) - 1)
        let cut = (x / digit).rounded(.up) * digit * unit
        return (cut, points.reduce(0) { $0 + ($1 > cut ? 1 : 0) })
    }
}
