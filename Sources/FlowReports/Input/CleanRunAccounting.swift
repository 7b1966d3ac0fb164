import FlowCore
import FlowDataset
import Foundation

/// The clean row accounting of a report's period. A dataset cleaned day by day (a nightly
/// job, a backfill) has one `DATASET_DIR/manifest.json`, the last run's, but every run's own
/// manifest under `_clean_runs/NAME/`. For each day of the period the run that wrote it last
/// (newest manifest; a re-clean of a day replaces its partition) is counted once, so the
/// report's clean row and reject reasons cover the days shown rather than whatever ran last.
/// A run's counts are whole-run counts: rejects carry no day, so a run that also wrote days
/// outside the period brings those days' rows along (the report says so).
struct CleanRunAccounting {
    /// The summed accounting; its header, version, reference time and config are the
    /// newest counted run's.
    var summary: CleanSummary
    /// How many runs were added up.
    var runs: Int

    /// The runs under `dataset/_clean_runs/` that last wrote a day of `days`, added up; nil
    /// when the dataset has no run records or none wrote a day of the period (older
    /// datasets: the report then shows `DATASET_DIR/manifest.json` as before).
    static func load(dataset: String, days: ClosedRange<Int64>) throws -> CleanRunAccounting? {
        let folder = dataset + "/" + DatasetLayout.cleanRunsFolder
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: folder) else { return nil }
        var records: [(name: String, modified: Date, summary: CleanSummary)] = []
        for name in names.sorted() where !name.hasPrefix(".") {
            let path = folder + "/" + name + "/manifest.json"
            guard fm.fileExists(atPath: path) else { continue }
            let modified = (try? fm.attributesOfItem(atPath: path))?[.modificationDate] as? Date ?? .distantPast
            records.append((name, modified, try CleanSummary.load(path: path)))
        }
        // Newest first; equal times in name order, so the choice never depends on listing order.
        records.sort { ($0.modified, $1.name) > ($1.modified, $0.name) }
        var counted = Set<Int>()
        var dayTaken = Set<Int64>()
        for (index, record) in records.enumerated() {
            for p in record.summary.partitions {
                guard let day = DatasetLayout.day(ofPartitionFolder: DatasetLayout.partitionPrefix + p.date),
                      days.contains(day), dayTaken.insert(day).inserted else { continue }
                counted.insert(index)
            }
        }
        guard let newest = counted.min() else { return nil }
        var sum = records[newest].summary
        for index in counted.sorted() where index != newest {
            sum.add(records[index].summary)
        }
        sum.partitions.sort { $0.date < $1.date }
        return CleanRunAccounting(summary: sum, runs: counted.count)
    }
}

extension CleanSummary {
    /// Adds another run's counts, inputs and partitions to these.
    mutating func add(_ other: CleanSummary) {
        totals.rowsIn += other.totals.rowsIn
        totals.rowsOut += other.totals.rowsOut
        totals.rowsRejected += other.totals.rowsRejected
        totals.duplicates += other.totals.duplicates
        totals.rejectsByRule.merge(other.totals.rejectsByRule, uniquingKeysWith: +)
        files += other.files
        filesFailed += other.filesFailed
        inputs += other.inputs
        partitions += other.partitions
    }
}
