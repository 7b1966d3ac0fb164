import FlowArtifacts

/// How bad an incident or detection is, from its 0–100 severity. The thresholds live here only.
public enum SeverityBand: String, Sendable, CaseIterable {
    case critical, major, minor, low

    /// Lowest severity of each band, worst first.
    public static let thresholds: [(band: SeverityBand, atLeast: Int)] = [(.critical, 75), (.major, 50), (.minor, 25), (.low, Int.min)]

    public init(severity: Int) {
        self = Self.thresholds.first { severity >= $0.atLeast }?.band ?? .low
    }

    /// The word shown beside the number ("critical").
    public var word: String { rawValue }
}

extension Incident {
    /// The incident's severity band.
    public var band: SeverityBand { SeverityBand(severity: severity) }
}
