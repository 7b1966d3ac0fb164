import FlowColumnar
import FlowCore
import Foundation
import Testing
@testable import FlowParquet

/// The export's file-level behaviour. Values, statistics and what readers make of the
/// files are checked by pyarrow, DuckDB and polars (scripts/peers/check-parquet.sh).
@Suite struct ParquetExportTests {
    let root = NSTemporaryDirectory() + "floe-parquet-test-" + UUID().uuidString

    /// Writes DATASET/date=DAY/part-00000.arrow with a timestamp, a nullable uint64 and a
    /// nullable utf8 column.
    func day(_ day: String, counters: [UInt64?], text: [String?]) throws {
        let folder = root + "/dataset/date=" + day
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let fields = [SchemaField("start", .timestampMillis, nullable: false, ""),
                      SchemaField("bytes", .uint64, nullable: true, ""),
                      SchemaField("host", .utf8, nullable: true, "")]
        let writer = try ArrowFileWriter(path: folder + "/part-00000.arrow", fields: fields)
        var counterValidity = ValidityBitmap()
        var textValidity = ValidityBitmap()
        var offsets: [Int32] = [0]
        var data: [UInt8] = []
        for value in counters { counterValidity.append(value != nil) }
        for value in text {
            textValidity.append(value != nil)
            data += Array((value ?? "").utf8)
            offsets.append(Int32(data.count))
        }
        try writer.write(rowCount: counters.count, columns: [
            .values((0..<counters.count).map { Int64(1_709_251_200_000 + $0) }),
            .values(counters.map { $0 ?? 0 }, validity: counterValidity),
            .utf8(offsets: offsets, data: data, validity: textValidity),
        ])
        try writer.finish()
    }

    func options(_ compression: ParquetCompression = .gzip) -> ParquetFileWriter.Options {
        var options = ParquetFileWriter.Options()
        options.compression = compression
        return options
    }

    @Test func writesOneParquetFilePerDayInHiveLayoutWithinTheRange() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try day("2024-03-01", counters: [1, nil, 3], text: ["a", nil, "a"])
        try day("2024-03-02", counters: [4], text: ["b"])
        try day("2024-03-03", counters: [5], text: [nil])
        let days = try ParquetExport.export(dataset: root + "/dataset", lake: root + "/lake", from: "2024-03-02", to: nil, options: options())
        #expect(days.map(\.date) == ["2024-03-02", "2024-03-03"])
        #expect(days.map(\.rows) == [1, 1])
        #expect(!FileManager.default.fileExists(atPath: root + "/lake/date=2024-03-01"))
        for day in days {
            let bytes = try #require(FileManager.default.contents(atPath: day.path))
            #expect(day.path == root + "/lake/date=\(day.date)/part-00000.parquet")
            #expect(bytes.prefix(4) == Data("PAR1".utf8) && bytes.suffix(4) == Data("PAR1".utf8))
            // The footer length points at a footer inside the file.
            let length = bytes.suffix(8).prefix(4).withUnsafeBytes { $0.loadUnaligned(as: UInt32.self).littleEndian }
            #expect(Int(length) + 12 < bytes.count)
            #expect(Int64(bytes.count) == day.bytes)
        }
        // No temporary files left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/lake/date=2024-03-02") == ["part-00000.parquet"])
    }

    @Test func anExportThatMatchesNoDayIsAnError() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try day("2024-03-01", counters: [1], text: ["a"])
        #expect(throws: ParquetError.noPartitions(dataset: root + "/dataset", range: " between 2024-04-01 and the last day")) {
            try ParquetExport.export(dataset: root + "/dataset", lake: root + "/lake", from: "2024-04-01", to: nil, options: options())
        }
    }

    /// Spark has no unsigned 64-bit integer: a counter above 2^63-1 is refused with its
    /// column named, and the day's file does not appear.
    @Test func countersAboveTheSignedRangeAreRefusedAndNothingIsLeft() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try day("2024-03-01", counters: [1, UInt64(Int64.max) + 1], text: ["a", "b"])
        #expect(throws: ParquetError.valueOutOfRange(column: "bytes", value: "9223372036854775808")) {
            try ParquetExport.export(dataset: root + "/dataset", lake: root + "/lake", from: nil, to: nil, options: options(.none))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/lake/date=2024-03-01") == [])
    }

    /// Same input, same bytes: no clock or host in the file.
    @Test func theSameDatasetGivesTheSameBytes() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try day("2024-03-01", counters: [1, nil, 3, 3, 3, 3, 3, 3, 3, 3, 3], text: ["x", nil, "y", "x", "x", "x", "x", "x", "x", "x", "x"])
        let first = try ParquetExport.export(dataset: root + "/dataset", lake: root + "/lake1", from: nil, to: nil, options: options())
        let second = try ParquetExport.export(dataset: root + "/dataset", lake: root + "/lake2", from: nil, to: nil, options: options())
        let a = try #require(FileManager.default.contents(atPath: first[0].path))
        let b = try #require(FileManager.default.contents(atPath: second[0].path))
        // Only floe:source (the dataset folder) is in the footer; both name the same folder.
        #expect(a == b)
    }
}
