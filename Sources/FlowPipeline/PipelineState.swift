import FlowIO
import Foundation

/// What one input file looked like when a task last succeeded. Size and modification time
/// let the next run reuse the hash without reading the file again.
public struct InputRecord: Codable, Equatable, Sendable {
    /// `xxh64:<16 hex>` in the state file.
    public var hash: Fingerprint
    public var size: Int64
    public var mtimeNs: Int64

    enum CodingKeys: String, CodingKey {
        case hash, size
        case mtimeNs = "mtime_ns"
    }
}

/// The record of a task's last successful run (one entry per stage partition).
public struct StateEntry: Codable, Equatable, Sendable {
    /// The full command line, the executable by name (not by path).
    public var command: [String]
    public var executableVersion: String
    /// Hash of the settings JSON the stage received (`xxh64:<16 hex>`).
    public var settings: Fingerprint
    /// Rendered params, lists joined with ", ", flags as "true".
    public var params: [String: String]
    public var inputs: [String: InputRecord]
    public var outputs: [String]
    public var finishedAt: String
    public var seconds: Double

    enum CodingKeys: String, CodingKey {
        case command, settings, params, inputs, outputs, seconds
        case executableVersion = "executable_version"
        case finishedAt = "finished_at"
    }
}

/// `floe.lock.json`: the state of a pipeline, sorted keys, one entry per task
/// (`stage` or `stage@YYYY-MM-DD`). Written atomically, only after tasks succeeded.
public struct PipelineState: Codable, Equatable, Sendable {
    public var version: Int = 1
    public var pipeline: String
    public var entries: [String: StateEntry] = [:]

    public init(pipeline: String) {
        self.pipeline = pipeline
    }

    public static let fileName = "floe.lock.json"

    /// Reads the state file; a missing file is an empty state.
    public static func load(path: String, pipeline: String) throws -> PipelineState {
        guard let bytes = FileSystem.read(path) else { return PipelineState(pipeline: pipeline) }
        do {
            return try JSONDecoder().decode(PipelineState.self, from: Data(bytes))
        } catch {
            throw PipelineError.io(path: path, reason: "unreadable state file (\(error)); move it away to start afresh (every stage will rerun)")
        }
    }

    public func save(path: String) throws {
        try FileSystem.writeAtomically(path, String(decoding: try StableJSON.encode(self), as: UTF8.self))
    }
}
