import Foundation

/// A trained network as a versioned, self-describing JSON document: the architecture, the
/// seed, the feature scaling, the training window and settings, and every parameter as
/// little-endian Float32 in base64. The same inputs give the same bytes (sorted keys, no
/// clock times, no machine names).
///
/// Layout: `{"format": "floe-neural-model", "version": 1, "architecture": [LayerSpec],
/// "seed", "inputs": [feature names], "scaling": [{name, center, scale}], "training":
/// {start_ms, end_ms}, "options": TrainingOptions, "history": TrainingHistory,
/// "metadata": {…}, "parameters": [{name, shape, float32le}]}`.
public struct NeuralModelFile: Codable, Equatable, Sendable {
    public static let format = "floe-neural-model"
    public static let version = 1

    /// x ↦ (x − center) / scale, per named feature.
    public struct Scaling: Codable, Equatable, Sendable {
        public var name: String
        public var center: Double
        public var scale: Double
        public init(name: String, center: Double, scale: Double) {
            self.name = name
            self.center = center
            self.scale = scale
        }
        public func apply(_ x: Double) -> Double { (x - center) / scale }
        public func invert(_ z: Double) -> Double { z * scale + center }
    }

    /// [start, end) of the training data, UTC ms.
    public struct Window: Codable, Equatable, Sendable {
        public var startMillis: Int64
        public var endMillis: Int64
        public init(startMillis: Int64, endMillis: Int64) {
            self.startMillis = startMillis
            self.endMillis = endMillis
        }
        enum CodingKeys: String, CodingKey {
            case startMillis = "start_ms"
            case endMillis = "end_ms"
        }
    }

    public struct StoredParameter: Codable, Equatable, Sendable {
        public var name: String
        public var shape: [Int]
        /// Little-endian IEEE-754 Float32 values, base64.
        public var float32le: String
    }

    public var format: String
    public var version: Int
    public var architecture: [LayerSpec]
    public var seed: UInt64
    public var inputs: [String]
    public var scaling: [Scaling]
    public var training: Window?
    public var options: TrainingOptions?
    public var history: TrainingHistory?
    public var metadata: [String: String]
    public var parameters: [StoredParameter]

    /// The file of `network` with its description.
    public init(network: Network, inputs: [String] = [], scaling: [Scaling] = [], training: Window? = nil,
                options: TrainingOptions? = nil, history: TrainingHistory? = nil, metadata: [String: String] = [:]) {
        format = Self.format
        version = Self.version
        architecture = network.specs
        seed = network.seed
        self.inputs = inputs
        self.scaling = scaling
        self.training = training
        self.options = options
        self.history = history
        self.metadata = metadata
        parameters = network.parameters.map { p in
            var bytes = Data(capacity: p.value.count * 4)
            for i in 0..<p.value.count {
                withUnsafeBytes(of: p.value.data[i].bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
            }
            return StoredParameter(name: p.name, shape: p.value.shape, float32le: bytes.base64EncodedString())
        }
    }

    /// Rebuilds the network; `path` names the file in errors.
    public func network(path: String = "model") throws -> Network {
        guard format == Self.format else { throw NeuralError.invalidModelFile(path: path, reason: "format is \"\(format)\", expected \"\(Self.format)\"") }
        guard version == Self.version else { throw NeuralError.unsupportedVersion(path: path, found: version, supported: Self.version) }
        do { try Network.validate(architecture) } catch { throw NeuralError.invalidModelFile(path: path, reason: "\(error)") }
        var values: [[Tensor]] = []
        var next = 0
        for (i, spec) in architecture.enumerated() {
            var layer: [Tensor] = []
            for shape in Network.parameterShapes(spec) {
                guard next < parameters.count else {
                    throw NeuralError.invalidModelFile(path: path, reason: "layer \(i) (\(spec.label)) has no stored parameters; the file is cut short")
                }
                let p = parameters[next]
                next += 1
                guard p.shape == shape else {
                    throw NeuralError.invalidModelFile(path: path, reason: "parameter \(p.name) has shape \(p.shape), layer \(i) (\(spec.label)) needs \(shape)")
                }
                guard let bytes = Data(base64Encoded: p.float32le), bytes.count == shape.reduce(1, *) * 4 else {
                    throw NeuralError.invalidModelFile(path: path, reason: "parameter \(p.name): the float32le data is not base64 of \(shape.reduce(1, *)) values")
                }
                let t = Tensor(zeros: shape)
                bytes.withUnsafeBytes { raw in
                    for k in 0..<t.count {
                        t.data[k] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * k, as: UInt32.self)))
                    }
                }
                guard (0..<t.count).allSatisfy({ t.data[$0].isFinite }) else {
                    throw NeuralError.invalidModelFile(path: path, reason: "parameter \(p.name) holds a non-finite value")
                }
                layer.append(t)
            }
            values.append(layer)
        }
        guard next == parameters.count else {
            throw NeuralError.invalidModelFile(path: path, reason: "\(parameters.count - next) parameters more than the architecture has")
        }
        return Network(specs: architecture, values: values, seed: seed)
    }

    /// Deterministic JSON (sorted keys).
    public func jsonBytes() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try e.encode(self)
    }

    /// Reads and checks format and version; errors name the file.
    public static func decode(_ data: Data, path: String) throws -> NeuralModelFile {
        if let head = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            if let f = head["format"] as? String, f != format {
                throw NeuralError.invalidModelFile(path: path, reason: "format is \"\(f)\", expected \"\(format)\"")
            }
            if let v = head["version"] as? Int, v != version {
                throw NeuralError.unsupportedVersion(path: path, found: v, supported: version)
            }
        }
        do {
            return try JSONDecoder().decode(NeuralModelFile.self, from: data)
        } catch {
            throw NeuralError.invalidModelFile(path: path, reason: "\(error)")
        }
    }
}
