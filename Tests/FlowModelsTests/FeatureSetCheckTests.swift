import Testing
@testable import FlowFeatures
@testable import FlowModels

/// A model file trained on other feature columns than this floe's is refused at scoring.
@Suite struct FeatureSetCheckTests {
    @Test func storedColumnsMustBeThisFloesColumns() throws {
        try FeatureSetKind.host.checkModelFeatures(HostProfiles.definitions, path: "m.json")
        try FeatureSetKind.flow.checkModelFeatures(FlowFeatures.definitions, path: "m.json")
        #expect(throws: FlowModelsError.self) {
            try FeatureSetKind.host.checkModelFeatures(FlowFeatures.definitions, path: "m.json")
        }
        #expect(throws: FlowModelsError.self) {
            try FeatureSetKind.flow.checkModelFeatures(Array(FlowFeatures.definitions.dropLast()), path: "m.json")
        }
        #expect(FeatureSetKind.host.definitions.map(\.name) == HostProfiles.names)
    }
}
