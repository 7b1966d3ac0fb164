import FlowColumnar
import FlowCore
import FlowDataset
import FlowIO
import Foundation

/// `floe export parquet`: the day partitions of a floe dataset (`DATASET/date=D/part-*.arrow`,
/// written by floe-clean) as a Hive-partitioned Parquet lake, `LAKE/date=D/part-00000.parquet`,
/// one file per day (all of the day's parts), each written atomically. Spark, Trino, Athena,
/// DuckDB and polars read the lake as one table with a `date` partition column.
public enum ParquetExport {
    public struct Day: Sendable {
        public let date: String
        public let path: String
        public let rows: Int64
        public let bytes: Int64
    }

    /// Exports the days of `dataset` between `from` and `to` (inclusive, `YYYY-MM-DD`;
    /// nil: unbounded). Throws `ParquetError.noPartitions` when no day matches: an export
    /// that writes nothing is an error.
    public static func export(dataset: String, lake: String, from: String?, to: String?,
                              options: ParquetFileWriter.Options) throws -> [Day] {
        let listing = try DatasetListing(root: dataset, selection: try DaySelection.range(from: from, to: to))
        var exported: [Day] = []
        for partition in listing.partitions where !partition.files.isEmpty {
            let day = CivilTime.dateString(day: partition.day)
            let folder = partition.folder
            let parts = partition.files.map(\.path)
            let outFolder = lake + "/" + DatasetLayout.partitionFolder(day: partition.day)
            try FileManager.default.createDirectory(atPath: outFolder, withIntermediateDirectories: true)
            let path = outFolder + "/part-00000.parquet"
            var writer: ParquetFileWriter?
            do {
                for part in parts {
                    let reader = try ArrowFileReader(path: part)
                    if writer == nil { writer = try ParquetFileWriter(path: path, fields: reader.fields, options: options) }
                    guard reader.fields == writer!.columnFields else {
                        throw ParquetError.io(path: reader.path, reason: "its columns differ from those of \(parts[0])")
                    }
                    for index in 0..<reader.recordBatchCount { try writer!.append(try reader.recordBatch(at: index)) }
                }
                try writer!.finish(metadata: [("floe:source", folder)])
            } catch {
                writer?.abort()
                throw error
            }
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64) ?? nil
            exported.append(Day(date: day, path: path, rows: writer!.rowCount, bytes: size ?? 0))
        }
        if exported.isEmpty {
            let range = from == nil && to == nil ? "" : " between \(from ?? "the first day") and \(to ?? "the last day")"
            throw ParquetError.noPartitions(dataset: dataset, range: range)
        }
        return exported
    }
}
