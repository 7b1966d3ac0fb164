/// The RFC 4180 reader shared by the score tables (`anomalies.csv`, `incidents.csv`): a
/// header line, fields in double quotes may hold commas, quotes as `""` and line breaks.
enum CSVRecords {
    struct Field {
        var fields: String
        var line: Int
    }

    /// Splits CSV into records of fields (each field remembers its record's first line).
    static func parse(_ b: [UInt8], path: String) throws -> [[Field]] {
        var rows: [[Field]] = []
        var row: [Field] = []
        var field: [UInt8] = []
        var i = 0, line = 1, rowLine = 1
        var quoted = false, wasQuoted = false
        func endField() {
            row.append(Field(fields: String(decoding: field, as: UTF8.self), line: rowLine))
            field.removeAll(keepingCapacity: true)
            wasQuoted = false
        }
        while i < b.count {
            let c = b[i]
            if quoted {
                if c == UInt8(ascii: "\"") {
                    if i + 1 < b.count && b[i + 1] == UInt8(ascii: "\"") { field.append(c); i += 2; continue }
                    quoted = false
                } else {
                    if c == UInt8(ascii: "\n") { line += 1 }
                    field.append(c)
                }
                i += 1
                continue
            }
            switch c {
            case UInt8(ascii: "\""):
                if field.isEmpty && !wasQuoted { quoted = true; wasQuoted = true } else { field.append(c) }
            case UInt8(ascii: ","):
                endField()
            case UInt8(ascii: "\r"):
                break
            case UInt8(ascii: "\n"):
                endField()
                rows.append(row)
                row = []
                line += 1
                rowLine = line
            default:
                field.append(c)
            }
            i += 1
        }
        if quoted { throw ReportError.unreadable(path: path, reason: "line \(rowLine): a quoted field is not closed before the end of the file") }
        if !field.isEmpty || !row.isEmpty { endField(); rows.append(row) }
        return rows
    }

    /// Column name (trimmed, lower case) → index, from a header record.
    static func columns(_ header: [Field]) -> [String: Int] {
        var column: [String: Int] = [:]
        for (i, name) in header.enumerated() where column[name.fields.trimmedOfSpace().lowercased()] == nil {
            column[name.fields.trimmedOfSpace().lowercased()] = i
        }
        return column
    }
}
