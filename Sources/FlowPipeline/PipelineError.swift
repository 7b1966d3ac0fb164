/// A position in a pipeline file: line and column, both counted from 1.
public struct SourceLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let line: Int
    public let column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }

    public var description: String { "\(line):\(column)" }
}

/// One problem found in a pipeline file, printed as `FILE:LINE:COLUMN: message`.
public struct PipelineDiagnostic: Hashable, Sendable, CustomStringConvertible {
    public let file: String
    public let location: SourceLocation
    public let message: String

    public init(file: String, location: SourceLocation, message: String) {
        self.file = file
        self.location = location
        self.message = message
    }

    public var description: String { "\(file):\(location.line):\(location.column): \(message)" }
}

/// Errors of the pipeline runner. Every message names the file or the stage and says what
/// to do.
public enum PipelineError: Error, CustomStringConvertible, Equatable {
    /// The pipeline file is invalid; every problem found, sorted by position.
    case invalidFile([PipelineDiagnostic])
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
