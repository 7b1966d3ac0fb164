/// A problem in a configuration, settings or pipeline file, with its place: every config
/// reader of floe reports its problems as these, all of them at once (`ConfigError`).
/// Ordered by file, place, then message (the order a whole file's problems are listed in).
public struct ConfigDiagnostic: Sendable, Hashable, Comparable, CustomStringConvertible {
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

    public init(file: String, at location: ConfigLocation, _ message: String) {
        self.init(file: file, line: location.line, column: location.column, message)
    }

    /// The problem's place in the file.
    public var location: ConfigLocation { ConfigLocation(line: line, column: column) }

    /// `file:line:column: message` (the place as far as it is known).
    public var description: String {
        guard line > 0 else { return "\(file): \(message)" }
        return column > 0 ? "\(file):\(line):\(column): \(message)" : "\(file):\(line): \(message)"
    }

    public static func < (a: ConfigDiagnostic, b: ConfigDiagnostic) -> Bool {
        (a.file, a.line, a.column, a.message) < (b.file, b.line, b.column, b.message)
    }
}

/// Every problem found in one configuration, reported together.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public let diagnostics: [ConfigDiagnostic]

    public init(_ diagnostics: [ConfigDiagnostic]) { self.diagnostics = diagnostics }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
