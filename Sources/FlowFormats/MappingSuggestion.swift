import FlowCore

/// `floe-ingest --suggest-mapping FILE`: a complete, commented `ColumnMapping` YAML for a
/// header line, with every column the alias table recognises filled in and the required
/// fields nothing gives marked `MISSING`. The text reads back with `ColumnMapping(yaml:)`
/// as it is; the user only fills in the marked lines.
public enum MappingSuggestion {
    /// The suggested mapping for `headerLine` (the file's first line, without terminator);
    /// `file` is named in the comments.
    public static func yaml(headerLine: String, file: String) -> String {
        let (names, delimiter) = split(headerLine)
        let sniff = HeaderSniff(names: names)
        var out = "# floe column mapping suggested for \(file) from its header line:\n"
        out += "#   \(DialectParser.clip(headerLine))\n"
        if let d = DialectParser.detect(names: names, delimiter: delimiter.byte), d != .genericCSV {
            out += "# floe already reads this header as dialect \(d.rawValue): no mapping is needed.\n"
        }
        out += "# Recognised columns are filled in. A mapping may keep only the lines that differ:\n"
        out += "# columns left out are still found by name. Required fields marked MISSING must be\n"
        out += "# named (replace ??? with the column and remove the leading '#').\n"
        out += "# Use: floe-ingest --mapping THIS.yaml --output DIR \(file)\n"
        var timeUnit: EpochUnit? = nil
        var durationUnit: DurationFormat? = nil
        for field in ColumnMapping.mappableFields {
            let required = HeaderSniff.requiredFields.contains(field)
            guard let i = sniff.roles.indices.first(where: { sniff.roles[$0] != .labelFallback
                && sniff.roles[$0] != .totalBytes && sniff.roles[$0].fieldName == field }) else {
                out += "# \(field): ???" + (required ? "    # MISSING (required)\n" : "    # not found (optional)\n")
                continue
            }
            switch sniff.roles[i] {
            case .start(.epoch(let u)), .end(.epoch(let u)): timeUnit = timeUnit ?? u
            case .duration(let u): durationUnit = u
            default: break
            }
            out += "\(field): \(quoted(names[i]))\n"
        }
        if let u = timeUnit { out += "time_unit: \(u.rawValue)    # from the time column's name\n" }
        switch durationUnit {
        case .millis?: out += "duration_unit: ms    # from the duration column's name\n"
        case .micros?: out += "duration_unit: us    # from the duration column's name\n"
        default: break
        }
        if delimiter.name != "," { out += "delimiter: \(quoted(delimiter.name))\n" }
        let unused = zip(names, sniff.roles).filter { $0.1 == .ignore || $0.1 == .labelFallback || $0.1 == .totalBytes }
            .map(\.0)
        if !unused.isEmpty { out += "# Columns not used: \(unused.joined(separator: ", "))\n" }
        return out
    }

    /// The first line of a file's leading bytes (without a UTF-8 BOM, CR or LF), or nil
    /// when the bytes hold no complete line or are not UTF-8.
    public static func firstLine(_ bytes: [UInt8]) -> String? {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        guard let lf = body.firstIndex(of: 0x0A) else { return nil }
        var line = body[..<lf]
        if line.last == 0x0D { line = line.dropLast() }
        return String(validating: line, as: UTF8.self)
    }

    /// Header names and the delimiter: comma, else tab, else semicolon, else space.
    static func split(_ line: String) -> (names: [String], delimiter: (byte: UInt8, name: String)) {
        let d: (UInt8, String) = line.contains(",") ? (0x2C, ",") : line.contains("\t") ? (0x09, "tab")
            : line.contains(";") ? (0x3B, ";") : (0x20, "space")
        var bytes = Array(line.utf8)
        let names: [String] = bytes.withUnsafeMutableBufferPointer { raw in
            let b = UnsafeBufferPointer(raw)
            var sp = FieldSplitter()
            _ = sp.split(b, delimiter: d.0, quoting: d.0 == 0x2C, trimSpaces: true)
            return (0..<sp.count).map { String(decoding: sp.field($0, in: b), as: UTF8.self) }
        }
        return (names, (d.0, d.1))
    }

    /// A YAML double-quoted scalar.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for ch in s {
            if ch == "\\" || ch == "\"" { out.append("\\") }
            out.append(ch)
        }
        return out + "\""
    }
}
