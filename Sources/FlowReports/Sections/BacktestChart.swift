/// The back-test's forecasts-vs-actuals charts ("Model checks"): per series, the held-out
/// actuals, the chosen model's one-step forecasts with its central interval, seasonal naive's
/// and the best other model's, from `backtest.json`'s `forecasts_vs_actuals`.
enum BacktestChart {
    /// Series drawn; the others are named in one line.
    static let maxCharts = 4

    static func blocks(_ b: BacktestSummary) -> [Block] {
        let level = TrafficSection.levelPercent(b.intervalLevel) + "%"
        let drawable = b.curves.filter { c in c.actual.contains { $0 != nil } && !c.forecasts.isEmpty }
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

    static func figure(_ c: BacktestSummary.Curves, number: Int, level: String, rows: [BacktestSummary.Row]) -> ChartFigure {
        let times = (0..<c.actual.count).map { c.startMillis + Int64($0) * c.stepMillis }
        func pad(_ v: [Double?]) -> [Double?] { TrafficSection.pad(Array(v.prefix(times.count)), times.count) }
        var series = [LineSeries(name: "actual", times: times, values: pad(c.actual))]
        var shortNames = ["actual"]
        var bands: [IntervalBand] = []
        // Chosen first (dashed), then the comparisons in the file's order.
        let ordered = c.forecasts.filter(\.chosen) + c.forecasts.filter { !$0.chosen }
        var styles: [LineSeries.Style] = [.forecast, .secondary, .comparison]
        for f in ordered {
            let style = styles.isEmpty ? .comparison : styles.removeFirst()
            series.append(LineSeries(name: name(f.model) + (f.chosen ? " (chosen)" : ""), times: times, values: pad(f.values), style: style))
            shortNames.append(shortName(f.model))
            if f.chosen, let lower = f.lower, let upper = f.upper {
                bands.append(IntervalBand(name: level + " interval", times: times, lower: pad(lower), upper: pad(upper)))
            }
        }
        let metric = c.series.split(separator: ".").last.map(String.init) ?? c.series
        let format: ValueFormat = metric == "bytes" ? .bytes : .count
        let step = UTCText.duration(c.stepMillis)
        var chart = LineChart(title: c.series + " per " + step, format: format, series: series, bands: bands,
                              range: (start: c.startMillis, end: c.startMillis + Int64(c.actual.count) * c.stepMillis))
        chart.subtitle = c.bucketsPerPoint > 1
            ? "held out, means of \(c.bucketsPerPoint) buckets of \(UTCText.duration(c.stepMillis / Int64(c.bucketsPerPoint))), UTC"
            : "held out, UTC"
        var caption = "Actual \(c.series) on the held-out days and the one-step forecasts of "
            + ordered.map { f in
                let mase = rows.first { $0.model == f.model }?.mase.map { " (MASE " + Units.fixed($0, 3) + ")" } ?? ""
                return name(f.model) + (f.chosen ? ", the chosen model" : "") + mase
            }.joined(separator: "; ")
            + (bands.isEmpty ? "." : "; the band is the chosen model's central " + level + " interval.")
        if c.bucketsPerPoint > 1 {
            caption += " Each point is the mean of \(c.bucketsPerPoint) buckets (\(step)); the measures in the table are over every bucket."
        }
        let figureChart = chart
        var figure = ChartFigure(id: "backtest-\(number)-" + Escape.slug(c.series), title: chart.title, caption: caption) {
            figureChart.svg(standalone: $0)
        }
        var narrow = chart.compact
        for i in narrow.series.indices { narrow.series[i].name = shortNames[i] }
        figure.narrowSVG = narrow.svg(standalone: false)
        return figure
    }
}
