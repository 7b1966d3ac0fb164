import Foundation

/// The reading half of the CSV tables stages exchange (`anomalies.csv`, `incidents.csv`;
/// `CSVText` writes them): RFC 4180, a header line, fields in double quotes may hold
/// commas, quotes as `""` and line breaks; `\r\n` line ends are read too. Errors are
/// `ArtifactError.unreadable` naming the file and line.
public enum CSVRecords {
    public struct Field: Sendable {
        public var fields: String
        public var line: Int
    }

    /// Splits CSV into records of fields (each field remembers its record's first line).
    public static func parse(_ b: [UInt8], path: String) throws -> [[Field]] {
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
        if quoted { throw ArtifactError.unreadable(path: path, reason: "line \(rowLine): a quoted field is not closed before the end of the file") }
        if !field.isEmpty || !row.isEmpty { endField(); rows.append(row) }
        return rows
    }

    /// Column name (trimmed, lower case) → index, from a header record.
    public static func columns(_ header: [Field]) -> [String: Int] {
        var column: [String: Int] = [:]
        for (i, name) in header.enumerated() where column[name.fields.trimmedOfSpace().lowercased()] == nil {
            column[name.fields.trimmedOfSpace().lowercased()] = i
        }
        return column
    }

    /// One data record of a table, read by column name; `line` is its first line and
    /// `ordinal` its 1-based place among the data records (blank records not counted).
    public struct NamedRecord: Sendable {
        public let fields: [Field]
        public let column: [String: Int]
        public let path: String
        public let ordinal: Int
        public var line: Int { fields.first?.line ?? 0 }

        public func field(_ name: String) -> String? {
            guard let i = column[name], i < fields.count else { return nil }
            return fields[i].fields
        }

        /// A finite number, or nil when the column is absent or not a number.
        public func number(_ name: String) -> Double? {
            field(name).flatMap { Double($0.trimmedOfSpace()) }.flatMap { $0.isFinite ? $0 : nil }
        }

        /// A required number: an error naming the line and column when it is not one.
        public func requiredNumber(_ name: String) throws -> Double {
            guard let v = number(name) else { throw ArtifactError.unreadable(path: path, reason: "line \(line): '\(name)' is not a number") }
            return v
        }

        /// A severity: the number rounded and clamped to 0–100, nil when absent or not a number.
        public func severity(_ name: String) -> Int? {
            number(name).map { Int(min(max($0, 0), 100).rounded()) }
        }

        /// A required instant: ISO 8601 UTC text or epoch milliseconds (`InstantText.parse`).
        public func instant(_ name: String) throws -> Int64 {
            guard let text = field(name), let v = InstantText.parse(text) else {
                throw ArtifactError.unreadable(path: path, reason: "line \(line): '\(name)' is not an ISO 8601 UTC time or epoch milliseconds")
            }
            return v
        }

        /// The space-separated words of a list column (empty when absent).
        public func words(_ name: String) -> [String] {
            (field(name) ?? "").split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        }

        /// The space-separated integers of a list column: an error naming the line, column
        /// and word when one is not an integer.
        public func integers(_ name: String) throws -> [Int] {
            try words(name).map {
                guard let v = Int($0) else { throw ArtifactError.unreadable(path: path, reason: "line \(line): '\(name)' holds '\($0)', not an integer") }
                return v
            }
        }

        /// The rank column, or the record's place when there is none.
        public var rank: Int { field("rank").flatMap { Int($0.trimmedOfSpace()) } ?? ordinal }
    }

    /// The data records of a table whose header must name every column of `required`
    /// (`expected` lists the whole header for the message); blank records are skipped.
    public static func records(_ bytes: [UInt8], path: String, required: [String], expected: String) throws -> [NamedRecord] {
        let rows = try parse(bytes, path: path)
        guard let header = rows.first else { return [] }
        let column = columns(header)
        for name in required where column[name] == nil {
            throw ArtifactError.unreadable(path: path, reason: "the header has no '\(name)' column (expected \(expected))")
        }
        return rows.dropFirst().filter { !($0.count == 1 && $0[0].fields.isEmpty) }.enumerated().map {
            NamedRecord(fields: $0.element, column: column, path: path, ordinal: $0.offset + 1)
        }
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and line breaks.
    public func trimmedOfSpace() -> String {
        var s = Substring(self)
        let set: Set<Character> = [" ", "\t", "\r", "\n", "\r\n"]
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
