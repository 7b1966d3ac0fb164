import Foundation

/// `date=YYYY-MM-DD/coverage.json` in the flow dataset, written by floe-clean with each
/// day partition: for every input file with rows in the partition, the first and last
/// flow start (UTC ms, inclusive) of those rows. The union of the spans is the time the
/// inputs covered; time between spans had no input at all (a file missing from the
/// archive, an exporter down), which the time-series models mark as missing, not zero.
public struct PartitionCoverage: Codable, Equatable, Sendable {
    /// The rows one input file contributed to the partition.
    public struct Span: Codable, Equatable, Sendable {
        /// The input file (as floe-clean was given it).
        public var input: String
        /// Earliest and latest flow start of the input's rows in this partition.
        public var firstStart: Int64
        public var lastStart: Int64
        /// Rows of the input in this partition (before duplicates were dropped).
        public var rows: Int64

        public init(input: String, firstStart: Int64, lastStart: Int64, rows: Int64) {
            self.input = input
            self.firstStart = firstStart
            self.lastStart = lastStart
            self.rows = rows
        }

        enum CodingKeys: String, CodingKey {
            case input, rows, firstStart = "first_start", lastStart = "last_start"
        }
    }

    public var spans: [Span]

    public init(spans: [Span]) { self.spans = spans }

    /// File name inside a partition folder.
    public static let fileName = "coverage.json"

    /// Path of the coverage file of the partition folder `folder`.
    public static func path(inPartitionFolder folder: String) -> String { folder + "/" + fileName }

    /// The coverage recorded in the partition folder `folder`, nil when it has none or it
    /// cannot be read.
    public static func read(partitionFolder folder: String) -> PartitionCoverage? {
        guard let data = FileManager.default.contents(atPath: path(inPartitionFolder: folder)) else { return nil }
        return try? JSONDecoder().decode(PartitionCoverage.self, from: data)
    }
}
