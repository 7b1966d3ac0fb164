/// Errors of the time-series part of FlowModels: series aggregation, ARIMA fitting,
/// detection and model files. Each message says what was wrong and what to do.
public enum TimeSeriesError: Error, Equatable, CustomStringConvertible {
    /// A configuration value is out of range (`key`, the value, why).
    case invalidConfiguration(key: String, value: String, reason: String)
    /// The series is too short (or too empty) for the requested model.
    case seriesTooShort(series: String, observations: Int, needed: Int)
    /// The optimizer could not find a finite likelihood anywhere near the start.
    case fitFailed(series: String, order: String, reason: String)
    /// A model file could not be read or has another format/version.
    case modelFile(path: String, reason: String)
    /// A dataset file could not be read as flows.
    case dataset(path: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidConfiguration(key, value, reason):
            return "time series: '\(key)' = \(value): \(reason)"
        case let .seriesTooShort(series, n, needed):
            return "time series '\(series)': \(n) usable observations, the model needs at least \(needed); train on a longer window or use a coarser bucket"
        case let .fitFailed(series, order, reason):
            return "time series '\(series)': fitting \(order) failed: \(reason); try a smaller order or `order: auto`"
        case let .modelFile(path, reason):
            return "\(path): \(reason)"
        case let .dataset(path, reason):
            return "\(path): \(reason)"
        }
    }
}
