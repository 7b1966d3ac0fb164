import FlowCore

/// The whole generation decided up front from the configuration: rows per minute, the
/// anomalies and the gap, and the chunks. Immutable, shared by the worker threads.
struct GenerationPlan: Sendable {
    struct Chunk: Sendable, Equatable {
        /// Minutes (from the window start) covered: `firstMinute..<endMinute`.
        let firstMinute: Int
        let endMinute: Int
    }

    let config: GeneratorConfig
    let benign: BenignFlowModel
    /// Benign rows starting in each minute of the window.
    let minuteCounts: [Int]
    let anomalies: [PlannedAnomaly]
    let gap: (start: Int64, end: Int64)?
    let chunks: [Chunk]
    let benignRows: Int

    /// The longest span one chunk may cover (keeps sort keys small).
    static let maxChunkMinutes = 1_440

    init(config: GeneratorConfig) throws {
        try config.validate()
        self.config = config
        benign = BenignFlowModel(addresses: AddressPlan(seed: config.seed))
        let minutes = config.days * 1_440
        let startMillis = config.startMillis
        if config.anomalies {
            let g = AnomalyPlanner.gap(seed: config.seed, startMillis: startMillis, days: config.days)
            gap = g
            anomalies = AnomalyPlanner.plan(seed: config.seed, rows: config.rows, startMillis: startMillis,
                                            days: config.days, gap: g)
                + AnomalyPlanner.extra(config.extraAnomalies, seed: config.seed, rows: config.rows,
                                       startMillis: startMillis, days: config.days, gap: g)
                + AnomalyPlanner.repeated(config.anomalyRepeats, extra: config.extraAnomalies, seed: config.seed,
                                          startMillis: startMillis, days: config.days, gap: g)
        } else {
            gap = nil
            anomalies = []
        }
        let anomalyRows = anomalies.reduce(0) { $0 + $1.injected }
        benignRows = config.rows - anomalyRows
        guard benignRows >= 0 else {
            throw GenerateError.invalidParameter(name: "--rows", value: "\(config.rows)", reason: "too few rows for the anomalies")
        }
        let gapMinutes: Range<Int>? = gap.map {
            Int(($0.start - startMillis) / 60_000)..<Int(($0.end - startMillis) / 60_000)
        }
        minuteCounts = Seasonality.minuteCounts(total: benignRows, startDay: config.startDay, minutes: minutes,
                                                seed: config.seed, isGap: { gapMinutes?.contains($0) ?? false })

        // Rows per minute including anomalies, to cut chunks of even size.
        var perMinute = minuteCounts
        for a in anomalies {
            for i in 0..<a.indexCount where a.isWritten(i) {
                let m = Int((a.start(of: i) - startMillis) / 60_000)
                if m >= 0 && m < minutes { perMinute[m] += 1 }
            }
        }
        var chunks: [Chunk] = []
        var first = 0
        var rowsInChunk = 0
        for m in 0..<minutes {
            rowsInChunk += perMinute[m]
            if rowsInChunk >= config.chunkRows || m + 1 - first >= GenerationPlan.maxChunkMinutes || m == minutes - 1 {
                chunks.append(Chunk(firstMinute: first, endMinute: m + 1))
                first = m + 1
                rowsInChunk = 0
            }
        }
        self.chunks = chunks
    }

    func chunkStartMillis(_ c: Chunk) -> Int64 { config.startMillis + Int64(c.firstMinute) * 60_000 }
    func chunkEndMillis(_ c: Chunk) -> Int64 { config.startMillis + Int64(c.endMinute) * 60_000 }
}
