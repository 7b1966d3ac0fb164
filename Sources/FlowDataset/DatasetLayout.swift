import FlowCore

/// Where things are in the flow dataset floe-clean writes: one Hive-style folder per UTC
/// day, `DATASET/date=YYYY-MM-DD/`, holding `part-NNNNN.arrow` files and the day's
/// `coverage.json`. Every stage that writes or reads the dataset names folders and files
/// through this type.
public enum DatasetLayout {
    /// Prefix of a day partition's folder name.
    public static let partitionPrefix = "date="

    /// Folder name of a day's partition: `date=YYYY-MM-DD`.
    public static func partitionFolder(day: Int64) -> String { partitionPrefix + CivilTime.dateString(day: day) }

    /// The UTC day of a partition folder name (`date=YYYY-MM-DD`), nil for any other name.
    public static func day(ofPartitionFolder name: String) -> Int64? {
        guard name.hasPrefix(partitionPrefix) else { return nil }
        return CivilTime.parseDate(String(name.dropFirst(partitionPrefix.count)))
    }

    /// Folder inside the dataset holding every floe-clean run's own `manifest.json` and
    /// `quarantine.jsonl` (`_clean_runs/NAME/`). The leading `_` keeps it out of the
    /// dataset listing and of Spark, Hive and DuckDB readers of the folder.
    public static let cleanRunsFolder = "_clean_runs"

    /// File name of a partition's part `n`: `part-00000.arrow`.
    public static func partFile(_ n: Int) -> String {
        let digits = String(n)
        return "part-" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits + ".arrow"
    }

    /// Whether a name inside a partition folder is a data file: an `.arrow` file that is
    /// not hidden (hidden names are a writer's temporary files).
    public static func isDataFile(_ name: String) -> Bool { name.hasSuffix(".arrow") && !name.hasPrefix(".") }
}
