import FlowModels
import Foundation

/// Reads the ranked anomalies table `anomalies.csv` (RFC 4180: a header line, fields in
/// double quotes may hold commas, quotes as `""` and line breaks) with the columns
/// `rank, kind, entity, start, end, score, evidence` in any order; times in ISO 8601 UTC
/// or epoch milliseconds.
public enum AnomalyTableReader {
    public static let fileName = "anomalies.csv"
    static let required = ["kind", "entity", "start", "end", "score"]

    public static func load(path: String) throws -> [AnomalyRecord] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ReportError.unreadable(path: path, reason: "cannot read the anomalies table (\(error.localizedDescription))")
        }
        return try parse([UInt8](data), path: path)
    }

    /// Parses CSV bytes; `path` names the file in errors.
    public static func parse(_ bytes: [UInt8], path: String) throws -> [AnomalyRecord] {
        let rows = try records(bytes, path: path)
        guard let header = rows.first else { return [] }
        var column: [String: Int] = [:]
        for (i, name) in header.enumerated() { column[name.fields.trimmedOfSpace().lowercased()] = i }
        for name in required where column[name] == nil {
            throw ReportError.unreadable(path: path, reason: "the header has no '\(name)' column (expected rank, kind, entity, start, end, score, evidence)")
        }
        var out: [AnomalyRecord] = []
        for (n, row) in rows.dropFirst().enumerated() {
            if row.count == 1 && row[0].fields.isEmpty { continue }
            let line = row.first?.line ?? 0
            func field(_ name: String) -> String? {
                guard let i = column[name], i < row.count else { return nil }
                return row[i].fields
            }
            func instant(_ name: String) throws -> Int64 {
                guard let text = field(name), let v = UTCText.parseInstant(text) else {
                    throw ReportError.unreadable(path: path, reason: "line \(line): '\(name)' is not an ISO 8601 UTC time or epoch milliseconds")
                }
                return v
            }
            guard let scoreText = field("score"), let score = Double(scoreText.trimmedOfSpace()) else {
                throw ReportError.unreadable(path: path, reason: "line \(line): 'score' is not a number")
            }
            let rank = field("rank").flatMap { Int($0.trimmedOfSpace()) } ?? (n + 1)
            out.append(AnomalyRecord(rank: rank, kind: field("kind") ?? "", entity: field("entity") ?? "",
                                     start: try instant("start"), end: try instant("end"), score: score,
                                     evidence: field("evidence") ?? ""))
        }
        return out.sorted { ($0.rank, $0.start, $0.entity) < ($1.rank, $1.start, $1.entity) }
    }

    struct Field {
        var fields: String
        var line: Int
    }

    /// Splits CSV into records of fields (each field remembers its record's first line).
    static func records(_ b: [UInt8], path: String) throws -> [[Field]] {
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
}
