/// Errors of the generator. Messages name the parameter or file and say what to do.
public enum GenerateError: Error, CustomStringConvertible, Equatable {
    /// A parameter is out of range or malformed.
    case invalidParameter(name: String, value: String, reason: String)
    /// Writing the output or the labels file failed.
    case outputFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidParameter(let name, let value, let reason):
            return "\(name) \(value): \(reason)."
        case .outputFailed(let path, let reason):
            return "\(path): cannot write: \(reason). Check that the folder exists, is writable and has free space."
        }
    }
}
