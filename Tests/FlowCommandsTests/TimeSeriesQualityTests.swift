import FlowForecasting
import Foundation
import Testing
@testable import FlowCommands
@testable import FlowDevCommands
import FlowTimeSeries

/// The time-series detector and the seasonal baselines on generated traffic, at the quick
/// size; `floe-dev timeseries-quality` (scripts/quality/timeseries.sh) runs the same code at
/// the full size.
@Suite("Time-series detector quality")
struct TimeSeriesQualityTests {
    @Test func findsInjectedVolumeAnomalies() throws {
        // 14 days scored retrospectively; the order is fixed (the stepwise search is tested
        // on its own and is slow in debug builds).
        var harness = TimeSeriesQualityHarness(rows: 400_000, days: 14, trainDays: 0)
        harness.modelConfig.order = ARIMAOrder(p: 1, d: 0, q: 1)
        var outcome = TimeSeriesQualityHarness.Outcome()
        try harness.run(seed: 3, into: &outcome)
        let report = TimeSeriesQualityHarness.evaluate(outcome)
        #expect(report.recall >= 0.95, "\(report.text)")
        #expect(report.precision >= 0.9, "\(report.text)")
    }

    /// Generated traffic without anomalies, 14 training days, 7 scored: both seasonal
    /// baselines explain far more than a constant level; with the ARIMA on top the kinds end
    /// within a few percent (fourier lowest on clean data, see docs/timeseries.md for why
    /// `profile` is still the default: robustness to anomalies inside the training window).
    @Test func seasonalBaselinesBeatAConstantLevel() throws {
        let r = try TimeSeriesBaselineSelection.measure(rows: 250_000, order: ARIMAOrder(p: 1, d: 0, q: 1))
        #expect(r.mae[.profile]! <= 1.1 * min(r.mae[.fourier]!, r.mae[.constant]!), "\(r.table)")
        #expect(r.baselineOnly[.fourier]! < 0.8 * r.baselineOnly[.constant]!, "\(r.table)")
        #expect(r.baselineOnly[.profile]! < 0.8 * r.baselineOnly[.constant]!, "\(r.table)")
    }
}
