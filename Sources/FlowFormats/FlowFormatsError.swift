import FlowCore

/// Errors of the FlowFormats module that stop a whole input (as opposed to a rejected
/// row, which is a `LineOutcome.rejected`). Messages say what was found and what to do.
public enum FlowFormatsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No dialect recognises the header. `firstLine` is the start of the first line.
    case unknownFormat(firstLine: String)
    /// The header lacks columns the dialect needs to build a record.
    case missingColumns(dialect: Dialect, columns: [String])
    /// A header line is malformed (duplicate column, bad Zeek directive, …).
    case badHeader(line: Int64, detail: String)
    /// A column mapping file is invalid.
    case badMapping(String)
    /// An option value is invalid (time zone name, offset, …).
    case badOption(String)

    public var description: String {
        switch self {
        case .unknownFormat(let first):
            return "unknown format: the first line '\(first)' is no known header; "
                + "give --dialect or a column mapping file"
        case .missingColumns(let d, let cols):
            return "\(d.rawValue): header lacks required column(s) \(cols.joined(separator: ", ")); "
                + "use a column mapping file to name them"
        case .badHeader(let line, let detail):
            return "bad header at line \(line): \(detail)"
        case .badMapping(let detail):
            return "bad column mapping: \(detail)"
        case .badOption(let detail):
            return "bad option: \(detail)"
        }
    }
}
