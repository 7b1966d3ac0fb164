import Dispatch
import FlowColumnar
import FlowCore
import FlowDataset
import Foundation

/// Computes `TrafficStats` from the dataset's partition files for a period, straight from
/// the Arrow columns (no per-row allocation), record batches spread over `threads` threads.
public struct DatasetScanner: Sendable {
    /// Entries kept in each top table.
    public var topCount = 10
    public var threads = 2

    public init(topCount: Int = 10, threads: Int = 2) {
        self.topCount = topCount
        self.threads = threads
    }

    /// The bucket used for a period of `spanMillis`: 5 min up to 2 days, 1 h up to 62
    /// days, else 1 day (a chart never has more than ~1,500 points).
    public static func bucket(forSpan spanMillis: Int64) -> Int64 {
        if spanMillis <= 2 * CivilTime.millisPerDay { return 300_000 }
        if spanMillis <= 62 * CivilTime.millisPerDay { return 3_600_000 }
        return CivilTime.millisPerDay
    }

    /// Scans the data files of `dataset` for flows starting in `periodStart..<periodEnd`.
    public func scan(dataset: DatasetListing, periodStart: Int64, periodEnd: Int64) throws -> TrafficStats {
        let bucket = Self.bucket(forSpan: periodEnd - periodStart)
        let files = dataset.files
        let readers: [ArrowFileReader] = try files.map { f in
            do { return try ArrowFileReader(path: f.path) } catch {
                throw ReportError.unreadable(path: f.path, reason: "not a readable dataset partition: \(error)")
            }
        }
        var units: [(Int, Int)] = []
        for (i, r) in readers.enumerated() {
            units.append((i, -1))  // fingerprint of the file
            for b in 0..<r.recordBatchCount { units.append((i, b)) }
        }
        for reader in readers { try reader.requireDatasetColumns(ScannedColumns.required) }
        let workers = max(1, min(threads, units.count))
        let results = ResultSlots(count: workers)
        let geometry = Geometry(periodStart: periodStart, periodEnd: periodEnd, bucket: bucket)
        let unitList = units
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var acc = Accumulator(geometry: geometry)
            let addresses = DatasetAddressReader()
            var hashes: [Int: String] = [:]
            do {
                var u = w
                while u < unitList.count {
                    let (fileIndex, batchIndex) = unitList[u]
                    if batchIndex < 0 {
                        hashes[fileIndex] = try dataset.fingerprint(of: files[fileIndex]).description
                    } else {
                        try acc.add(DatasetBatch(try readers[fileIndex].recordBatch(at: batchIndex)), addresses: addresses)
                    }
                    u += workers
                }
                results.store(w, .success((acc, hashes)))
            } catch {
                results.store(w, .failure(error))
            }
        }
        var merged = Accumulator(geometry: geometry)
        var hashes: [Int: String] = [:]
        for w in 0..<workers {
            switch results.take(w) {
            case .success(let (acc, h)):
                merged.merge(acc)
                hashes.merge(h) { a, _ in a }
            case .failure(let error):
                if let e = error as? ReportError { throw e }
                if let e = error as? DatasetError { throw e }
                throw ReportError.unreadable(path: dataset.root, reason: "reading a partition failed: \(error)")
            case nil:
                throw ReportError.unreadable(path: dataset.root, reason: "a scan worker did not finish")
            }
        }
        var partitions: [PartitionRead] = []
        for (i, f) in files.enumerated() {
            var rows: Int64 = 0
            for b in 0..<readers[i].recordBatchCount { rows += Int64((try? readers[i].recordBatch(at: b).rowCount) ?? 0) }
            partitions.append(PartitionRead(date: CivilTime.dateString(day: f.day), path: f.relativePath, rows: rows,
                                            bytes: f.bytes, fingerprint: hashes[i] ?? ""))
        }
        return merged.stats(topCount: topCount, partitions: partitions)
    }
}

/// The columns the scan reads, checked once per file before any batch is read.
enum ScannedColumns {
    static var required: [KeyPath<DatasetColumnNames, String>] {[
        \.start, \.sourceAddress, \.destinationAddress, \.proto, \.servicePort, \.service, \.direction, \.hourOfDay,
        \.dayOfWeek, \.packetsScaled, \.bytesScaled, \.samplingRate,
    ]}
}

struct Geometry: Sendable {
    let periodStart: Int64
    let periodEnd: Int64
    let bucket: Int64
    var buckets: Int { Int((periodEnd - periodStart + bucket - 1) / bucket) }
    var hours: Int { Int((periodEnd - periodStart + 3_599_999) / 3_600_000) }
}

/// Per-worker results, each slot written by one worker under a lock.
final class ResultSlots: @unchecked Sendable {
    private var slots: [Result<(Accumulator, [Int: String]), Error>?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func store(_ i: Int, _ r: Result<(Accumulator, [Int: String]), Error>) {
        lock.lock(); slots[i] = r; lock.unlock()
    }
    func take(_ i: Int) -> Result<(Accumulator, [Int: String]), Error>? {
        lock.lock(); defer { lock.unlock() }
        return slots[i]
    }
}
