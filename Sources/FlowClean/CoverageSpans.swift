import FlowCore
import FlowDataset
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
        add(input: row.input, start: row.start)
    }

    /// `add(_:)` for a row lent by pointer.
    @inline(__always)
    mutating func add(_ row: UnsafePointer<CleanRow>) {
        add(input: row.pointee.input, start: row.pointee.start)
    }

    @inline(__always)
    private mutating func add<I: BinaryInteger>(input: I, start: Int64) {
        let k = Int(input)
        guard k < rows.count else { return }
        if start < first[k] { first[k] = start }
        if start > last[k] { last[k] = start }
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
        let path = PartitionCoverage.path(inPartitionFolder: folder)
        do {
            try writeAtomically(path: path, bytes: try StableJSON.encode(coverage(inputs: inputs)))
        } catch {
            throw CleanError.writeFailed(path: path, reason: "\(error)")
        }
    }
}
