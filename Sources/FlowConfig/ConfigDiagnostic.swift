/// A problem in a configuration, settings or pipeline file, with its place: every config
/// reader of floe reports its problems as these, all of them at once (`ConfigError`).
public struct ConfigDiagnostic: Sendable, Equatable, CustomStringConvertible {
    /// The file, or the command-line option, the problem is in.
    public let file: String
    /// 1-based line (0 when the problem has no line, e.g. a command-line option).
    public let line: Int
    /// 1-based column (0 when unknown).
    public let column: Int
    public let message: String

    public init(file: String, line: Int, column: Int = 0, _ message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `file:line:column: message` (the place as far as it is known).
    public var description: String {
        guard line > 0 else { return "\(file): \(message)" }
        return column > 0 ? "\(file):\(line):\(column): \(message)" : "\(file):\(line): \(message)"
    }
}

/// Every problem found in one configuration, reported together.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public let diagnostics: [ConfigDiagnostic]

    public init(_ diagnostics: [ConfigDiagnostic]) { self.diagnostics = diagnostics }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
