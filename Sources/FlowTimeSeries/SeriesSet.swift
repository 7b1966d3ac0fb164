/// Regular series on one time grid: `count` buckets of `bucketMillis` from `startMillis`.
/// Values are zeros where no flows were seen and NaN where the input coverage is
/// missing (`missing[i]`), so the detector can tell silence from a gap.
public struct SeriesSet: Sendable, Equatable {
    public var startMillis: Int64
    public var bucketMillis: Int64
    public var count: Int
    /// Series names in a stable order (`total.bytes`, `direction:inbound.flows`,
    /// `port:443.bytes`, `subnet:10.0.1.0/24.packets`, `host:10.0.0.5.bytes`, …).
    public var names: [String]
    public var values: [String: [Double]]
    /// Buckets without input coverage.
    public var missing: [Bool]

    public init(startMillis: Int64, bucketMillis: Int64, count: Int) {
        self.startMillis = startMillis
        self.bucketMillis = bucketMillis
        self.count = count
        names = []
        values = [:]
        missing = [Bool](repeating: false, count: count)
    }

    public subscript(name: String) -> [Double]? { values[name] }

    /// Start of bucket `i`, UTC ms.
    public func bucketStart(_ i: Int) -> Int64 { startMillis + Int64(i) * bucketMillis }

    /// Adds the series `name` (or replaces it), one value per bucket.
    public mutating func add(_ name: String, _ series: [Double]) {
        if values[name] == nil { names.append(name) }
        values[name] = series
    }

    /// Marks the missing buckets as NaN in every series.
    mutating func applyMissing() {
        for name in names {
            guard var v = values[name] else { continue }
            for i in 0..<count where missing[i] { v[i] = .nan }
            values[name] = v
        }
    }
}

/// Which parts of the time grid had input at all. A bucket is missing when any part of it
/// lies in one of:
/// - a hole of the recorded coverage: `coveredRanges` are the spans of flow starts of every
///   input file (floe-clean's `coverage.json` per day partition, see `RecordedCoverage`); a
///   stretch of at least `inferredGapMinutes` that no span touches (between them, before the
///   first, after the last) had no input file at all, whatever the flow counts say (long
///   flows reported by the next file can start inside a missing file's time);
/// - an inferred gap: a run of at least `inferredGapMinutes` of consecutive buckets with
///   zero flows in the whole network (a network that is never idle went silent: an exporter
///   or a file is missing, not the traffic). Kept with recorded coverage too, since a file's
///   span can hold an exporter outage (one archive file over days);
/// - an explicit `missingRanges` entry.
public struct SeriesCoverage: Sendable, Equatable {
    /// [start, end) UTC ms ranges known to have no input.
    public var missingRanges: [(start: Int64, end: Int64)]
    /// [start, end) UTC ms ranges recorded as covered by some input; nil when no coverage
    /// was recorded (then gaps are only inferred from the flow counts).
    public var coveredRanges: [(start: Int64, end: Int64)]?
    /// Minutes without input that count as a gap: a hole between covered ranges, or a run
    /// of zero flows (0 = every hole of the recorded coverage counts; no inference).
    public var inferredGapMinutes: Int

    public init(missingRanges: [(start: Int64, end: Int64)] = [], inferredGapMinutes: Int = 30) {
        self.missingRanges = missingRanges
        self.coveredRanges = nil
        self.inferredGapMinutes = inferredGapMinutes
    }

    /// Coverage recorded as the union of `coveredRanges` ([start, end) UTC ms).
    public init(coveredRanges: [(start: Int64, end: Int64)], gapMinutes: Int) {
        self.missingRanges = []
        self.coveredRanges = coveredRanges
        self.inferredGapMinutes = gapMinutes
    }

    public static func == (a: SeriesCoverage, b: SeriesCoverage) -> Bool {
        func same(_ x: [(start: Int64, end: Int64)], _ y: [(start: Int64, end: Int64)]) -> Bool {
            x.elementsEqual(y) { $0 == $1 }
        }
        let coveredEqual: Bool
        switch (a.coveredRanges, b.coveredRanges) {
        case (nil, nil): coveredEqual = true
        case let (x?, y?): coveredEqual = same(x, y)
        default: coveredEqual = false
        }
        return a.inferredGapMinutes == b.inferredGapMinutes && same(a.missingRanges, b.missingRanges) && coveredEqual
    }

    /// The holes of the recorded coverage inside [from, to): maximal stretches no covered
    /// range touches, at least `inferredGapMinutes` long.
    public func holes(from: Int64, to: Int64) -> [(start: Int64, end: Int64)] {
        guard let covered = coveredRanges else { return [] }
        let minimum = max(1, Int64(inferredGapMinutes) * 60_000)
        var out: [(start: Int64, end: Int64)] = []
        var cursor = from
        for range in covered.sorted(by: { $0.start < $1.start }) where range.end > range.start {
            if cursor >= to { break }
            let end = min(range.start, to)
            if end - cursor >= minimum { out.append((cursor, end)) }
            cursor = max(cursor, range.end)
        }
        if to - cursor >= minimum { out.append((cursor, to)) }
        return out
    }

    /// The missing mask for a grid, given the flows that started in each bucket.
    public func missingMask(startMillis: Int64, bucketMillis: Int64, flowsPerBucket: [Double]) -> [Bool] {
        let n = flowsPerBucket.count
        var mask = [Bool](repeating: false, count: n)
        let recordedHoles = holes(from: startMillis, to: startMillis + Int64(n) * bucketMillis)
        for range in missingRanges + recordedHoles {
            // A bucket is missing when any part of it lies in a missing range.
            let first = max(0, Int((range.start - startMillis) / bucketMillis))
            let last = min(n, Int((range.end - startMillis + bucketMillis - 1) / bucketMillis))
            if first < last { for i in first..<last { mask[i] = true } }
        }
        if inferredGapMinutes > 0 {
            let minimum = max(1, Int((Int64(inferredGapMinutes) * 60_000 + bucketMillis - 1) / bucketMillis))
            var i = 0
            while i < n {
                if flowsPerBucket[i] == 0 {
                    var j = i
                    while j < n && flowsPerBucket[j] == 0 { j += 1 }
                    if j - i >= minimum { for k in i..<j { mask[k] = true } }
                    i = j
                } else {
                    i += 1
                }
            }
        }
        return mask
    }
}
