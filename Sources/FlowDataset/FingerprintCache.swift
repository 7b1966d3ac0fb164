import FlowIO
import Foundation

/// Content fingerprints of dataset files, each computed at most once per listing (and the
/// selections made from it), from any thread.
final class FingerprintCache: @unchecked Sendable {
    private let lock = NSLock()
    private var known: [String: Fingerprint] = [:]

    /// The XXH64 of `path`'s bytes (through a read-only mapping), hashed on first use.
    func fingerprint(path: String) throws -> Fingerprint {
        lock.lock()
        let cached = known[path]
        lock.unlock()
        if let cached { return cached }
        let print: Fingerprint
        do {
            let mapped = try MappedFile(path: path)
            print = Fingerprint(xxh64: XXH64.hash(mapped.bytes))
        } catch {
            throw DatasetError.unreadable(path: path, reason: "cannot read the file to fingerprint it: \(error)")
        }
        lock.lock()
        known[path] = print
        lock.unlock()
        return print
    }
}
