import FlowCore

/// Errors of the FlowFormats module that stop a whole input (as opposed to a rejected
/// row, which is a `LineOutcome.rejected`). Messages say what was found and what to do.
public enum FlowFormatsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No dialect recognises the header. `firstLine` is the start of the first line;
    /// `recognised` lists the columns the alias table knows (`ts_start → start`), `missing`
    /// the required fields no column gives, `note` why a time is missing (see
    /// `HeaderSniff.timeNote`).
    case unknownFormat(firstLine: String, recognised: [String] = [], missing: [String] = [], note: String = "")
    /// The header lacks columns the dialect needs to build a record. `note` explains a
    /// special case (a duration without any time column).
    case missingColumns(dialect: Dialect, columns: [String], note: String = "")
    /// A header line is malformed (duplicate column, bad Zeek directive, …).
    case badHeader(line: Int64, detail: String)
    /// A column mapping file is invalid.
    case badMapping(String)
    /// An option value is invalid (time zone name, offset, …).
    case badOption(String)

    public var description: String {
        switch self {
        case .unknownFormat(let first, let recognised, let missing, let note):
            var text = "unknown format: the first line '\(first)' is no known header"
            if !recognised.isEmpty { text += "; recognised: " + recognised.joined(separator: ", ") }
            if !missing.isEmpty { text += "; missing required: " + missing.joined(separator: ", ") }
            if !note.isEmpty { text += " (\(note))" }
            return text + "; run `floe-ingest --suggest-mapping FILE` for a mapping file to complete, "
                + "or give --dialect"
        case .missingColumns(let d, let cols, let note):
            return "\(d.rawValue): header lacks required column(s) \(cols.joined(separator: ", "))"
                + (note.isEmpty ? "" : " (\(note))")
                + "; name them in a mapping file (--mapping; `floe-ingest --suggest-mapping FILE` writes one)"
        case .badHeader(let line, let detail):
            return "bad header at line \(line): \(detail)"
        case .badMapping(let detail):
            return "bad column mapping: \(detail)"
        case .badOption(let detail):
            return "bad option: \(detail)"
        }
    }
}
