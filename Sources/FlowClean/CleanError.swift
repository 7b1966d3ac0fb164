import FlowConfig

/// Errors of floe-clean. Every message names the file (and line or row where there is one)
/// and what to do.
public enum CleanError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The configuration has problems; every one is listed.
    case invalidConfig([ConfigDiagnostic])
    /// Command-line usage (no inputs, an input that does not exist, …).
    case usage(String)
    /// An input file cannot be read as a raw flow Arrow file.
    case unreadableInput(path: String, reason: String)
    /// Writing the dataset failed.
    case writeFailed(path: String, reason: String)
    /// The manifest's accounting would not hold: in ≠ out + rejected + duplicates.
    case accountingMismatch(String)

    public var description: String {
        switch self {
        case .invalidConfig(let diagnostics):
            return "invalid clean configuration (\(diagnostics.count) problem\(diagnostics.count == 1 ? "" : "s")):\n"
                + diagnostics.map { "  " + $0.description }.joined(separator: "\n")
        case .usage(let message):
            return message
        case let .unreadableInput(path, reason):
            return "\(path): cannot clean this input: \(reason); re-run floe-ingest for it or leave it out"
        case let .writeFailed(path, reason):
            return "\(path): cannot write the dataset: \(reason); check the folder is writable and the disk has room"
        case .accountingMismatch(let detail):
            return "accounting does not hold (rows in ≠ out + rejected + duplicates): \(detail); this is a floe bug, please report it"
        }
    }
}
