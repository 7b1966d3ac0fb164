import FlowIO

/// A data file of the dataset as a stage records what it read (`models.json`'s training
/// files, the score manifest's input files): path, UTC day, size and content fingerprint.
public struct DatasetFile: Sendable, Codable, Equatable {
    public var path: String
    /// UTC day number of the partition.
    public var day: Int64
    public var bytes: Int64
    /// XXH64 of the file's bytes.
    public var fingerprint: Fingerprint

    public init(path: String, day: Int64, bytes: Int64, fingerprint: Fingerprint) {
        self.path = path
        self.day = day
        self.bytes = bytes
        self.fingerprint = fingerprint
    }
}
