import FlowDataset
import FlowFeatures
import FlowIO
import Foundation

/// The head every model file starts with; read first, so a file from another floe
/// version is refused before its body is interpreted.
public struct ModelFileHeader: Codable, Sendable, Equatable {
    public var format: String
    public var version: Int
    public var kind: String
}

/// A big array stored beside a model file as raw little-endian float64 values
/// (`NAME.f64`), row-major, with its shape and XXH64 fingerprint in the JSON.
public struct SidecarReference: Codable, Sendable, Equatable {
    public var file: String
    public var rows: Int
    public var columns: Int
    public var fingerprint: Fingerprint
}

/// Reading and writing model files: versioned JSON (`format: floe-model`, `version`,
/// `kind`, then the kind's fields), pretty-printed with sorted keys, written atomically,
/// plus optional float64 sidecars.
public enum ModelFile {
    public static let format = "floe-model"
    /// Version of every model file this floe writes and the only one it reads.
    public static let version = 1

    public static func write<T: Encodable>(_ value: T, to path: String) throws {
        try writeAtomically(path: path, bytes: try StableJSON.encode(value, nonFiniteAsText: true))
    }

    /// Reads a model file of `kind`, refusing other formats, kinds and versions.
    public static func read<T: Decodable>(_ type: T.Type, path: String, kind: String) throws -> T {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FlowModelsError.modelFile(path: path, detail: "cannot read the model file")
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let header: ModelFileHeader
        do {
            header = try decoder.decode(ModelFileHeader.self, from: data)
        } catch {
            throw FlowModelsError.modelFile(path: path, detail: "not a floe model file (no format/version/kind)")
        }
        guard header.format == format else {
            throw FlowModelsError.modelFile(path: path, detail: "format is '\(header.format)', not '\(format)'")
        }
        guard header.version == version else {
            throw FlowModelsError.incompatibleModel(path: path, found: header.version, supported: version)
        }
        guard header.kind == kind else {
            throw FlowModelsError.modelFile(path: path, detail: "holds a '\(header.kind)' model where a '\(kind)' model was expected")
        }
        do {
            return try decoder.decode(T.self, from: data)
        } catch {
            throw FlowModelsError.modelFile(path: path, detail: "unreadable \(kind) model: \(error)")
        }
    }

    /// Writes `values` (rows × columns) as `folder/name` and returns its reference.
    public static func writeSidecar(_ values: [Double], rows: Int, columns: Int, folder: String, name: String) throws -> SidecarReference {
        let bytes = values.withUnsafeBytes { [UInt8]($0) }
        try writeAtomically(path: folder + "/" + name, bytes: bytes)
        return SidecarReference(file: name, rows: rows, columns: columns, fingerprint: Fingerprint(xxh64: XXH64.hash(bytes)))
    }

    /// Reads a sidecar and checks its size and fingerprint.
    public static func readSidecar(_ ref: SidecarReference, folder: String) throws -> [Double] {
        let path = folder + "/" + ref.file
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FlowModelsError.modelFile(path: path, detail: "missing sidecar file")
        }
        let bytes = [UInt8](data)
        guard bytes.count == ref.rows * ref.columns * 8 else {
            throw FlowModelsError.modelFile(path: path, detail: "has \(bytes.count) bytes, expected \(ref.rows * ref.columns * 8)")
        }
        guard XXH64.hash(bytes) == ref.fingerprint.xxh64 else {
            throw FlowModelsError.modelFile(path: path, detail: "fingerprint does not match the model file (changed or damaged)")
        }
        var out = [Double](repeating: 0, count: ref.rows * ref.columns)
        out.withUnsafeMutableBytes { dst in bytes.withUnsafeBytes { dst.copyMemory(from: $0) } }
        return out
    }
}

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

    enum CodingKeys: String, CodingKey {
        case format, version, seed, config, training, models
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
