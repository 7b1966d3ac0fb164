import Dispatch
import FlowColumnar
import FlowCore
import FlowIO
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

    /// Partition files of `datasetDir` for days `firstDay...lastDay`, as
    /// (date, relative path), sorted.
    public static func partitionFiles(datasetDir: String, days: ClosedRange<Int64>?) throws -> [(date: String, path: String)] {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: datasetDir, isDirectory: &isDir), isDir.boolValue else {
            throw ReportError.unreadable(path: datasetDir, reason: "no such dataset folder (give the folder floe-clean wrote with --dataset)")
        }
        let entries = ((try? fm.contentsOfDirectory(atPath: datasetDir)) ?? []).sorted()
        var out: [(String, String)] = []
        for entry in entries where entry.hasPrefix("date=") {
            let date = String(entry.dropFirst(5))
            guard let day = CivilTime.parseDate(date) else { continue }
            if let days, !days.contains(day) { continue }
            let files = ((try? fm.contentsOfDirectory(atPath: datasetDir + "/" + entry)) ?? [])
                .filter { $0.hasSuffix(".arrow") && !$0.hasPrefix(".") }.sorted()
            for f in files { out.append((date, entry + "/" + f)) }
        }
        return out
    }

    /// Scans `files` (relative to `datasetDir`) for flows starting in `periodStart..<periodEnd`.
    public func scan(datasetDir: String, files: [(date: String, path: String)], periodStart: Int64, periodEnd: Int64) throws -> TrafficStats {
        let bucket = Self.bucket(forSpan: periodEnd - periodStart)
        let readers: [ArrowFileReader] = try files.map { f in
            do { return try ArrowFileReader(path: datasetDir + "/" + f.path) } catch {
                throw ReportError.unreadable(path: datasetDir + "/" + f.path, reason: "not a readable dataset partition: \(error)")
            }
        }
        var units: [(Int, Int)] = []
        for (i, r) in readers.enumerated() {
            units.append((i, -1))  // fingerprint of the file
            for b in 0..<r.recordBatchCount { units.append((i, b)) }
        }
        let layout = try readers.map { try ColumnLayout(reader: $0) }
        let workers = max(1, min(threads, units.count))
        let results = ResultSlots(count: workers)
        let geometry = Geometry(periodStart: periodStart, periodEnd: periodEnd, bucket: bucket)
        let unitList = units
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var acc = Accumulator(geometry: geometry)
            var hashes: [Int: String] = [:]
            do {
                var u = w
                while u < unitList.count {
                    let (fileIndex, batchIndex) = unitList[u]
                    if batchIndex < 0 {
                        let mapped = try MappedFile(path: readers[fileIndex].path)
                        hashes[fileIndex] = Fingerprint(xxh64: XXH64.hash(mapped.bytes)).description
                    } else {
                        try acc.add(try readers[fileIndex].recordBatch(at: batchIndex), layout[fileIndex])
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
                throw ReportError.unreadable(path: datasetDir, reason: "reading a partition failed: \(error)")
            case nil:
                throw ReportError.unreadable(path: datasetDir, reason: "a scan worker did not finish")
            }
        }
        var partitions: [PartitionRead] = []
        for (i, f) in files.enumerated() {
            var rows: Int64 = 0
            for b in 0..<readers[i].recordBatchCount { rows += Int64((try? readers[i].recordBatch(at: b).rowCount) ?? 0) }
            let size = (try? FileManager.default.attributesOfItem(atPath: readers[i].path)[.size] as? NSNumber)??.int64Value ?? 0
            partitions.append(PartitionRead(date: f.date, path: f.path, rows: rows, bytes: size, fingerprint: hashes[i] ?? ""))
        }
        return merged.stats(topCount: topCount, partitions: partitions)
    }
}

/// Positions of the columns the scan reads, checked once per file.
struct ColumnLayout: Sendable {
    let start, src, dst, proto, servicePort, service, direction, hour, weekday, packets, bytes, sampling: Int

    init(reader: ArrowFileReader) throws {
        func col(_ name: String) throws -> Int {
            guard let i = reader.columnIndex(named: name) else {
                throw ReportError.unreadable(path: reader.path, reason: "no column '\(name)': not a floe dataset partition (run floe-clean)")
            }
            return i
        }
        start = try col("start"); src = try col("src_addr"); dst = try col("dst_addr"); proto = try col("protocol")
        servicePort = try col("service_port"); service = try col("service"); direction = try col("direction")
        hour = try col("hour_of_day"); weekday = try col("day_of_week")
        packets = try col("packets_scaled"); bytes = try col("bytes_scaled"); sampling = try col("sampling_rate")
    }
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
