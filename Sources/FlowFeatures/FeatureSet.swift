/// The two feature sets of the pipeline file's `features:` entry.
public enum FeatureSetKind: String, Sendable, Codable, CaseIterable {
    /// One row per flow: `FlowFeatures.names`.
    case flow
    /// One row per host and window: `HostProfiles.names`.
    case host

    /// The set's feature columns, in order.
    public var definitions: [FeatureDefinition] { self == .host ? HostProfiles.definitions : FlowFeatures.definitions }

    /// Throws unless a model file's stored feature columns are this floe's columns of the set
    /// (`path` names the model file in the error).
    public func checkModelFeatures(_ stored: [FeatureDefinition], path: String) throws {
        guard stored.map(\.name) == definitions.map(\.name) else {
            throw FlowModelsError.modelFile(path: path, detail: "its feature definitions differ from this floe's \(rawValue) features")
        }
    }
}

/// A feature column: name, whether it is log1p-transformed before scaling, and what it
/// means (stored in model files so a model says what it was trained on).
public struct FeatureDefinition: Sendable, Codable, Equatable {
    public var name: String
    public var log1p: Bool
    public var doc: String

    public init(_ name: String, log1p: Bool, _ doc: String) {
        self.name = name
        self.log1p = log1p
        self.doc = doc
    }
}
