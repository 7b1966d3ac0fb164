import Foundation

/// What floe-clean reads of an ingest folder's `manifest.json`: the Arrow files each input
/// produced (`inputs[].outputs`, names relative to the folder). Every other key is left to
/// floe-ingest's own `IngestManifest`; this reader only needs the list, and tolerates
/// fields it does not know.
enum IngestOutputListing {
    static let manifestName = "manifest.json"

    private struct Manifest: Decodable {
        struct Input: Decodable { let outputs: [String] }
        let inputs: [Input]
    }

    /// The listed outputs of the ingest manifest in `folder`, in order, each once (a file
    /// shared by several tiny inputs is listed by each of them); nil when the folder has no
    /// manifest. A manifest that cannot be read, or that names a file outside the
    /// folder, is an error (the folder's content cannot be trusted).
    static func read(folder: String) throws -> [String]? {
        let path = folder + "/" + manifestName
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let manifest: Manifest
        do {
            manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw CleanError.unreadableInput(path: path, reason: "not an ingest manifest (\(error)); re-run floe-ingest into \(folder)")
        }
        var seen = Set<String>()
        let names = manifest.inputs.flatMap(\.outputs).filter { seen.insert($0).inserted }
        if let bad = names.first(where: { $0.isEmpty || $0.contains("/") || $0 == "." || $0 == ".." }) {
            throw CleanError.unreadableInput(path: path, reason: "lists '\(bad)', which is not a file name in \(folder)")
        }
        return names
    }
}
