/// A file another stage wrote that cannot be read: the path and what is wrong with it.
/// Readers of the exchanged files throw it; a stage maps it onto its own error type.
public enum ArtifactError: Error, CustomStringConvertible, Equatable, Sendable {
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "\(path): \(reason)"
        }
    }
}
