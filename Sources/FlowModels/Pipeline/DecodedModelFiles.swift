import FlowFeatures

/// The model files one `floe-score` run decodes, shared by the days it scores: a kind's
/// file (and the host history) is decoded on the first day and reused on the others,
/// since what it holds does not change between days. A file that fails to decode is not
/// kept, so every day reports the same error.
public final class DecodedModelFiles {
    private var decoded: [String: Any] = [:]

    public init() {}

    /// What `decode` gives for `path`, decoded on first use.
    public func value<T>(at path: String, decode: () throws -> T) rethrows -> T {
        if let kept = decoded[path] as? T { return kept }
        let value = try decode()
        decoded[path] = value
        return value
    }

    /// The model file of kind `kind` at `path` (`ModelFile.read`), decoded on first use.
    func modelFile<T: Decodable>(_ type: T.Type, path: String, kind: String) throws -> T {
        try value(at: path) { try ModelFile.read(type, path: path, kind: kind) }
    }
}
