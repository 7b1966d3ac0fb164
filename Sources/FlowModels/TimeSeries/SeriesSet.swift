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

    mutating func add(_ name: String, _ series: [Double]) {
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

/// Which parts of the time grid had input at all. Explicit ranges come from the ingest
/// manifests (inputs/hours that exist); inference marks a run of at least `minimumGap`
/// consecutive buckets with zero flows in the whole network as missing (a network that
/// is never idle went silent: an exporter or a file is missing, not the traffic).
public struct SeriesCoverage: Sendable, Equatable {
    /// [start, end) UTC ms ranges known to have no input.
    public var missingRanges: [(start: Int64, end: Int64)]
    /// Minutes of zero flows that count as a gap (0 = do not infer).
    public var inferredGapMinutes: Int

    public init(missingRanges: [(start: Int64, end: Int64)] = [], inferredGapMinutes: Int = 30) {
        self.missingRanges = missingRanges
        self.inferredGapMinutes = inferredGapMinutes
    }

    public static func == (a: SeriesCoverage, b: SeriesCoverage) -> Bool {
        a.inferredGapMinutes == b.inferredGapMinutes && a.missingRanges.elementsEqual(b.missingRanges) { $0 == $1 }
    }

    /// The missing mask for a grid, given the flows that started in each bucket.
    public func missingMask(startMillis: Int64, bucketMillis: Int64, flowsPerBucket: [Double]) -> [Bool] {
        let n = flowsPerBucket.count
        var mask = [Bool](repeating: false, count: n)
        for range in missingRanges {
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
