import ArgumentParser
import FlowForecasting
import FlowIO
import FlowTimeSeries
import Foundation

/// `floe-dev timeseries-quality`: the volume detector's recall and precision on generated
/// traffic and the baseline-selection table, for scripts/quality/timeseries.sh.
public struct TimeSeriesQualityCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "timeseries-quality", abstract: "Measure the time-series detector and the seasonal baselines on generated traffic.")

    @Option(help: ArgumentHelp("Generator seeds, comma-separated.", valueName: "list")) public var seeds = "1,2,3,4,5,6,7,8"
    @Flag(help: "The quick size of the tests (14 days, 400,000 rows, ARIMA(1,0,1)) instead of the full measurement.")
    public var quick = false
    @Option(help: ArgumentHelp("Seasonal baseline of the detector (profile, fourier, constant).", valueName: "kind"))
    public var baseline: String?
    @Option(help: ArgumentHelp("Markdown report of the detector to write.", valueName: "file")) public var output: String?
    @Option(name: .customLong("baseline-output"), help: ArgumentHelp("Markdown table of the baseline selection to write.", valueName: "file"))
    public var baselineOutput: String?
    @Option(help: ArgumentHelp("Print the bucket scores of one series: seed,series,iso-from,iso-to.", valueName: "spec"))
    public var debug: String?

    public init() {}

    public func run() throws {
        try DevCommand.running {
            let list = seeds.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
            let seedValues = list.compactMap(UInt64.init)
            guard !seedValues.isEmpty, seedValues.count == list.count else { throw ValidationError("--seeds: comma-separated integers, got '\(seeds)'") }
            var harness = quick ? TimeSeriesQualityHarness(rows: 400_000, days: 14, trainDays: 0)
                : TimeSeriesQualityHarness(rows: 1_200_000, days: 28, trainDays: 14)
            if quick { harness.modelConfig.order = ARIMAOrder(p: 1, d: 0, q: 1) }
            if let baseline {
                guard let kind = SeasonalBaseline.Kind(rawValue: baseline) else { throw ValidationError("--baseline: profile, fourier or constant") }
                harness.modelConfig.baseline = kind
            }
            harness.debug = debug
            var outcome = TimeSeriesQualityHarness.Outcome()
            for seed in seedValues { try harness.run(seed: seed, into: &outcome) }
            let report = TimeSeriesQualityHarness.evaluate(outcome)
            print(report.text)
            if let output { try writeAtomically(path: output, bytes: Array(report.text.utf8)) }
            let selection = try TimeSeriesBaselineSelection.measure(rows: quick ? 250_000 : 1_000_000,
                                                                    order: quick ? ARIMAOrder(p: 1, d: 0, q: 1) : nil)
            print(selection.table)
            if let baselineOutput { try writeAtomically(path: baselineOutput, bytes: Array(selection.table.utf8)) }
        }
    }
}

/// `floe-dev bench-aggregation`: times aggregating a generated dataset into one-minute
/// series (`SeriesAggregationBench`), for scripts/bench/aggregation.sh and arima.sh.
public struct BenchAggregationCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "bench-aggregation", abstract: "Time the series aggregation of a generated dataset (JSON result).")

    @Option(help: ArgumentHelp("Dataset folder (generated into once, then reused).", valueName: "dir")) public var dataset: String
    @Option(help: "Flows to generate over 7 days.") public var rows: Int = 10_000_000
    @Option(help: ArgumentHelp("Metrics, comma-separated (default: all).", valueName: "list")) public var metrics: String?
    @Option(help: ArgumentHelp("JSON result to write.", valueName: "file")) public var output: String

    public init() {}

    public func run() throws {
        try DevCommand.running {
            let chosen = try metrics.map { text in
                try text.split(separator: ",").map {
                    guard let m = SeriesConfig.Metric(rawValue: String($0)) else { throw ValidationError("--metrics: unknown metric '\($0)'") }
                    return m
                }
            }
            let result = try SeriesAggregationBench.run(dataset: dataset, rows: rows, metrics: chosen)
            try writeAtomically(path: output, bytes: [UInt8](try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])))
        }
    }
}
