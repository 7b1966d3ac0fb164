import FlowCore
import FlowIO

/// Per input file, the first and last flow start of its rows in one day partition: the
/// partition's `coverage.json` (`PartitionCoverage`), which tells the time-series models
/// which time had input at all.
struct CoverageSpans {
    private var first: [Int64]
    private var last: [Int64]
    private var rows: [Int64]

    init(inputs: Int) {
        first = [Int64](repeating: .max, count: inputs)
        last = [Int64](repeating: .min, count: inputs)
        rows = [Int64](repeating: 0, count: inputs)
    }

    /// Counts one merged row (duplicates included: they are input too).
    @inline(__always)
    mutating func add(_ row: CleanRow) {
        let k = Int(row.input)
        guard k < rows.count else { return }
        if row.start < first[k] { first[k] = row.start }
        if row.start > last[k] { last[k] = row.start }
        rows[k] += 1
    }

    /// The spans of the inputs that had rows, in input order.
    func coverage(inputs: [String]) -> PartitionCoverage {
        var spans: [PartitionCoverage.Span] = []
        for k in rows.indices where rows[k] > 0 {
            spans.append(.init(input: inputs[k], firstStart: first[k], lastStart: last[k], rows: rows[k]))
        }
        return PartitionCoverage(spans: spans)
    }

    /// Writes `coverage.json` into the (staged) partition folder `day`.
    func write(day folder: String, inputs: [String]) throws {
        let path = folder + "/" + PartitionCoverage.fileName
        do {
            try writeAtomically(path: path, bytes: try StableJSON.encode(coverage(inputs: inputs)))
        } catch {
            throw CleanError.writeFailed(path: path, reason: "\(error)")
        }
    }
}
