import FlowCore
import FlowDataset
import FlowFeatures
import FlowIO
import Foundation

/// `MODELS_DIR/models.json`: what was trained, on which data, with which settings, and
/// which file holds each model kind.
public struct ModelsIndex: Codable, Sendable {
    public struct Entry: Codable, Sendable, Equatable {
        public var kind: String
        public var file: String
        public init(kind: String, file: String) {
            self.kind = kind
            self.file = file
        }
    }

    public struct Training: Codable, Sendable {
        public var input: String
        public var from: String
        public var to: String
        public var rows: Int
        public var files: [DatasetFile]
    }

    public var format = "floe-models"
    public var version = ModelFile.version
    public var floeVersion: String
    public var seed: UInt64
    /// The models section used, as JSON text (scoring decodes it again).
    public var config: String
    public var training: Training
    public var models: [Entry]
    /// How the memory budget shaped training; present only when it did (the days were
    /// read one at a time), so models trained within the budget are unchanged.
    public var memory: Memory?

    /// `memory` in models.json.
    public struct Memory: Codable, Sendable, Equatable {
        /// The clustering kinds' training matrix when it was sampled: `rows` kept of `of`.
        public struct Sample: Codable, Sendable, Equatable {
            public var featureSet: String
            public var rows: Int
            public var of: Int
            public var method = "per-day stratified (TrainingMatrixSample), seeded by the models' seed and the day"
            enum CodingKeys: String, CodingKey {
                case rows, of, method
                case featureSet = "feature_set"
            }
        }
        public var budgetMB: Int
        /// The kinds read the dataset a day at a time.
        public var streamed: Bool
        /// nil: nothing was sampled.
        public var sample: Sample?
        enum CodingKeys: String, CodingKey {
            case streamed, sample
            case budgetMB = "budget_mb"
        }
    }

    enum CodingKeys: String, CodingKey {
        case format, version, seed, config, training, models, memory
        case floeVersion = "floe_version"
    }

    public static let fileName = "models.json"

    public static func read(folder: String) throws -> ModelsIndex {
        let path = folder + "/" + fileName
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FlowModelsError.io(path: path, detail: "no models index; give the --output folder of floe-train as --models")
        }
        struct Head: Decodable { var format: String; var version: Int }
        guard let head = try? JSONDecoder().decode(Head.self, from: data), head.format == "floe-models" else {
            throw FlowModelsError.modelFile(path: path, detail: "not a floe models index")
        }
        guard head.version == ModelFile.version else {
            throw FlowModelsError.incompatibleModel(path: path, found: head.version, supported: ModelFile.version)
        }
        do {
            return try JSONDecoder().decode(ModelsIndex.self, from: data)
        } catch {
            throw FlowModelsError.modelFile(path: path, detail: "unreadable models index: \(error)")
        }
    }
}
