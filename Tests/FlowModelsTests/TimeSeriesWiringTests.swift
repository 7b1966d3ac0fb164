import FlowArtifacts
import FlowColumnar
import FlowCore
import FlowGenerate
import Foundation
import Testing
@testable import FlowFeatures
@testable import FlowModels
@testable import FlowReportFeed
@testable import FlowForecasting
@testable import FlowTimeSeries
import FlowTestSupport

@Suite struct TimeSeriesWiringTests {
    /// A generated dataset (one partition per day) without the flows that start in
    /// [gapStart, gapEnd): a dropped exporter, i.e. a coverage gap.
    func makeDatasetWithGap(rows: Int, days: Int, seed: UInt64, gapStart: Int64, gapEnd: Int64) throws -> String {
        let folder = temporaryFolder("tsdata")
        let generator = try FlowGenerator(config: GeneratorConfig(rows: rows, days: days, seed: seed, anomalies: false))
        let batch = generator.makeBatch()
        var perDay: [Int64: FlowBatch] = [:]
        for i in 0..<batch.count where batch.start[i] < gapStart || batch.start[i] >= gapEnd {
            let day = CivilTime.day(ofMillis: batch.start[i])
            perDay[day, default: FlowBatch()].append(batch.record(at: i), labelText: batch.label[i] ?? "")
        }
        for (day, b) in perDay {
            let partition = folder + "/date=" + CivilTime.dateString(day: day)
            try FileManager.default.createDirectory(atPath: partition, withIntermediateDirectories: true)
            let writer = try FlowArrowWriter(path: partition + "/part-00000.arrow")
            try writer.write(b)
            try writer.finish()
        }
        return folder
    }

    static let section = #"{"timeseries": {"series": {"metrics": ["bytes", "packets", "flows"], "by_direction": false}, "model": {"series": ["total.bytes", "total.packets", "total.flows"], "arima_window": 1440, "auto": {"max_models": 12}}}}"#

    @Test func trainAndScoreWriteTheModelTheAnomaliesAndTheFeedSeries() throws {
        let startDay = GeneratorConfig(rows: 1, days: 3, seed: 5).startDay
        let gapStart = (startDay + 2) * 86_400_000 + 10 * 3_600_000
        let data = try makeDatasetWithGap(rows: 60_000, days: 3, seed: 5, gapStart: gapStart, gapEnd: gapStart + 2 * 3_600_000)
        let models = temporaryFolder("tsmodels"), scores = temporaryFolder("tsscores")
        defer { for f in [data, models, scores] { try? FileManager.default.removeItem(atPath: f) } }
        var config = try ModelsConfig.decode(json: Data(Self.section.utf8), source: "test")
        config.kmeans.k = 2
        config.kmeans.nInit = 1
        config.dbscan.maxPoints = 2_000
        var lines: [String] = []
        let index = try ModelPipeline.train(config: config, input: data, output: models, floeVersion: "test") { lines.append($0) }
        #expect(index.models.map(\.kind).contains("timeseries"))
        let file = try TimeSeriesModelFile.read(path: models + "/" + TimeSeriesModelKind.fileName)
        #expect(file.bucketMillis == 60_000)
        #expect(Set(file.models.map(\.series)) == ["total.bytes", "total.packets", "total.flows"])
        #expect(file.training.startMillis == startDay * 86_400_000)
        #expect(file.training.endMillis == (startDay + 3) * 86_400_000)
        #expect(lines.contains { $0.hasPrefix("trained timeseries") })

        let (_, anomalies) = try ModelPipeline.score(models: models, input: data, dates: [startDay + 2], output: scores, floeVersion: "test")
        let gap = try #require(anomalies.first { $0.kind == "coverage_gap" })
        #expect(gap.start == gapStart && gap.end == gapStart + 2 * 3_600_000)
        #expect(anomalies.filter { $0.entity.hasPrefix("total.") }.allSatisfy { ["volume_spike", "volume_drop", "coverage_gap"].contains($0.kind) })

        let feedData = try #require(FileManager.default.contents(atPath: scores + "/report-feed.json"))
        let feed = try #require(try JSONSerialization.jsonObject(with: feedData) as? [String: Any])
        let series = try #require(feed["series"] as? [[String: Any]])
        #expect(series.map { $0["name"] as? String } == ["bytes", "packets", "flows"])
        let lengths = series.flatMap { s in ["observed", "forecast", "lower", "upper"].map { (s[$0] as? [Any])?.count ?? -1 } }
        #expect(Set(lengths).count == 1)
        // One scored day at one-minute buckets stays at one-minute points.
        #expect(lengths.first == 1_440)
        #expect(series.allSatisfy { ($0["bucket_ms"] as? Int) == 60_000 && ($0["start"] as? Int64) == (startDay + 2) * 86_400_000 })
        // The gap is null in observed; the forecast band brackets the forecast where both are given.
        let bytes = series[0]
        let observed = try #require(bytes["observed"] as? [Any])
        #expect(observed[10 * 60 + 30] is NSNull)
        #expect(observed[5 * 60] is NSNumber)
        let forecast = try #require(bytes["forecast"] as? [Any]), lower = try #require(bytes["lower"] as? [Any]), upper = try #require(bytes["upper"] as? [Any])
        var bracketed = 0
        for i in forecast.indices {
            if let f = forecast[i] as? Double, let l = lower[i] as? Double, let u = upper[i] as? Double {
                #expect(l <= f + 1e-6 && f <= u + 1e-6)
                bracketed += 1
            }
        }
        #expect(bracketed > 1_000)
        #expect((bytes["model"] as? String)?.hasPrefix("profile + ARIMA") == true)
        #expect(bytes["level"] as? Double == 0.9999)
        let modelNames = (feed["models"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
        #expect(modelNames.contains("timeseries"))
    }

    @Test func sectionDefaultsAndOverrides() throws {
        let plain = try TimeSeriesSection.decode(sectionJSON: Data("{}".utf8), internalNetworks: [NetworkPrefix("10.0.0.0/8")!], source: "t")
        #expect(plain.enabled)
        #expect(plain.series.bucketSeconds == 60)
        #expect(plain.series.internalNetworks.map(\.description) == ["10.0.0.0/8"])
        #expect(plain.model.series == TimeSeriesSection.defaultSeries)
        let json = #"{"timeseries": {"series": {"bucket": 300}, "model": {"level": 0.99, "auto": {"max_p": 2}}}}"#
        let s = try TimeSeriesSection.decode(sectionJSON: Data(json.utf8), internalNetworks: [], source: "t")
        #expect(s.series.bucketSeconds == 300)
        #expect(s.series.metrics == [.bytes, .packets, .flows, .distinctSources])
        #expect(s.model.level == 0.99)
        #expect(s.model.auto.maxP == 2)
        #expect(s.model.auto.maxQ == AutoARIMAOptions().maxQ)
        #expect(throws: FlowModelsError.self) {
            try TimeSeriesSection.decode(sectionJSON: Data(#"{"timeseries": {"series": {"bucket": 120}}}"#.utf8), internalNetworks: [], source: "t")
        }
        #expect(throws: FlowModelsError.self) {
            try TimeSeriesSection.decode(sectionJSON: Data(#"{"timeseries": {"model": {"level": "high"}}}"#.utf8), internalNetworks: [], source: "t")
        }
        let off = try TimeSeriesSection.decode(sectionJSON: Data(#"{"timeseries": {"enabled": false}}"#.utf8), internalNetworks: [], source: "t")
        #expect(!off.enabled)
    }

    @Test func feedBuilderJoinsDaysAndAggregatesAWeekToFiveMinutes() {
        var builder = SeriesFeedBuilder()
        let day: Int64 = 86_400_000
        for d in 0..<7 {
            let n = 1_440
            var band = ForecastBand(series: "total.flows", startMillis: 20_000 * day + Int64(d) * day, bucketMillis: 60_000,
                                    observed: [Double](repeating: 2, count: n), expected: [Double](repeating: 1.5, count: n),
                                    lower: [Double](repeating: 1, count: n), upper: [Double](repeating: 3, count: n),
                                    level: 0.99, model: "profile + ARIMA(1,0,0)")
            if d == 3 { for i in 0..<60 { band.observed[i] = .nan } }
            if d != 5 { builder.add(band, name: "flows", unit: "flows") }   // day 5 was not scored
        }
        let feeds = builder.build()
        let f = feeds[0]
        #expect(feeds.count == 1)
        #expect(f.bucketMillis == 300_000)
        #expect(f.observed.count == 7 * 288)
        #expect(f.forecast.count == 2_016 && f.lower.count == 2_016 && f.upper.count == 2_016)
        #expect(f.observed[0] == 10 && f.forecast[0] == 7.5 && f.lower[0] == 5 && f.upper[0] == 15)
        #expect(f.observed[3 * 288] == nil && f.observed[3 * 288 + 12] == 10)
        #expect(f.observed[5 * 288 + 7] == nil && f.forecast[5 * 288 + 7] == nil)
        #expect(f.level == 0.99 && f.model == "profile + ARIMA(1,0,0)")
    }
}
