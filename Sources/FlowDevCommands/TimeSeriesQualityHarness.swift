import FlowCore
import FlowDetection
import FlowGenerate
import FlowTimeSeries
import Foundation

/// Measures the volume detector on generated traffic (scripts/quality/timeseries.sh,
/// through `floe-dev timeseries-quality`): generates `days` days of flows, aggregates
/// one-minute series, retrains weekly on the trailing `trainDays` days and scores every
/// later day, then matches detections against the injected anomalies.
public struct TimeSeriesQualityHarness {
    public struct Event: CustomStringConvertible {
        var kind: String
        var start: Int64
        var end: Int64
        var seed: UInt64
        public var description: String { "\(kind) seed \(seed) \(CivilTime.isoString(millis: start))–\(CivilTime.isoString(millis: end))" }
    }

    /// What the runs found, gathered over seeds.
    public struct Outcome {
        var events: [Event] = []          // target events in the scored range
        var otherLabelled: [Event] = []   // port scans: real, but not volume targets
        var records: [(seed: UInt64, record: AnomalyRecord)] = []
        var scoredDays = 0
        public init() {}
    }

    public var rows: Int
    public var days: Int
    /// Days of the trailing training window; 0 = retrospective: train on all days and
    /// score them all after the first (the context day).
    public var trainDays: Int
    public var seriesConfig = SeriesConfig(metrics: [.bytes, .packets, .flows, .distinctSources], byDirection: true)
    /// `seed,series,iso-from,iso-to`: prints the bucket scores of that series in that range.
    public var debug: String?
    public var modelConfig = TimeSeriesModelConfig(series: ["total.bytes", "total.packets", "total.flows", "total.distinct_sources",
                                                      "direction:outbound.bytes", "direction:inbound.flows"])

    public init(rows: Int, days: Int, trainDays: Int) {
        self.rows = rows
        self.days = days
        self.trainDays = trainDays
    }

    /// Generates, trains, scores and matches one seed's traffic into `outcome`.
    public func run(seed: UInt64, into outcome: inout Outcome) throws {
        let generator = try FlowGenerator(config: GeneratorConfig(rows: rows, days: days, seed: seed))
        let start = generator.config.startMillis, end = generator.config.endMillis
        let aggregator = try SeriesAggregator(config: seriesConfig, startMillis: start, endMillis: end)
        var windows: [TrafficLabel: (Int64, Int64)] = [:]
        generator.forEachRow { record, label, _ in
            aggregator.add(record)
            if label != .benign {
                let w = windows[label] ?? (record.start, record.end)
                windows[label] = (min(w.0, record.start), max(w.1, record.end))
            }
        }
        let set = aggregator.result()
        let day = CivilTime.millisPerDay
        let scoredStart = start + Int64(max(trainDays, 1)) * day
        func scored(_ s: Int64, _ e: Int64) -> Bool { e > scoredStart && s < end }
        for (label, w) in windows where scored(w.0, w.1) {
            switch label {
            case .ddos: outcome.events.append(Event(kind: "ddos", start: w.0, end: w.1, seed: seed))
            case .exfiltration: outcome.events.append(Event(kind: "exfiltration", start: w.0, end: w.1, seed: seed))
            case .portscan: outcome.otherLabelled.append(Event(kind: "portscan", start: w.0, end: w.1, seed: seed))
            default: break
            }
        }
        if let gap = generator.coverageGap, scored(gap.start, gap.end) {
            outcome.events.append(Event(kind: "coverage_gap", start: gap.start, end: gap.end, seed: seed))
        }
        if trainDays == 0 {
            let file = try TimeSeriesTrainer.train(set: set, seriesConfig: seriesConfig, config: modelConfig)
            let records = try TimeSeriesScorer.score(file, set: set, scoreStart: scoredStart)

            outcome.records += records.map { (seed, $0) }
            outcome.scoredDays += days - 1
            debugPrint(file: file, context: set, scoreFrom: 1440, seed: seed)
            return
        }
        // Weekly retraining on the trailing window, scoring the following week.
        var weekStart = trainDays
        while weekStart < days {
            let trainFrom = (weekStart - trainDays) * 1440, trainTo = weekStart * 1440
            let train = slice(set, trainFrom, trainTo)
            let file = try TimeSeriesTrainer.train(set: train, seriesConfig: seriesConfig, config: modelConfig)
            let scoreTo = min(days, weekStart + 7) * 1440
            let context = slice(set, trainTo - 1440, scoreTo)
            let records = try TimeSeriesScorer.score(file, set: context, scoreStart: start + Int64(trainTo) * 60_000)
            outcome.records += records.map { (seed, $0) }
            outcome.scoredDays += min(days, weekStart + 7) - weekStart
            debugPrint(file: file, context: context, scoreFrom: 1440, seed: seed)
            weekStart += 7
        }
    }

    /// With `debug` (`seed,series,iso-from,iso-to`), prints the bucket scores in that range.
    func debugPrint(file: TimeSeriesModelFile, context: SeriesSet, scoreFrom: Int, seed: UInt64) {
        guard let spec = debug else { return }
        let parts = spec.split(separator: ",").map(String.init)
        guard parts.count == 4, UInt64(parts[0]) == seed,
              let model = file.models.first(where: { $0.series == parts[1] }), let values = context[parts[1]] else { return }
        print("DEBUG \(parts[1]) order \(model.arima.order) coef \(model.arima.coefficients.flattened) scale \(model.residualScale) tail \(model.tailThreshold) busy \(model.busyLevel)")
        let scores = VolumeDetector.scoreBuckets(model: model, values: values, startMillis: context.startMillis,
                                                 bucketMillis: context.bucketMillis, scoreFrom: scoreFrom, config: file.modelConfig)
        for s in scores {
            let iso = CivilTime.isoString(millis: context.bucketStart(s.index))
            if iso >= parts[2] && iso < parts[3] {
                print("DEBUG \(iso) obs \(s.observed) exp \(String(format: "%.1f", s.expected)) rz \(String(format: "%.2f", s.robustZ)) iz \(String(format: "%.2f", s.intervalZ)) \(s.flagged ? "FLAG" : "")")
            }
        }
    }

    func slice(_ set: SeriesSet, _ from: Int, _ to: Int) -> SeriesSet {
        var out = SeriesSet(startMillis: set.bucketStart(from), bucketMillis: set.bucketMillis, count: to - from)
        for name in set.names { out.add(name, Array(set[name]![from..<to])) }
        out.missing = Array(set.missing[from..<to])
        return out
    }

    /// Recall, precision and the Markdown table with every miss and false positive.
    public struct Report {
        public var recall: Double
        public var precision: Double
        public var recordPrecision: Double
        public var text: String
    }

    public static func evaluate(_ o: Outcome) -> Report {
        func overlaps(_ a: (Int64, Int64), _ b: (Int64, Int64)) -> Bool { a.0 < b.1 && b.0 < a.1 }
        var lines: [String] = []
        var found = 0
        var byKind: [String: (Int, Int)] = [:]
        for e in o.events {
            let hit = o.records.contains { r in
                r.seed == e.seed && overlaps((r.record.start, r.record.end), (e.start, e.end)) &&
                    (e.kind == "coverage_gap") == (r.record.kind == "coverage_gap")
            }
            if hit { found += 1 }
            let k = byKind[e.kind] ?? (0, 0)
            byKind[e.kind] = (k.0 + (hit ? 1 : 0), k.1 + 1)
            if !hit { lines.append("MISSED \(e)") }
        }
        // Detection windows: union of overlapping records of one seed.
        let labelled = o.events + o.otherLabelled
        var windows: [(seed: UInt64, start: Int64, end: Int64, records: [AnomalyRecord])] = []
        for seed in Set(o.records.map(\.seed)).sorted() {
            let rs = o.records.filter { $0.seed == seed }.map(\.record).sorted { $0.start < $1.start }
            for r in rs {
                if let last = windows.last, last.seed == seed, r.start <= last.end {
                    windows[windows.count - 1].end = max(last.end, r.end)
                    windows[windows.count - 1].records.append(r)
                } else {
                    windows.append((seed, r.start, r.end, [r]))
                }
            }
        }
        var truePositive = 0
        var onlyOther = 0
        for w in windows {
            let good = labelled.contains { $0.seed == w.seed && overlaps((w.start, w.end), ($0.start, $0.end)) }
            let target = o.events.contains { $0.seed == w.seed && overlaps((w.start, w.end), ($0.start, $0.end)) }
            if good && !target { onlyOther += 1 }
            if good { truePositive += 1 } else {
                lines.append("FALSE POSITIVE seed \(w.seed) \(CivilTime.isoString(millis: w.start))–\(CivilTime.isoString(millis: w.end)): " +
                             w.records.map { "\($0.kind) \($0.entity) score \(String(format: "%.1f", $0.score)) [\($0.evidence)]" }.joined(separator: "; "))
            }
        }
        let goodRecords = o.records.filter { r in
            labelled.contains { $0.seed == r.seed && overlaps((r.record.start, r.record.end), ($0.start, $0.end)) }
        }.count
        let recall = o.events.isEmpty ? 1 : Double(found) / Double(o.events.count)
        let precision = windows.isEmpty ? 1 : Double(truePositive) / Double(windows.count)
        let recordPrecision = o.records.isEmpty ? 1 : Double(goodRecords) / Double(o.records.count)
        var table = ["| anomaly | injected in scored days | found | recall |", "|---|---|---|---|"]
        for (k, v) in byKind.sorted(by: { $0.key < $1.key }) {
            table.append("| \(k) | \(v.1) | \(v.0) | \(String(format: "%.2f", Double(v.0) / Double(v.1))) |")
        }
        table.append("| **all** | \(o.events.count) | \(found) | \(String(format: "%.3f", recall)) |")
        table.append("")
        table.append("detection windows: \(windows.count), overlapping a labelled window: \(truePositive) (of which \(onlyOther) only a port scan) → precision \(String(format: "%.3f", precision)); " +
                     "records: \(o.records.count), \(goodRecords) overlapping → record precision \(String(format: "%.3f", recordPrecision)); scored days: \(o.scoredDays)")
        return Report(recall: recall, precision: precision, recordPrecision: recordPrecision,
                      text: (table + [""] + lines).joined(separator: "\n"))
    }
}
