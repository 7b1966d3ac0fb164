import FlowCore
import Foundation

/// Which forecaster scores a series, and the calls the detector and the back-test make
/// without caring which one it is.
extension SeriesForecastModel {
    /// Fits the transform, baseline, scale and ARIMA (`train(name:…)`); for `lstm`/`gru` also
    /// the neural forecaster of the same remainder, whose training one-step residuals then
    /// set `residual_scale` and `tail_threshold`. `auto` must be resolved before (the back-test).
    public static func train(name: String, values: [Double], startMillis: Int64, bucketMillis: Int64,
                             config: TimeSeriesModelConfig, forecaster: ForecasterChoice) throws -> SeriesForecastModel {
        var model = try train(name: name, values: values, startMillis: startMillis, bucketMillis: bucketMillis, config: config)
        guard forecaster == .lstm || forecaster == .gru else { return model }
        let remainder = model.remainder(values, startMillis: startMillis, bucketMillis: bucketMillis)
        model.neural = try NeuralRemainderModel.train(kind: forecaster, remainder: remainder, startMillis: startMillis,
                                                      bucketMillis: bucketMillis, config: config.neural ?? NeuralForecastConfig(),
                                                      seriesName: name)
        let (predictions, variances) = model.oneStepPredictions(remainder, startMillis: startMillis, bucketMillis: bucketMillis)
        // Residuals of the most recent `arima_window` buckets, as for the ARIMA.
        var residuals: [Double] = []
        for t in max(0, remainder.count - config.arimaWindow)..<remainder.count where remainder[t].isFinite && predictions[t].isFinite {
            residuals.append(remainder[t] - predictions[t])
        }
        let typical = variances.filter(\.isFinite).sortedAscending()
        let fallback = typical.isEmpty ? 1e-9 : typical[typical.count / 2].squareRoot()
        (model.residualScale, model.tailThreshold) = residualStatistics(residuals, fallback: fallback)
        return model
    }

    /// The forecaster that scores the series, for logs and the report ("lstm(48)", "ARIMA(1,0,1)").
    public var forecasterLabel: String {
        neural.map { "\($0.kind.rawValue)(lookback \($0.lookback))" } ?? arima.order.description
    }

    /// Buckets at the start without a one-step prediction.
    public var warmup: Int { neural?.lookback ?? arima.order.differencingStates }

    /// The standardised remainder of `values` on the grid from `startMillis`: transform,
    /// minus the seasonal baseline, divided by the slot scale (NaN stays NaN).
    public func remainder(_ values: [Double], startMillis: Int64, bucketMillis: Int64) -> [Double] {
        values.indices.map { i in
            guard values[i].isFinite else { return .nan }
            let t = startMillis + Int64(i) * bucketMillis
            return (transform.apply(values[i]) - baseline.value(at: t)) / scale.value(at: t)
        }
    }

    /// One-step predictions and variances of the remainder by the scoring forecaster;
    /// `skip(t, prediction, variance)` may censor bucket t (see `ARIMAModel.oneStepPredictions`).
    public func oneStepPredictions(_ remainder: [Double], startMillis: Int64, bucketMillis: Int64,
                                   skip: ((Int, Double, Double) -> Bool)? = nil) -> (predictions: [Double], variances: [Double]) {
        guard let neural else { return arima.oneStepPredictions(remainder, skip: skip) }
        if let result = try? neural.oneStepPredictions(remainder, startMillis: startMillis, bucketMillis: bucketMillis, skip: skip) {
            return result
        }
        // The network was checked when the file was read; no prediction rather than a crash.
        return ([Double](repeating: .nan, count: remainder.count), [Double](repeating: .nan, count: remainder.count))
    }
}
