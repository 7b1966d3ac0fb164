import FlowCore

/// Everything that decides a generated file. Same configuration (and dialect encoder) →
/// byte-identical output and labels; `threads` changes only the speed.
public struct GeneratorConfig: Sendable, Equatable {
    /// Clean rows to write (benign plus anomalies). Dirty rows come on top of these.
    public var rows: Int
    /// Days covered, starting at `startDay` 00:00 UTC.
    public var days: Int
    public var seed: UInt64
    /// First day, as days since 1970-01-01 (UTC).
    public var startDay: Int64
    /// Inject the labelled anomalies and the coverage gap.
    public var anomalies: Bool
    public var dirt: DirtRates
    /// Compress the output as gzip, one member per chunk.
    public var gzip: Bool
    /// zlib level for `gzip` (1 fastest … 9 smallest).
    public var gzipLevel: Int32
    /// Benign rows per chunk (each chunk is one PRNG stream and one gzip member); part of
    /// the output's identity, so keep the default for reproducible files.
    public var chunkRows: Int
    /// Worker threads that generate, encode and compress chunks.
    public var threads: Int
    /// Opt-in anomaly kinds (`TrafficLabel.optIn`) injected beside the default four; empty
    /// by default, which keeps every earlier output byte-identical.
    public var extraAnomalies: [TrafficLabel] = []
    /// Further episodes of every injected kind, each on a random day with other hosts
    /// (`AnomalyPlanner.repeated`), so that each kind has many examples; 0 by default, which
    /// keeps every earlier output byte-identical.
    public var anomalyRepeats = 0

    /// Default start day: 2026-11-01.
    public static let defaultStartDay: Int64 = CivilTime.daysFromCivil(year: 2026, month: 11, day: 1)
    /// Fewest rows with anomalies on: the anomalies need room to stand out.
    public static let minimumRowsWithAnomalies = 1_000
    public static let maximumRows = 1 << 40
    public static let maximumDays = 3_660

    public init(rows: Int = 100_000, days: Int = 7, seed: UInt64 = 1,
                startDay: Int64 = GeneratorConfig.defaultStartDay, anomalies: Bool = true,
                dirt: DirtRates = DirtRates(), gzip: Bool = false, gzipLevel: Int32 = 1,
                chunkRows: Int = 50_000, threads: Int = 2) {
        self.rows = rows
        self.days = days
        self.seed = seed
        self.startDay = startDay
        self.anomalies = anomalies
        self.dirt = dirt
        self.gzip = gzip
        self.gzipLevel = gzipLevel
        self.chunkRows = chunkRows
        self.threads = threads
    }

    /// Checks every parameter; throws the first problem found.
    public func validate() throws {
        func bad(_ name: String, _ value: String, _ reason: String) -> GenerateError {
            .invalidParameter(name: name, value: value, reason: reason)
        }
        if rows < 1 || rows > GeneratorConfig.maximumRows {
            throw bad("--rows", "\(rows)", "must be between 1 and \(GeneratorConfig.maximumRows)")
        }
        if anomalies && rows < GeneratorConfig.minimumRowsWithAnomalies {
            throw bad("--rows", "\(rows)", "anomalies need at least \(GeneratorConfig.minimumRowsWithAnomalies) rows; raise --rows or pass --no-anomalies")
        }
        if days < 1 || days > GeneratorConfig.maximumDays {
            throw bad("--days", "\(days)", "must be between 1 and \(GeneratorConfig.maximumDays)")
        }
        for kind in DirtKind.allCases where !(dirt[kind] >= 0 && dirt[kind] <= 1) {
            throw bad("--dirt-rate", "\(kind.rawValue)=\(dirt[kind])", "must be between 0 and 1")
        }
        if !(dirt.total <= 1.0 + 1e-9) {
            throw bad("--dirt", "\(dirt.total)", "the dirt rates add up to more than 1")
        }
        if gzipLevel < 1 || gzipLevel > 9 { throw bad("gzip level", "\(gzipLevel)", "must be 1–9") }
        if chunkRows < 1_000 { throw bad("chunk rows", "\(chunkRows)", "must be at least 1000") }
        if threads < 1 || threads > 64 { throw bad("threads", "\(threads)", "must be 1–64") }
        for kind in extraAnomalies where !TrafficLabel.optIn.contains(kind) {
            throw bad("--inject", kind.name, "injectable kinds: " + TrafficLabel.optIn.map(\.name).joined(separator: ", "))
        }
        if Set(extraAnomalies).count != extraAnomalies.count {
            throw bad("--inject", extraAnomalies.map(\.name).joined(separator: ","), "a kind is given twice")
        }
        if !AnomalyPlanner.repeatRange.contains(anomalyRepeats) {
            throw bad("--repeat-anomalies", "\(anomalyRepeats)", "must be between \(AnomalyPlanner.repeatRange.lowerBound) and \(AnomalyPlanner.repeatRange.upperBound)")
        }
        if anomalyRepeats > 0 && !anomalies {
            throw bad("--repeat-anomalies", "\(anomalyRepeats)", "cannot be combined with --no-anomalies")
        }
        if !extraAnomalies.isEmpty && !anomalies {
            throw bad("--inject", extraAnomalies.map(\.name).joined(separator: ","), "cannot be combined with --no-anomalies")
        }
    }

    /// Window start, UTC ms.
    public var startMillis: Int64 { startDay * CivilTime.millisPerDay }
    /// Window end (exclusive), UTC ms.
    public var endMillis: Int64 { (startDay + Int64(days)) * CivilTime.millisPerDay }
}
