import FlowArtifacts
import Foundation
import Testing
@testable import FlowReports
import FlowTestSupport
@testable import FlowTimeSeries

@Suite struct ModelCheckSectionTests {
    static let backtest: BacktestFile = {
        var file = BacktestFile(bucketMillis: 300_000, training: .init(startMillis: 20_743 * 86_400_000, endMillis: 20_765 * 86_400_000),
                                holdout: .init(startMillis: 20_762 * 86_400_000, endMillis: 20_765 * 86_400_000))
        file.rows = [
            .init(series: "total.bytes", model: "seasonal_naive", forecasts: 864, mase: 0.125, maeRatio: 1, smape: 72.4, coverage: 0.8, fitSeconds: 0, chosen: false),
            .init(series: "total.bytes", model: "lstm", forecasts: 864, mase: 0.052, maeRatio: 0.413, smape: 43.4, coverage: 0.82, fitSeconds: 24, chosen: true),
        ]
        return file
    }()
    static let classifier = ClassifierEvaluation(
        training: .init(from: "2026-10-01", to: "2026-12-24", days: 85), validation: .init(from: "2026-12-25", to: "2026-12-30", days: 6),
        heldOut: .init(from: "2026-12-31", to: "2027-01-29", days: 30), classCounts: [:], benignSampled: 20_000, rareClasses: [],
        heldOutUnscored: 0,
        metrics: ClassificationMetrics(
            classes: ["benign", "ddos"], confusion: [[33_421, 11], [2, 1_678]],
            perClass: [.init(name: "benign", precision: 0.9995, recall: 0.9997, f1: 0.9996, support: 33_432, predicted: 33_423),
                       .init(name: "ddos", precision: 0.9994, recall: 0.9988, f1: 0.9991, support: 1_680, predicted: 1_689)],
            macroF1: 0.951, macroF1Anomalies: 0.943, accuracy: 0.9996, rows: 35_112),
        epochsRun: 12, bestEpoch: 9, fitSeconds: 41.2, predictSeconds: 0.13)

    /// Two held-out days as half-hour means: the chosen LSTM with its interval and seasonal naive.
    static func curves(series: String = "total.bytes") -> BacktestCurves {
        let actual: [Double?] = (0..<96).map { i in i == 40 ? nil : 2e8 + 1.5e8 * sin(Double(i) / 7.6) }
        let lstm = actual.enumerated().map { i, v in v.map { $0 * (1 + 0.05 * sin(Double(i))) } }
        let naive = actual.enumerated().map { i, v in v.map { $0 * (1 + 0.2 * cos(Double(i) / 3)) } }
        return .init(series: series, startMillis: 20_762 * 86_400_000, stepMillis: 1_800_000, bucketsPerPoint: 6, actual: actual, forecasts: [
            .init(model: "lstm", chosen: true, values: lstm, lower: lstm.map { $0.map { $0 * 0.8 } }, upper: lstm.map { $0.map { $0 * 1.2 } }),
            .init(model: "seasonal_naive", chosen: false, values: naive),
            .init(model: "gru", chosen: false, values: lstm),
        ])
    }

    @Test func theHeldOutForecastsAreDrawnAgainstTheActuals() throws {
        var input = GoldenTests.smallInput()
        var backtest = Self.backtest
        backtest.forecastsVsActuals = [Self.curves()]
        input.backtest = backtest
        let doc = ReportBuilder.document(input)
        let chart = try #require(doc.charts.first { $0.id == "backtest-1-total-bytes" })
        for svg in [chart.inlineSVG, chart.fileSVG, try #require(chart.narrowSVG)] {
            for part in ["<path class=\"obs\"", "<path class=\"fc\"", "<path class=\"obs2\"", "<path class=\"band\"",
                         ">actual<", ">lstm", "80% interval"] {
                #expect(svg.contains(part), "\(part)")
            }
        }
        #expect(chart.inlineSVG.contains(">lstm (chosen)<") && chart.inlineSVG.contains(">seasonal naive<"))
        #expect(chart.inlineSVG.contains("30 min means of 5 min buckets, UTC<") && !chart.inlineSVG.contains("axis cut"))
        // The phone legend fits its names (about 12 characters) instead of cutting them.
        #expect(chart.narrowSVG?.contains(">naive<") == true && chart.narrowSVG?.contains("…") == false)
        #expect(chart.caption?.contains("lstm (chosen, MASE 0.052), seasonal naive (MASE 0.125) and gru against") == true)
        #expect(chart.inlineSVG.contains("<path class=\"fc2\"") && chart.inlineSVG.contains(">gru<"))
        let html = HTMLRenderer.render(doc), md = MarkdownRenderer.render(doc)
        #expect(html.contains("Forecasts vs actuals on the held-out days") && html.contains("id=\"chart-backtest-1-total-bytes\""))
        #expect(md.contains("chart-backtest-1-total-bytes.svg"))
        // A file written before the curves existed: the table, no chart.
        input.backtest = Self.backtest
        let before = ReportBuilder.document(input)
        #expect(!before.charts.contains { $0.id.hasPrefix("backtest-") })
        #expect(!HTMLRenderer.render(before).contains("Forecasts vs actuals") && HTMLRenderer.render(before).contains("lstm (chosen)"))
        // Series names come from the data: escaped in the chart, the caption and the page.
        backtest.forecastsVsActuals = [Self.curves(series: "<script>x</script>.bytes")]
        input.backtest = backtest
        let hostile = ReportBuilder.document(input)
        let page = HTMLRenderer.render(hostile)
        #expect(!page.contains("<script>x") && page.contains("&lt;script&gt;x"))
        #expect(hostile.charts.contains { $0.id.hasPrefix("backtest-1-") && !$0.inlineSVG.contains("<script>x") })
        // A few spikes do not flatten the rest: the axis is cut and says so.
        var spiky = Self.curves()
        spiky.actual[10] = 5e10
        spiky.actual[50] = 4e10
        backtest.forecastsVsActuals = [spiky]
        input.backtest = backtest
        let cut = try #require(ReportBuilder.document(input).charts.first { $0.id.hasPrefix("backtest-") })
        #expect(cut.inlineSVG.contains("; axis cut at ") && cut.inlineSVG.contains("(2 points above)"))
        #expect(cut.caption?.contains("The value axis is cut at ") == true)  // the phone chart has no subtitle
        // More series than charts: the rest are named.
        backtest.forecastsVsActuals = (1...6).map { Self.curves(series: "port.\($0).flows") }
        input.backtest = backtest
        let many = ReportBuilder.document(input)
        #expect(many.charts.filter { $0.id.hasPrefix("backtest-") }.count == BacktestChart.maxCharts)
        #expect(MarkdownRenderer.render(many).contains("port.5.flows, port.6.flows"))
    }

    @Test func theSectionShowsTheBacktestAndTheClassifierBeforeTheFooter() {
        var input = GoldenTests.smallInput()
        input.backtest = Self.backtest
        input.classifier = Self.classifier
        let doc = ReportBuilder.document(input)
        let ids = doc.sections.map(\.id)
        #expect(ids.suffix(2) == [ReportBuilder.modelChecksID, "provenance"])
        let html = HTMLRenderer.render(doc), md = MarkdownRenderer.render(doc)
        for text in ["Forecast back-test", "lstm (chosen)", "0.052", "0.413", "Macro F1 0.951", "anomaly kinds alone 0.943", "33,421", "1,678",
                     "2026-12-31 to 2027-01-29"] {
            #expect(html.contains(text), "\(text)")
            #expect(md.contains(text), "\(text)")
        }
        // Only the classifier: no back-test heading.
        input.backtest = nil
        let only = MarkdownRenderer.render(ReportBuilder.document(input))
        #expect(only.contains("Host classifier on held-out days") && !only.contains("Forecast back-test"))
        // Neither: no section.
        #expect(!ReportBuilder.document(GoldenTests.smallInput()).sections.contains { $0.id == ReportBuilder.modelChecksID })
    }

    @Test func theFilesAreReadBesideTheModelFilesTheFeedNames() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        // As floe-train wrote it before the held-out curves and the interval level.
        let backtest = #"{"bucket_ms":300000,"forecast":"one step ahead","format":"floe-backtest","holdout":{"start":"a","end":"b","start_ms":0,"end_ms":1},"rows":[{"series":"total.flows","model":"arima","forecasts":10,"mase":"nan","mae_ratio":0.5,"smape":3.1,"coverage":0.8,"fit_seconds":0.7,"chosen":true}],"skipped":[],"training":{"start":"a","end":"b","start_ms":0,"end_ms":1},"version":1}"#
        try backtest.write(toFile: tmp.path + "/backtest.json", atomically: true, encoding: .utf8)
        // As the first floe-train with a classifier wrote it (no predict_seconds yet).
        let eval = #"{"accuracy":0.857,"benign_sampled":5,"best_epoch":3,"class_counts":{"held_out":{"benign":5,"x":2}},"classes":["benign","x"],"confusion":[[5,0],[1,1]],"epochs_run":5,"fit_seconds":1.2,"format":"floe-classifier-eval","held_out":{"days":2,"from":"d1","to":"d2"},"held_out_unscored":0,"macro_f1":0.9,"macro_f1_anomalies":0.8,"per_class":[{"class":"x","f1":0.667,"precision":1,"predicted":1,"recall":0.5,"support":2}],"rare_classes":[],"rows":7,"training":{"days":3,"from":"d0","to":"d0"},"version":1}"#
        try eval.write(toFile: tmp.path + "/classifier-eval.json", atomically: true, encoding: .utf8)
        let models = [ModelReference(name: "timeseries", path: tmp.path + "/timeseries.json"), ModelReference(name: "classifier", path: tmp.path + "/classifier.json")]
        let found = ModelCheckReaders.load(models)
        let (b, c) = (found.backtest, found.classifier)
        #expect(found.problems.isEmpty)
        #expect(b?.rows.first?.mase == nil && b?.rows.first?.maeRatio == 0.5 && b?.rows.first?.chosen == true)
        #expect(c?.metrics.macroF1 == 0.9 && c?.metrics.confusion == [[5, 0], [1, 1]] && c?.heldOut.days == 2 && c?.predictSeconds == nil)
        let other = ModelCheckReaders.load([ModelReference(name: "clusters", path: tmp.path + "/clusters.json")])
        let (none, nothing) = (other.backtest, other.classifier)
        #expect(none == nil && nothing == nil)
        // A file written before the held-out curves: no curves, the default level.
        #expect(b?.forecastsVsActuals == [] && b?.intervalLevel == 0.8)
        // Unreadable curves leave the rows readable; a null or "nan" value is an absent point.
        let broken = backtest.replacingOccurrences(of: #""rows":"#, with: #""forecasts_vs_actuals":[{"series":"x"}],"rows":"#)
        try broken.write(toFile: tmp.path + "/backtest.json", atomically: true, encoding: .utf8)
        let b2 = ModelCheckReaders.load(models).backtest
        #expect(b2?.rows.count == 1 && b2?.forecastsVsActuals == [])
        let curve = #"{"series":"total.flows","start_ms":100,"step_ms":300000,"buckets_per_point":1,"actual":[1,null,"nan",4],"forecasts":[{"model":"arima","chosen":true,"values":[1.5,2,3,null],"lower":[1,1,1,1],"upper":[2,"inf",4,5]}]}"#
        let withCurve = backtest.replacingOccurrences(of: #""rows":"#, with: #""interval_level":0.9,"forecasts_vs_actuals":["# + curve + #"],"rows":"#)
        try withCurve.write(toFile: tmp.path + "/backtest.json", atomically: true, encoding: .utf8)
        let b3 = ModelCheckReaders.load(models).backtest
        let c3 = try #require(b3?.forecastsVsActuals.first)
        #expect(c3.actual == [1, nil, nil, 4] && c3.forecasts.first?.values == [1.5, 2, 3, nil] && c3.forecasts.first?.upper == [2, nil, 4, 5])
        #expect(c3.startMillis == 100 && c3.stepMillis == 300_000 && b3?.intervalLevel == 0.9)
    }

    @Test func whatFloeTrainWritesTheReportReads() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        var written = BacktestFile(bucketMillis: 300_000, training: .init(startMillis: 0, endMillis: 4 * 86_400_000),
                                         holdout: .init(startMillis: 3 * 86_400_000, endMillis: 4 * 86_400_000))
        written.rows = [.init(series: "total.flows", model: "arima", forecasts: 288, mae: 3, mase: 0.4, maeRatio: 0.3, smape: 2.5,
                              coverage: 0.81, fitSeconds: 1.5, chosen: true, error: nil)]
        written.forecastsVsActuals = [BacktestCurves(series: "total.flows", startMillis: 3 * 86_400_000, stepMillis: 600_000, bucketsPerPoint: 2,
                                                     actual: [10, nil, 12.5], forecasts: [
                                                         .init(model: "arima", chosen: true, values: [11, 11.5, nil], lower: [9, 9.5, nil], upper: [13, 14, nil]),
                                                         .init(model: "seasonal_naive", chosen: false, values: [8, 9, 10]),
                                                     ])]
        try Data(try written.jsonBytes()).write(to: URL(fileURLWithPath: tmp.path + "/backtest.json"))
        let read = ModelCheckReaders.load([ModelReference(name: "timeseries", path: tmp.path + "/timeseries.json")]).backtest
        let b = try #require(read)
        #expect(b.rows.first?.mase == 0.4 && b.rows.first?.chosen == true && b.holdout.start == "1970-01-04T00:00:00.000Z")
        let c = try #require(b.forecastsVsActuals.first)
        let w = try #require(written.forecastsVsActuals.first)
        #expect(c.series == w.series && c.startMillis == w.startMillis && c.stepMillis == w.stepMillis && c.bucketsPerPoint == w.bucketsPerPoint)
        #expect(c.actual == w.actual && c.forecasts.map(\.model) == w.forecasts.map(\.model) && c.forecasts.map(\.chosen) == [true, false])
        #expect(c.forecasts[0].values == w.forecasts[0].values && c.forecasts[0].lower == w.forecasts[0].lower
                && c.forecasts[0].upper == w.forecasts[0].upper && c.forecasts[1].lower == nil)
        #expect(b == written && b.intervalLevel == BacktestFile.intervalLevel)
    }
}

@Suite struct BacktestChartTests {
    @Test func theAxisIsCutOnlyWhenAFewSpikesWouldFlattenTheRest() throws {
        let smooth: [Double?] = (0..<100).map { Double($0 % 10 + 1) }
        #expect(BacktestChart.ceiling([smooth, smooth]) == nil)
        var spiked = smooth
        spiked[3] = 500
        let cut = try #require(BacktestChart.ceiling([spiked, smooth]))
        #expect(cut.value == 15 && cut.above == 1)  // 1.5 × the 99th percentile (10)
        // Rounded up to two significant digits of the axis unit.
        let counts: [Double?] = (0..<100).map { Double(1_350 + $0) } + [1e6]
        #expect(BacktestChart.ceiling([counts])?.value == 2_200)  // 1.5 × 1,449 = 2,173.5
        let bytes: [Double?] = (0..<100).map { _ in 400 * 1024 } + [1e9]
        #expect(abs((BacktestChart.ceiling([bytes], format: .bytes)?.value ?? 0) - 600 * 1024) < 1e-6)  // 600 KiB
        #expect(BacktestChart.ceiling([[1, nil, 1_000]]) == nil)  // too few points to tell
        // The axis stops at the cut (without it, it reaches the spike at 500).
        var chart = LineChart(title: "t", format: .count, series: [LineSeries(name: "a", times: (0..<100).map { Int64($0) * 60_000 }, values: spiked)])
        let ticks = { (svg: String) in svg.components(separatedBy: "text-anchor=\"end\">").dropFirst().compactMap { Double($0.prefix { $0 != "<" }) } }
        #expect(ticks(chart.svg(standalone: false)).max() ?? 0 >= 500)
        chart.valueCeiling = cut.value
        let top = try #require(ticks(chart.svg(standalone: false)).max())
        #expect(top >= 15 && top < 30)
    }

    /// A model-check file that is there but cannot be read (damaged, or written by a newer
    /// floe) is left out with a line in the section that names it and says why.
    @Test func anUnreadableCheckFileIsNamedInTheSection() throws {
        let tmp = TempFolder()
        defer { tmp.cleanup() }
        var newer = ModelCheckSectionTests.backtest
        newer.version = 2
        try Data(try newer.jsonBytes()).write(to: URL(fileURLWithPath: tmp.path + "/backtest.json"))
        try #"{"format":"floe-classifier-eval","version":1}"#.write(toFile: tmp.path + "/classifier-eval.json", atomically: true, encoding: .utf8)
        let found = ModelCheckReaders.load([ModelReference(name: "timeseries", path: tmp.path + "/timeseries.json"),
                                            ModelReference(name: "classifier", path: tmp.path + "/classifier.json")])
        #expect(found.backtest == nil && found.classifier == nil && found.problems.count == 2)
        #expect(found.problems[0].contains(tmp.path + "/backtest.json") && found.problems[0].contains("version 2 is newer"))
        #expect(found.problems[1].contains("classifier-eval.json") && found.problems[1].contains("key 'classes' missing"), "\(found.problems)")
        var input = GoldenTests.smallInput()
        input.modelCheckProblems = found.problems
        let html = HTMLRenderer.render(ReportBuilder.document(input))
        #expect(html.contains("Model checks") && html.contains("could not be read") && html.contains("its check is left out"))
        #expect(!html.contains("Forecast back-test"))
    }
}
