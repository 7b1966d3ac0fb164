import FlowCore
import FlowIO
import Foundation

/// The day partitions and data files of a flow dataset (`DatasetLayout`), listed once:
/// partitions in day order, each with its data files in name order. Selections of days
/// (`selecting(_:)`) share the listing's fingerprint cache, so a file read by several
/// steps of a stage is hashed once.
public struct DatasetListing: Sendable {
    /// One data file of the listing.
    public struct Entry: Sendable, Equatable {
        /// Full path (`root/date=YYYY-MM-DD/part-00000.arrow`).
        public var path: String
        /// Path relative to the dataset folder (`date=YYYY-MM-DD/part-00000.arrow`).
        public var relativePath: String
        /// UTC day number of the partition.
        public var day: Int64
        /// Size in bytes when listed.
        public var bytes: Int64
    }

    /// One `date=YYYY-MM-DD` folder.
    public struct Partition: Sendable, Equatable {
        public var day: Int64
        /// Full path of the partition folder.
        public var folder: String
        public var files: [Entry]
    }

    /// The dataset folder.
    public let root: String
    /// The selected partitions, ascending by day (including partitions without data files).
    public let partitions: [Partition]
    private let cache: FingerprintCache

    /// Every selected data file, by day then name.
    public var files: [Entry] { partitions.flatMap(\.files) }

    /// Days with at least one data file, ascending.
    public var days: [Int64] { partitions.filter { !$0.files.isEmpty }.map(\.day) }

    /// Lists the partitions of `root` that `selection` selects. Throws `DatasetError.noFolder`
    /// when `root` is not a folder; an empty selection is not an error (see `requireFiles()`).
    public init(root: String, selection: DaySelection = .all) throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue,
              let entries = try? fm.contentsOfDirectory(atPath: root) else {
            throw DatasetError.noFolder(path: root)
        }
        var partitions: [Partition] = []
        for name in entries.sorted() {
            guard let day = DatasetLayout.day(ofPartitionFolder: name), selection.contains(day) else { continue }
            let folder = root + "/" + name
            let files = ((try? fm.contentsOfDirectory(atPath: folder)) ?? []).filter(DatasetLayout.isDataFile).sorted()
            partitions.append(Partition(day: day, folder: folder, files: files.map { file in
                let path = folder + "/" + file
                let size = ((try? fm.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
                return Entry(path: path, relativePath: name + "/" + file, day: day, bytes: size)
            }))
        }
        self.init(root: root, partitions: partitions, cache: FingerprintCache())
    }

    private init(root: String, partitions: [Partition], cache: FingerprintCache) {
        self.root = root
        self.partitions = partitions
        self.cache = cache
    }

    /// The partitions of this listing that `selection` selects (no new listing of the folder;
    /// fingerprints already computed are kept).
    public func selecting(_ selection: DaySelection) -> DatasetListing {
        DatasetListing(root: root, partitions: partitions.filter { selection.contains($0.day) }, cache: cache)
    }

    /// This listing, or `DatasetError.noFiles` when it holds no data file.
    @discardableResult
    public func requireFiles() throws -> DatasetListing {
        guard partitions.contains(where: { !$0.files.isEmpty }) else { throw DatasetError.noFiles(path: root) }
        return self
    }

    /// XXH64 of a file's bytes, hashed once per listing whatever the thread.
    public func fingerprint(of entry: Entry) throws -> Fingerprint {
        try cache.fingerprint(path: entry.path)
    }

    /// The files as stages record them, with their fingerprints.
    public func recordedFiles() throws -> [DatasetFile] {
        try files.map { DatasetFile(path: $0.path, day: $0.day, bytes: $0.bytes, fingerprint: try fingerprint(of: $0)) }
    }

    /// The coverage floe-clean recorded for each of `days`, nil when any of them has no
    /// readable `coverage.json` (a dataset written before coverage was recorded).
    public func recordedCoverage(days: [Int64]) -> [PartitionCoverage]? {
        var out: [PartitionCoverage] = []
        for day in days {
            guard let file = PartitionCoverage.read(partitionFolder: root + "/" + DatasetLayout.partitionFolder(day: day))
            else { return nil }
            out.append(file)
        }
        return out
    }
}
