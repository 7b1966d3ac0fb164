import FlowDataset

/// Reads the input coverage floe-clean recorded with each day partition
/// (`date=YYYY-MM-DD/coverage.json`, `PartitionCoverage`) into a `SeriesCoverage`.
public enum RecordedCoverage {
    /// Coverage of the partitions `days` of `dataset` (the days that exist in the range
    /// read): the union of every input's span of flow starts, each made half-open
    /// ([first, last + 1 ms)). Nil, so that gaps are only inferred from the flow counts,
    /// when no day is given or any of them has no readable coverage file (a dataset
    /// written before coverage was recorded).
    public static func read(dataset: DatasetListing, days: [Int64], gapMinutes: Int) -> SeriesCoverage? {
        guard !days.isEmpty, let files = dataset.recordedCoverage(days: days) else { return nil }
        var covered: [(start: Int64, end: Int64)] = []
        for file in files {
            for span in file.spans where span.lastStart >= span.firstStart {
                covered.append((span.firstStart, span.lastStart + 1))
            }
        }
        return SeriesCoverage(coveredRanges: covered, gapMinutes: gapMinutes)
    }
}
