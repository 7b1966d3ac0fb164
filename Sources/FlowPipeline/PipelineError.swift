import FlowConfig

/// Errors of the pipeline runner. Every message names the file or the stage and says what
/// to do.
public enum PipelineError: Error, CustomStringConvertible, Equatable {
    /// The pipeline file is invalid; every problem found, sorted by place (each printed as
    /// `FILE:LINE:COLUMN: message`).
    case invalidFile([ConfigDiagnostic])
    /// The command line asks for something impossible (e.g. a partitioned stage without dates).
    case usage(String)
    /// Another run holds the state folder's lock.
    case locked(lockFile: String, holder: String)
    /// A file of the runner itself (state, lock, logs) could not be read or written.
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidFile(let diagnostics):
            return diagnostics.map(\.description).joined(separator: "\n")
        case .usage(let message):
            return message
        case .locked(let lockFile, let holder):
            return "another floe run holds \(lockFile) (\(holder)); it exits when done. "
                + "Retry later, or pass --wait to wait for it."
        case .io(let path, let reason):
            return "\(path): \(reason). Check the path, free space and permissions."
        }
    }
}

/// Exit codes of `floe run` (sysexits.h where one fits).
public enum PipelineExitCode {
    public static let success: Int32 = 0
    public static let failure: Int32 = 1
    /// EX_USAGE: bad command line or invalid pipeline file.
    public static let usage: Int32 = 64
    /// EX_TEMPFAIL: another run holds the lock; try again later.
    public static let locked: Int32 = 75
}
