import ArgumentParser
import FlowDataset
import FlowParquet
import Foundation

/// `floe export FORMAT …`: the dataset in formats other engines read.
public struct ExportCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the dataset in formats other engines read (Parquet for Spark, Trino, Athena, DuckDB).",
        subcommands: [ExportParquetCommand.self]
    )

    public init() {}
}

/// `floe export parquet DATASET --output LAKE [--from D --to D]`.
public struct ExportParquetCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "parquet",
        abstract: "Write the dataset's days as a Hive-partitioned Parquet lake: LAKE/date=YYYY-MM-DD/part-00000.parquet.",
        discussion: """
        One file per day, written atomically, one row group per day up to --row-group-rows rows \
        (memory holds one row group). Types: timestamps INT64 TIMESTAMP(UTC, MILLIS), addresses \
        and text UTF-8 strings (dictionary-encoded), counters signed INT64. See docs/parquet.md.
        """
    )

    @Argument(help: "The dataset folder written by floe-clean (holding date=YYYY-MM-DD/ folders).")
    var dataset: String

    @Option(help: "The lake folder to write date=YYYY-MM-DD/part-00000.parquet under.")
    var output: String

    @Option(help: "First day to export (YYYY-MM-DD, inclusive).")
    var from: String?

    @Option(help: "Last day to export (YYYY-MM-DD, inclusive).")
    var to: String?

    @Option(help: "Page compression: gzip (default), none, or zstd or snappy (need libzstd.so.1 or libsnappy.so.1 at run time).")
    var compression: String = ParquetCompression.gzip.rawValue

    @Option(name: .customLong("row-group-rows"), help: "Rows per row group (a day larger than this gets several).")
    var rowGroupRows = 1 << 20

    public init() {}

    public func validate() throws {
        if ParquetCompression(rawValue: compression) == nil {
            throw ValidationError("--compression must be one of: \(ParquetCompression.allCases.map(\.rawValue).joined(separator: ", ")), not '\(compression)'")
        }
        do { _ = try DaySelection.range(from: from, to: to) } catch { throw ValidationError("\(error)") }
        if rowGroupRows < 1 { throw ValidationError("--row-group-rows must be at least 1") }
    }

    public func run() throws {
        var options = ParquetFileWriter.Options()
        options.compression = ParquetCompression(rawValue: compression) ?? .gzip
        options.rowGroupRows = rowGroupRows
        options.createdBy = "floe version \(floeVersion)"
        do {
            let days = try ParquetExport.export(dataset: dataset, lake: output, from: from, to: to, options: options)
            let rows = days.reduce(0) { $0 + $1.rows }
            let bytes = days.reduce(0) { $0 + $1.bytes }
            print("floe export parquet: \(days.count) day\(days.count == 1 ? "" : "s"), \(rows) rows, \(bytes) bytes under \(output)")
        } catch {
            FileHandle.standardError.write(Data("floe export parquet: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
