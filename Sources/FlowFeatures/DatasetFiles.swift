import FlowCore
import FlowIO
import Foundation

/// The Arrow files of a flow dataset (`DIR/date=YYYY-MM-DD/*.arrow`, Hive partitions of
/// UTC days) within an optional day range, sorted by day then name, with fingerprints.
public struct DatasetFiles: Sendable {
    public struct File: Sendable, Codable, Equatable {
        public var path: String
        /// UTC day number of the partition.
        public var day: Int64
        public var bytes: Int64
        public var fingerprint: Fingerprint
    }

    public let root: String
    public let files: [File]

    /// Days present, ascending.
    public var days: [Int64] { Array(Set(files.map(\.day))).sorted() }

    /// Lists `root`'s partitions between `from` and `to` (inclusive day numbers). With
    /// `fingerprints`, each file's bytes are hashed (XXH64) for the model file.
    public init(root: String, from: Int64? = nil, to: Int64? = nil, fingerprints: Bool = false) throws {
        self.root = root
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw FlowModelsError.dataset(path: root, detail: "no such dataset folder; give the output folder of floe-clean")
        }
        let entries = (try? fm.contentsOfDirectory(atPath: root)) ?? []
        var files: [File] = []
        for entry in entries.sorted() where entry.hasPrefix("date=") {
            guard let day = CivilTime.parseDate(String(entry.dropFirst(5))) else { continue }
            if let from, day < from { continue }
            if let to, day > to { continue }
            let folder = root + "/" + entry
            let names = ((try? fm.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".arrow") }.sorted()
            for name in names {
                let path = folder + "/" + name
                let attributes = try? fm.attributesOfItem(atPath: path)
                let size = (attributes?[.size] as? NSNumber)?.int64Value ?? 0
                let print = fingerprints ? try DatasetFiles.fingerprint(path: path) : Fingerprint(xxh64: 0)
                files.append(File(path: path, day: day, bytes: size, fingerprint: print))
            }
        }
        guard !files.isEmpty else {
            throw FlowModelsError.dataset(path: root, detail: "no date=YYYY-MM-DD/*.arrow files in the selected days")
        }
        self.files = files
    }

    /// XXH64 of a file's bytes (through a read-only mapping).
    public static func fingerprint(path: String) throws -> Fingerprint {
        let mapped = try MappedFile(path: path)
        return Fingerprint(xxh64: XXH64.hash(mapped.bytes))
    }
}
