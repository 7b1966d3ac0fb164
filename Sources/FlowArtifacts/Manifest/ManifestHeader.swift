/// The keys every stage manifest (`manifest.json` of floe-ingest's raw folder and of
/// floe-clean's dataset) begins with: which tool wrote it, its version, the schema version
/// of the data beside it, and the quarantine file (relative to the folder). A manifest
/// encodes its header into its own JSON object (`header.encode(to: encoder)`) and decodes
/// it the same way, so a reader can tell any manifest's producer without knowing the rest.
public struct ManifestHeader: Codable, Equatable, Sendable {
    /// The manifest's file name in a stage's output folder.
    public static let fileName = "manifest.json"
    /// The quarantine's file name in a stage's output folder.
    public static let quarantineFileName = "quarantine.jsonl"

    /// `floe-ingest`, `floe-clean`.
    public var tool: String
    public var version: String
    /// The version of the written data's schema (the flow schema for ingest, the dataset
    /// layout for clean).
    public var schemaVersion: Int
    /// The quarantine file, relative to the output folder.
    public var quarantine: String

    public init(tool: String, version: String, schemaVersion: Int, quarantine: String = ManifestHeader.quarantineFileName) {
        self.tool = tool
        self.version = version
        self.schemaVersion = schemaVersion
        self.quarantine = quarantine
    }

    enum CodingKeys: String, CodingKey { case tool, version, schemaVersion = "schema_version", quarantine }
}
