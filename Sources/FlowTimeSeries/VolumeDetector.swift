import FlowForecasting
import FlowDetection
import Foundation

/// One bucket's verdict (for reports and tests).
public struct BucketScore: Sendable, Equatable {
    public var index: Int
    public var observed: Double
    /// Expected value in original units (baseline + ARIMA one-step prediction, inverted).
    public var expected: Double
    /// (x − e) / robust scale in transformed units.
    public var robustZ: Double
    /// (x − e) / one-step standard deviation.
    public var intervalZ: Double
    public var flagged: Bool
    /// Flagged at the full thresholds (not only by the hysteresis of a running anomaly).
    public var strong: Bool
    /// The one-step prediction interval at the configured `level`, in original units
    /// (baseline + scale × (prediction ∓ z·sd), inverted; NaN where there is no prediction).
    public var lower: Double = .nan
    public var upper: Double = .nan
}

/// Scores a series against its trained model and turns departures into anomalies.
///
/// Each bucket is transformed, the seasonal baseline subtracted and the result divided by
/// the slot's robust spread; the ARIMA predicts that standardised remainder one step
/// ahead. A bucket is flagged when the observation is outside the one-step prediction
/// interval at `level` AND more than max(`mad_threshold`, the model's training tail)
/// robust standard deviations from the prediction (both halved while a run of flagged
/// buckets in the same direction continues: hysteresis) AND differs from the expectation by
/// at least `minimum_change` × max(expected, the series' busy level = 90th percentile of
/// training buckets) in original units, so a night-time wiggle or one big benign transfer
/// in a quiet hour does not count, while floods and sustained uploads do. Flagged
/// buckets are fed to the Kalman filter as missing, so a sustained anomaly is measured
/// against the forecast from before it instead of becoming the new normal (for at most
/// `max_censored` buckets in a row, after which the level is accepted). Runs of flagged
/// buckets of one sign, merged across gaps of at most `merge_gap` buckets, become an
/// anomaly when they have at least `minimum_duration` flagged buckets — and, for spikes of
/// `sustained_metrics` (bytes, packets), when the buckets flagged at full strength span at
/// least `sustained_minutes`. A drop must also be a drop against the seasonal baseline
/// alone (so the end of a benign burst the filter followed is not a "drop").
public enum VolumeDetector {
    /// Scores `values` (NaN = missing coverage) on the grid from `startMillis`. Buckets
    /// before `scoreFrom` only warm the filter up.
    public static func scoreBuckets(model: SeriesForecastModel, values: [Double], startMillis: Int64,
                                    bucketMillis: Int64, scoreFrom: Int, config: TimeSeriesModelConfig) -> [BucketScore] {
        let transform = model.transform
        let x = values.map { $0.isFinite ? transform.apply($0) : .nan }
        var base = [Double](repeating: 0, count: x.count)
        var spread = [Double](repeating: 1, count: x.count)
        var remainder = [Double](repeating: .nan, count: x.count)
        for i in x.indices {
            let t = startMillis + Int64(i) * bucketMillis
            base[i] = model.baseline.value(at: t)
            spread[i] = model.scale.value(at: t)
            if x[i].isFinite { remainder[i] = (x[i] - base[i]) / spread[i] }
        }
        let threshold = max(config.madThreshold, model.tailThreshold)
        let z = NormalDistribution.quantile(0.5 + config.level / 2)
        let scale = model.residualScale
        var scores: [BucketScore] = []
        scores.reserveCapacity(max(0, x.count - scoreFrom))
        var censoredRun = 0
        var previousUp = true
        _ = model.oneStepPredictions(remainder, startMillis: startMillis, bucketMillis: bucketMillis) { t, prediction, variance in
            let sd = max(variance, 0).squareRoot()
            let expectedT = base[t] + spread[t] * prediction
            let deviation = remainder[t] - prediction
            let intervalZ = sd > 0 ? deviation / sd : 0
            let robustZ = scale > 0 ? deviation / scale : 0
            let observed = values[t]
            let expected = max(0, transform.invert(expectedT))
            let relative = abs(observed - expected) / max(expected, model.busyLevel, 1)
            // Hysteresis: inside a run (previous bucket flagged, same direction) half the
            // thresholds keep it going, so a sustained anomaly is not cut into pieces.
            let continuing = censoredRun > 0 && (deviation > 0) == previousUp
            let factor = continuing ? 0.5 : 1.0
            // A drop must also be a drop against the seasonal baseline alone, so the end of
            // a spike the filter had followed is not reported as a drop.
            let seasonal = max(0, transform.invert(base[t]))
            let belowSeason = deviation > 0 || (seasonal - observed) / max(seasonal, model.busyLevel, 1) >= config.minimumChange
            let eligible = t >= model.warmup && x[t].isFinite && expectedT.isFinite &&
                relative >= config.minimumChange && belowSeason
            let strong = eligible && abs(intervalZ) > z && abs(robustZ) > threshold
            let flagged = eligible && abs(intervalZ) > factor * z && abs(robustZ) > factor * threshold
            if t >= scoreFrom {
                let lower = max(0, transform.invert(base[t] + spread[t] * (prediction - z * sd)))
                let upper = max(0, transform.invert(base[t] + spread[t] * (prediction + z * sd)))
                scores.append(BucketScore(index: t, observed: observed, expected: expected, robustZ: robustZ,
                                          intervalZ: intervalZ, flagged: flagged, strong: strong,
                                          lower: lower.isFinite ? lower : .nan, upper: upper.isFinite ? upper : .nan))
            }
            if flagged && censoredRun < config.maxCensored {
                censoredRun += 1
                previousUp = deviation > 0
                return true
            }
            censoredRun = 0
            return false
        }
        return scores
    }

    /// Anomaly records of one series: flagged runs (see the type's description).
    ///
    /// p-value: a Laplace (exponential) tail through the model's own flagging threshold,
    /// which its training residuals exceed once in 2,000 buckets (`tail_threshold`, at least
    /// `mad_threshold`): p = 2000^(−peak / threshold), per series — never below what the
    /// `residuals` training residuals the threshold was fitted on can resolve, one decade
    /// below 1/(residuals + 1) (`TailResolution`; nil: not floored).
    public static func anomalies(series: String, scores: [BucketScore], startMillis: Int64, bucketMillis: Int64,
                                 config: TimeSeriesModelConfig, tail: Double = 0, residuals: Int? = nil) -> [AnomalyRecord] {
        let floor = residuals.map { TailResolution.floorLog10(sampleSize: $0) } ?? -300
        let threshold = max(config.madThreshold, tail, 1e-6)
        var records: [AnomalyRecord] = []
        var i = 0
        while i < scores.count {
            guard scores[i].flagged else { i += 1; continue }
            let up = scores[i].robustZ > 0
            var last = i
            var flaggedCount = 1
            var j = i + 1
            while j < scores.count && j - last <= config.mergeGap + 1 {
                if scores[j].flagged && (scores[j].robustZ > 0) == up {
                    last = j
                    flaggedCount += 1
                } else if scores[j].flagged || scores[j].observed.isNaN {
                    break
                }
                j += 1
            }
            let metric = series.split(separator: ".").last.map(String.init) ?? ""
            // The sustained rule looks at the buckets flagged at full strength only, so
            // hysteresis cannot stretch a short burst past it.
            let strongIndices = scores[i...last].filter { $0.flagged && $0.strong }.map(\.index)
            let spanMinutes = Int64((strongIndices.last ?? 0) - (strongIndices.first ?? 1) + 1) * bucketMillis / 60_000
            let sustained = !up || !config.sustainedMetrics.contains(metric) || spanMinutes >= Int64(config.sustainedMinutes)
            if flaggedCount >= config.minimumDuration && sustained {
                let run = scores[i...last]
                let observed = run.reduce(0) { $0 + ($1.observed.isFinite ? $1.observed : 0) }
                let expected = run.reduce(0) { $0 + $1.expected }
                let peak = run.map { abs($0.robustZ) }.max() ?? 0
                let start = startMillis + Int64(scores[i].index) * bucketMillis
                let end = startMillis + Int64(scores[last].index + 1) * bucketMillis
                let minutes = Double(end - start) / 60_000
                let summary = Self.summary(series: series, metric: metric, observed: observed, expected: expected, millis: end - start)
                records.append(AnomalyRecord(
                    kind: up ? "volume_spike" : "volume_drop", entity: series, start: start, end: end,
                    score: peak,
                    evidence: "\(EvidenceFormat.quantity(observed, metric: metric)) observed vs \(EvidenceFormat.quantity(expected, metric: metric)) expected over \(EvidenceFormat.number(minutes)) min (peak \(EvidenceFormat.number(peak)) robust SD, \(flaggedCount) buckets flagged)",
                    log10P: max(floor, -log10(2000) * peak / threshold), summary: summary))
            }
            i = last + 1
        }
        return records
    }

    /// "Network-wide traffic was 13.6 GB over 3 hours against 6.7 MB expected".
    static func summary(series: String, metric: String, observed: Double, expected: Double, millis: Int64) -> String {
        let names = ["bytes": "traffic", "packets": "packet count", "flows": "flow count",
                     "distinct_sources": "number of distinct sources", "distinct_destinations": "number of distinct destinations"]
        let what = names[metric] ?? metric.replacingOccurrences(of: "_", with: " ")
        let group = series.split(separator: ".").dropLast().joined(separator: ".")
        let scope: String
        if group == "total" { scope = "Network-wide" }
        else if group.hasPrefix("direction:") { scope = "The " + group.dropFirst("direction:".count) }
        else { scope = "For " + group.replacingOccurrences(of: ":", with: " ") + ", the" }
        return "\(scope) \(what) was \(EvidenceFormat.plainQuantity(observed, metric: metric)) over \(Plain.duration(millis: millis)) against \(EvidenceFormat.plainQuantity(expected, metric: metric)) expected"
    }

    /// `coverage_gap` records for runs of missing buckets (entity `total.flows`: the
    /// series whose silence, or the manifests, marked the gap).
    ///
    /// p-value: the chance of no flow at all in the gap when flows arrive as a Poisson
    /// process at the expected rate, exp(−Σ expected flows) (`expectedFlows` per bucket
    /// index, from the `total.flows` model's seasonal baseline; without it one flow a
    /// minute is assumed).
    public static func coverageGaps(missing: [Bool], from: Int, startMillis: Int64, bucketMillis: Int64,
                                    expectedFlows: ((Int) -> Double)? = nil) -> [AnomalyRecord] {
        var records: [AnomalyRecord] = []
        var i = max(0, from)
        while i < missing.count {
            guard missing[i] else { i += 1; continue }
            var j = i
            while j < missing.count && missing[j] { j += 1 }
            let start = startMillis + Int64(i) * bucketMillis
            let end = startMillis + Int64(j) * bucketMillis
            let minutes = Double(end - start) / 60_000
            let lambda = expectedFlows.map { f in (i..<j).reduce(0.0) { $0 + max(0, f($1)) } } ?? minutes
            records.append(AnomalyRecord(
                kind: "coverage_gap", entity: "total.flows", start: start, end: end,
                score: min(50, 5 + minutes / 6),
                evidence: "no input for \(EvidenceFormat.number(minutes)) min: treated as missing coverage, not as zero traffic",
                log10P: max(-300, -lambda / log(10)),
                summary: "no flow records arrived for \(Plain.duration(millis: end - start)) (\(Plain.clock(start))–\(Plain.clock(end)) UTC) when about \(formatValue(lambda.rounded())) flows were expected: an exporter or collector outage"))
            i = j
        }
        return records
    }
}

/// Human-readable numbers for evidence text.
enum EvidenceFormat {
    static func number(_ v: Double) -> String {
        if abs(v) >= 100 || v == v.rounded() { return String(Int(v.rounded())) }
        return String(format: "%.1f", v)
    }

    /// Like `quantity`, with grouped digits (for summaries).
    static func plainQuantity(_ v: Double, metric: String) -> String {
        if metric == "bytes" { return Plain.bytes(v) }
        return "\(formatValue(v.rounded())) \(metric.replacingOccurrences(of: "_", with: " "))"
    }

    static func quantity(_ v: Double, metric: String) -> String {
        if metric == "bytes" {
            let units = ["B", "kB", "MB", "GB", "TB", "PB"]
            var x = v, u = 0
            while abs(x) >= 1000 && u < units.count - 1 { x /= 1000; u += 1 }
            return u == 0 ? "\(Int(x.rounded())) B" : String(format: "%.1f %@", x, units[u])
        }
        return "\(number(v)) \(metric.replacingOccurrences(of: "_", with: " "))"
    }
}
