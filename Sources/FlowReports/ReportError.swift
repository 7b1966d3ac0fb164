import FlowArtifacts

/// Errors of FlowReports. Messages name the file and what to do.
public enum ReportError: Error, CustomStringConvertible, Equatable {
    /// Bad options or an unusable folder (exit 64).
    case usage(String)
    /// A file that exists could not be read or parsed (exit 1).
    case unreadable(path: String, reason: String)
    /// The report could not be written (exit 1).
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .usage(let m): return m
        case .unreadable(let path, let reason): return "\(path): \(reason)"
        case .writeFailed(let path, let reason): return "cannot write \(path): \(reason)"
        }
    }
}

extension ReportError {
    /// An exchanged file that could not be read, as the report says it.
    init(_ error: ArtifactError) {
        switch error {
        case .unreadable(let path, let reason): self = .unreadable(path: path, reason: reason)
        }
    }
}
