/// Errors of byte sources and writers. Messages name the file and the byte offset where
/// that helps, and say what to do.
public enum FlowIOError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(path: String, reason: String)
    case readFailed(path: String, reason: String)
    case writeFailed(path: String, reason: String)
    case compression(String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            return "\(path): cannot open: \(reason). Check the path and its permissions."
        case .readFailed(let path, let reason):
            return "\(path): read failed: \(reason)."
        case .writeFailed(let path, let reason):
            return "\(path): write failed: \(reason). Check free space and permissions of the output folder."
        case .compression(let reason):
            return "gzip compression failed: \(reason)."
        }
    }
}
