/// Failures of FlowModels: bad parameters, unusable data, unreadable or incompatible
/// model files. Messages name the file and say what to do.
public enum FlowModelsError: Error, CustomStringConvertible, Equatable {
    case invalidParameter(name: String, value: String, reason: String)
    case notEnoughData(detail: String)
    case dataset(path: String, detail: String)
    case modelFile(path: String, detail: String)
    case incompatibleModel(path: String, found: Int, supported: Int)
    case io(path: String, detail: String)

    public var description: String {
        switch self {
        case let .invalidParameter(name, value, reason):
            return "\(name) = \(value): \(reason)"
        case let .notEnoughData(detail):
            return "not enough data: \(detail)"
        case let .dataset(path, detail):
            return "\(path): \(detail)"
        case let .modelFile(path, detail):
            return "\(path): \(detail); retrain with floe-train"
        case let .incompatibleModel(path, found, supported):
            return found < supported
                ? "\(path): model file version \(found) was written by an older floe; this floe reads version \(supported). Retrain with this floe-train."
                : "\(path): model file version \(found) was written by a newer floe; this floe reads version \(supported). Upgrade floe or retrain with this version."
        case let .io(path, detail):
            return "\(path): \(detail)"
        }
    }
}
