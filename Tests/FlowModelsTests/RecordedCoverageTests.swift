import Foundation
import Testing
import FlowCore
import FlowDataset
import FlowColumnar
import FlowGenerate
@testable import FlowModels
@testable import FlowTimeSeries

/// Coverage recorded by floe-clean (`date=…/coverage.json`) drives the missing buckets;
/// datasets without it fall back to inferring gaps from zero-flow runs.
@Suite("Recorded input coverage")
struct RecordedCoverageTests {
    static let hour: Int64 = 3_600_000

    /// Two days of generated traffic (no anomalies, so no inferred gap) as date=… partitions.
    func writeDataset() throws -> (dir: String, start: Int64, end: Int64) {
        let generator = try FlowGenerator(config: GeneratorConfig(rows: 20_000, days: 2, seed: 4, anomalies: false))
        let batch = generator.makeBatch()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("floe-coverage-\(UUID().uuidString)").path
        var perDay: [Int64: FlowBatch] = [:]
        for i in 0..<batch.count {
            let day = CivilTime.day(ofMillis: batch.start[i])
            perDay[day, default: FlowBatch()].append(batch.record(at: i))
        }
        for (day, part) in perDay {
            let partition = "\(dir)/date=\(CivilTime.dateString(day: day))"
            try FileManager.default.createDirectory(atPath: partition, withIntermediateDirectories: true)
            let writer = try FlowArrowWriter(path: "\(partition)/part-00000.arrow")
            try writer.write(part)
            try writer.finish()
        }
        return (dir, generator.config.startMillis, generator.config.endMillis)
    }

    func writeCoverage(_ dir: String, day: Int64, spans: [(Int64, Int64)]) throws {
        let coverage = PartitionCoverage(spans: spans.enumerated().map {
            PartitionCoverage.Span(input: "raw/file-\($0.offset).arrow", firstStart: $0.element.0, lastStart: $0.element.1, rows: 100)
        })
        let path = "\(dir)/date=\(CivilTime.dateString(day: day))/\(PartitionCoverage.fileName)"
        try JSONEncoder().encode(coverage).write(to: URL(fileURLWithPath: path))
    }

    @Test func anHourWithoutInputFilesIsMissingAndAGap() throws {
        let (dir, start, end) = try writeDataset()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let day0 = CivilTime.day(ofMillis: start)
        // Day 0 fully covered by two files; day 1 by files on either side of 10:00–11:00.
        let d0 = day0 * 86_400_000, d1 = d0 + 86_400_000
        try writeCoverage(dir, day: day0, spans: [(d0, d0 + 12 * Self.hour - 1), (d0 + 12 * Self.hour, d1 - 1)])
        try writeCoverage(dir, day: day0 + 1, spans: [(d1, d1 + 10 * Self.hour - 1), (d1 + 11 * Self.hour, d1 + 24 * Self.hour - 1)])
        let config = SeriesConfig(bucketSeconds: 3600)
        let set = try FlowDatasetSeries.aggregate(dataset: try DatasetListing(root: dir), startMillis: start, endMillis: end, config: config)
        let gapBucket = Int((d1 + 10 * Self.hour - start) / Self.hour)
        #expect(set.count == 48)
        #expect(set.missing.indices.filter { set.missing[$0] } == [gapBucket])
        let bytes = try #require(set["total.bytes"])
        #expect(bytes[gapBucket].isNaN)
        #expect(bytes[gapBucket - 1] > 0 && bytes[gapBucket + 1] > 0)
        // The generator did write flows in that hour: the recorded coverage decides, not the counts.
        let inferred = try FlowDatasetSeries.aggregate(dataset: try DatasetListing(root: dir), startMillis: start, endMillis: end, config: config,
                                                       coverage: SeriesCoverage(inferredGapMinutes: 30))
        #expect(inferred["total.flows"]![gapBucket] > 0)
        let gaps = VolumeDetector.coverageGaps(missing: set.missing, from: 0, startMillis: set.startMillis,
                                               bucketMillis: set.bucketMillis)
        #expect(gaps.count == 1)
        #expect(gaps.first?.kind == "coverage_gap")
        #expect(gaps.first?.start == d1 + 10 * Self.hour && gaps.first?.end == d1 + 11 * Self.hour)
    }

    @Test func withoutRecordedCoverageGapsAreInferred() throws {
        let (dir, start, end) = try writeDataset()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = SeriesConfig(bucketSeconds: 3600)
        let inferredCoverage = SeriesCoverage(inferredGapMinutes: config.coverageGapMinutes)
        let none = try FlowDatasetSeries.aggregate(dataset: try DatasetListing(root: dir), startMillis: start, endMillis: end, config: config)
        let inferred = try FlowDatasetSeries.aggregate(dataset: try DatasetListing(root: dir), startMillis: start, endMillis: end, config: config,
                                                       coverage: inferredCoverage)
        #expect(RecordedCoverage.read(dataset: try DatasetListing(root: dir), days: [CivilTime.day(ofMillis: start)], gapMinutes: 30) == nil)
        #expect(none.missing == inferred.missing)
        #expect(!none.missing.contains(true))
        // Coverage on one day only (an older second partition): still inferred, not half-recorded.
        let day0 = CivilTime.day(ofMillis: start), d0 = day0 * 86_400_000
        try writeCoverage(dir, day: day0, spans: [(d0, d0 + 5 * Self.hour)])
        let partial = try FlowDatasetSeries.aggregate(dataset: try DatasetListing(root: dir), startMillis: start, endMillis: end, config: config)
        #expect(partial.missing == inferred.missing)
    }

    @Test func holesShorterThanTheGapMinutesAreClosed() {
        let minute: Int64 = 60_000
        let ranges: [(start: Int64, end: Int64)] = [(0, 10 * minute), (12 * minute, 30 * minute), (70 * minute, 90 * minute)]
        let coverage = SeriesCoverage(coveredRanges: ranges, gapMinutes: 30)
        // The 2-minute hole stays covered; the 40-minute hole and the tail (90–120) are gaps.
        let holes: [[Int64]] = coverage.holes(from: 0, to: 120 * minute).map { [$0.start, $0.end] }
        let expected: [[Int64]] = [[30 * minute, 70 * minute], [90 * minute, 120 * minute]]
        #expect(holes == expected)
        let mask = coverage.missingMask(startMillis: 0, bucketMillis: 10 * 60_000, flowsPerBucket: [Double](repeating: 1, count: 12))
        #expect(mask == [false, false, false, true, true, true, true, false, false, true, true, true])
        // Inside a recorded span, a long run of zero flows (an exporter outage within one
        // archive file) is still inferred as missing.
        let oneFile = SeriesCoverage(coveredRanges: [(0, 120 * minute)], gapMinutes: 30)
        let flows = [Double](repeating: 3, count: 40) + [Double](repeating: 0, count: 40) + [Double](repeating: 3, count: 40)
        let outage = oneFile.missingMask(startMillis: 0, bucketMillis: minute, flowsPerBucket: flows)
        #expect(outage.indices.filter { outage[$0] } == Array(40..<80))
    }
}
