import FlowIO
import Foundation
import FlowCore

/// The labels file written beside the output (`FILE.labels.json`): the ground truth of a
/// generated file. JSON with sorted keys, so it is byte-identical for the same arguments.
public struct GenerationLabels: Codable, Sendable, Equatable {
    /// A time window, [start, end), as ISO 8601 UTC text and as UTC ms.
    public struct Window: Codable, Sendable, Equatable {
        public var start: String
        public var end: String
        public var startMillis: Int64
        public var endMillis: Int64

        init(_ s: Int64, _ e: Int64) {
            start = CivilTime.isoString(millis: s)
            end = CivilTime.isoString(millis: e)
            startMillis = s
            endMillis = e
        }

        enum CodingKeys: String, CodingKey {
            case start, end
            case startMillis = "start_ms"
            case endMillis = "end_ms"
        }
    }

    /// One injected anomaly. Its rows carry `kind` as label, start at or after
    /// `window.start` and end before `window.end`.
    public struct Anomaly: Codable, Sendable, Equatable {
        public var kind: String
        public var window: Window
        /// Rows written with this label.
        public var rows: Int
        public var sources: [String]
        public var targets: [String]
        public var protocolNumber: UInt8
        /// Destination port of every row (absent for the port scan: ports 1–1024 per target).
        public var dstPort: UInt16?
        public var portsPerTarget: Int?
        public var periodSeconds: Double?
        public var jitterSeconds: Double?

        enum CodingKeys: String, CodingKey {
            case kind, window, rows, sources, targets
            case protocolNumber = "protocol"
            case dstPort = "dst_port"
            case portsPerTarget = "ports_per_target"
            case periodSeconds = "period_seconds"
            case jitterSeconds = "jitter_seconds"
        }
    }

    /// The arguments that produced the file.
    public struct Parameters: Codable, Sendable, Equatable {
        public var seed: UInt64
        public var rows: Int
        public var days: Int
        public var start: String
        public var dialect: String
        public var gzip: Bool
        public var anomalies: Bool
        public var dirtRates: [String: Double]
        /// The opt-in anomaly kinds injected (absent when none).
        public var extraAnomalies: [String]? = nil
        /// Further episodes of every kind (`GeneratorConfig.anomalyRepeats`; absent when 0).
        public var anomalyRepeats: Int? = nil

        enum CodingKeys: String, CodingKey {
            case seed, rows, days, start, dialect, gzip, anomalies
            case dirtRates = "dirt_rates"
            case extraAnomalies = "extra_anomalies"
            case anomalyRepeats = "anomaly_repeats"
        }
    }

    public var format = "floe-generate-labels"
    public var version = 1
    public var parameters: Parameters
    /// The generated time range: every clean row starts inside it.
    public var window: Window
    public var anomalies: [Anomaly]
    /// Hours in which the exporter was down: no row starts inside them.
    public var coverageGaps: [Window]
    /// Extra dirty rows written, per `DirtKind` name (every kind listed, 0 included).
    public var dirt: [String: Int]
    /// Clean rows per label (`benign` and each anomaly kind).
    public var rowsByLabel: [String: Int]
    /// Clean rows (= `parameters.rows`).
    public var rowsClean: Int
    /// Dirty rows (sum of `dirt`).
    public var rowsDirty: Int
    /// Every row written (`rows_clean + rows_dirty`).
    public var rowsWritten: Int

    enum CodingKeys: String, CodingKey {
        case format, version, parameters, window, anomalies, dirt
        case coverageGaps = "coverage_gaps"
        case rowsByLabel = "rows_by_label"
        case rowsClean = "rows_clean"
        case rowsDirty = "rows_dirty"
        case rowsWritten = "rows_written"
    }

    /// The file's bytes: pretty-printed JSON with sorted keys and a final newline.
    public func jsonBytes() throws -> [UInt8] {
        try StableJSON.encode(self)
    }

    /// Reads a labels file's bytes.
    public static func decode(_ bytes: [UInt8]) throws -> GenerationLabels {
        try JSONDecoder().decode(GenerationLabels.self, from: Data(bytes))
    }

    /// The path of the labels file that belongs to an output file.
    public static func path(forOutput output: String) -> String { output + ".labels.json" }
}

extension GenerationPlan {
    func labels(dialect: Dialect, stats: ChunkStats) -> GenerationLabels {
        var rates: [String: Double] = [:]
        var dirt: [String: Int] = [:]
        for kind in DirtKind.allCases {
            rates[kind.rawValue] = config.dirt[kind]
            dirt[kind.rawValue] = stats.byDirt[kind.index]
        }
        var byLabel: [String: Int] = [:]
        for label in TrafficLabel.allCases {
            // Opt-in kinds are listed only when injected (earlier label files stay identical).
            guard !TrafficLabel.optIn.contains(label) || config.extraAnomalies.contains(label) else { continue }
            byLabel[label.name] = stats.byLabel[Int(label.rawValue)]
        }
        let anomalyLabels = anomalies.map { a -> GenerationLabels.Anomaly in
            GenerationLabels.Anomaly(
                kind: a.label.name, window: .init(a.windowStart, a.windowEnd), rows: a.injected,
                sources: a.sources.map(\.description), targets: a.targets.map(\.description),
                protocolNumber: ServiceCatalog.tcp,
                dstPort: a.label == .portscan ? nil : a.dstPort,
                portsPerTarget: a.label == .portscan ? PlannedAnomaly.portsPerHost : nil,
                periodSeconds: a.label == .beaconing ? Double(a.periodMillis) / 1000 : nil,
                jitterSeconds: a.label == .beaconing ? Double(a.jitterMillis) / 1000 : nil)
        }
        let dirtyRows = stats.byDirt.reduce(0, +)
        var parameters = GenerationLabels.Parameters(seed: config.seed, rows: config.rows, days: config.days,
                                                     start: CivilTime.dateString(day: config.startDay), dialect: dialect.rawValue,
                                                     gzip: config.gzip, anomalies: config.anomalies, dirtRates: rates)
        if !config.extraAnomalies.isEmpty { parameters.extraAnomalies = config.extraAnomalies.map(\.name) }
        if config.anomalyRepeats > 0 { parameters.anomalyRepeats = config.anomalyRepeats }
        return GenerationLabels(
            parameters: parameters,
            window: .init(config.startMillis, config.endMillis),
            anomalies: anomalyLabels,
            coverageGaps: gap.map { [GenerationLabels.Window($0.start, $0.end)] } ?? [],
            dirt: dirt, rowsByLabel: byLabel,
            rowsClean: Int(stats.flows) - dirtyRows, rowsDirty: dirtyRows, rowsWritten: Int(stats.flows))
    }
}
