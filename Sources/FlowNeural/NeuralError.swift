/// Errors of FlowNeural, each saying what is wrong and what to do.
public enum NeuralError: Error, CustomStringConvertible, Equatable {
    case invalidArchitecture(String)
    case invalidData(String)
    case invalidModelFile(path: String, reason: String)
    case unsupportedVersion(path: String, found: Int, supported: Int)

    public var description: String {
        switch self {
        case let .invalidArchitecture(why): return "invalid network: \(why)"
        case let .invalidData(why): return "invalid training data: \(why)"
        case let .invalidModelFile(path, why): return "\(path): not a floe neural model file: \(why)"
        case let .unsupportedVersion(path, found, supported):
            return "\(path): neural model file version \(found) is not supported (this floe reads version \(supported)); retrain with floe-train"
        }
    }
}
