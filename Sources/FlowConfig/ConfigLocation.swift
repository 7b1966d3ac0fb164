/// A place in a configuration, settings or pipeline file: 1-based line and column (0 when
/// not known). Ordered by line, then column.
public struct ConfigLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let line: Int
    public let column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// Line 1, column 1: the place of problems with the file as a whole (empty, not UTF-8).
    public static let start = ConfigLocation(line: 1, column: 1)

    public static func < (a: ConfigLocation, b: ConfigLocation) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }

    /// `line:column`.
    public var description: String { "\(line):\(column)" }
}
