import FlowCore

/// A span of time in the files floe-train writes (a model's training window, the back-test's
/// held-out days): milliseconds since the epoch, `[start_ms, end_ms)`, and the same instants
/// as ISO-8601 UTC text for a reader.
public struct TimeWindow: Sendable, Codable, Equatable {
    public var startMillis: Int64
    public var endMillis: Int64
    public var start: String
    public var end: String

    public init(startMillis: Int64, endMillis: Int64) {
        self.startMillis = startMillis
        self.endMillis = endMillis
        start = CivilTime.isoString(millis: startMillis)
        end = CivilTime.isoString(millis: endMillis)
    }

    enum CodingKeys: String, CodingKey {
        case start, end
        case startMillis = "start_ms"
        case endMillis = "end_ms"
    }
}

/// A series floe-train configured but could not model, with why.
public struct SkippedSeries: Sendable, Codable, Equatable {
    public var series: String
    public var reason: String

    public init(series: String, reason: String) {
        self.series = series
        self.reason = reason
    }
}
